package io.vigil.bpf.wire;

import java.util.Arrays;
import java.util.List;

/**
 * A policy hook fired: struct msg_generic and its arguments (generic_abi.h). The arguments stay
 * raw here; their types are the hook's ({@code hookId}), known to the agent's hook registry.
 *
 * @param process  the process incarnation the sensor found in execve_map (or guessed)
 * @param tid      the calling thread
 * @param hookId   gen_config.hook_id of the hook that fired
 * @param ret      the return value, meaningful when {@link #hasReturn()}
 * @param selector index of the selector that matched; {@link #NO_SELECTOR} for a hook without selectors
 * @param flags    GenericAbi.MsgFlag bits
 * @param actions  GenericAbi.Action bits of the matching selector (POST for a hook without selectors)
 * @param args     the arguments in the hook's order; fewer than the hook declares when the sensor ran out of room
 */
public record GenericMsg(long ktime, ExecveKey process, int tid, int hookId, long ret, int selector, int flags,
                         int actions, List<RawArg> args) implements Msg {
    public static final int NO_SELECTOR = 0xff;

    public GenericMsg {
        args = List.copyOf(args);
    }

    public boolean hasReturn() {
        return (flags & GenericAbi.MsgFlag.RETURN) != 0;
    }

    /** An enforcement action was due but the policy is in monitor mode. */
    public boolean monitored() {
        return (flags & GenericAbi.MsgFlag.MONITORED) != 0;
    }

    /**
     * One argument as sent: struct msg_gen_arg's flags and the bytes after it (an integer's 8
     * little-endian bytes, a string or path without NUL, a struct msg_sockaddr or msg_gen_cred).
     */
    public record RawArg(int flags, byte[] bytes) {
        public RawArg {
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        public int length() {
            return bytes.length;
        }

        /** The value was longer than what the sensor copied. */
        public boolean truncated() {
            return (flags & GenericAbi.ArgMsgFlag.TRUNCATED) != 0;
        }

        /** The sensor could not read the value (fault, closed fd ...); there are no bytes. */
        public boolean error() {
            return (flags & GenericAbi.ArgMsgFlag.ERROR) != 0;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof RawArg r && r.flags == flags && Arrays.equals(r.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return 31 * flags + Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "RawArg[flags=" + flags + ", " + bytes.length + " bytes]";
        }
    }
}
