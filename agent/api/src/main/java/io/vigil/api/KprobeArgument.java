package io.vigil.api;

import java.util.Objects;

/**
 * One argument of a policy event: Tetragon's {@code KprobeArgument}, a oneof of typed values
 * ({@link ArgValue}) plus the policy's {@code label} for it.
 *
 * @param value the typed value; its {@link ArgValue#jsonKey()} is the oneof member written
 * @param label args[].label of the policy, or empty (then omitted)
 */
public record KprobeArgument(ArgValue value, String label) {
    public KprobeArgument {
        Objects.requireNonNull(value, "value");
        label = Objects.requireNonNullElse(label, "");
    }

    public static KprobeArgument of(ArgValue value) {
        return new KprobeArgument(value, "");
    }
}
