package io.vigil.agent.btf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Field paths of a kernel's structs: what the planner asks to compile a resolve. The host's comes
 * from /sys/kernel/btf/vmlinux, read once on first use (a few MB); tests give a synthetic Btf.
 */
public interface StructFields {
    /** The compiled path; IllegalArgumentException with the reason (unknown member, bitfield, ...). */
    ResolvedField resolve(String struct, String path, int maxSteps);

    Path VMLINUX = Path.of("/sys/kernel/btf/vmlinux");

    static StructFields of(Btf btf) {
        return (s, p, n) -> new FieldResolver(btf, n).resolve(s, p);
    }

    /** No BTF: every resolve is refused, with why. */
    static StructFields none(String why) {
        return (s, p, n) -> {
            throw new IllegalArgumentException(why);
        };
    }

    /** The running kernel's BTF, parsed on the first resolve. */
    static StructFields vmlinux() {
        return new StructFields() {
            private StructFields loaded;

            @Override
            public synchronized ResolvedField resolve(String struct, String path, int maxSteps) {
                if (loaded == null) {
                    if (!Files.isReadable(VMLINUX)) {
                        loaded = none(VMLINUX + " is not readable: this kernel has no BTF for resolve");
                    } else {
                        try {
                            loaded = of(Btf.read(VMLINUX));
                        } catch (IOException e) {
                            throw new UncheckedIOException("reading " + VMLINUX, e);
                        }
                    }
                }
                return loaded.resolve(struct, path, maxSteps);
            }
        };
    }
}
