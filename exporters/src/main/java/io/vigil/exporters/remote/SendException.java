package io.vigil.exporters.remote;

/** Why a {@link RecordSender} could not deliver a batch: retriable and fatal are distinct types. */
public abstract sealed class SendException extends Exception permits SendException.Retriable, SendException.Fatal {

    private SendException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The receiver is unreachable, timed out or asked to slow down. */
    public static final class Retriable extends SendException {
        public Retriable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Retrying cannot help: authentication refused, mapping rejected, a record too large. */
    public static final class Fatal extends SendException {
        public Fatal(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
