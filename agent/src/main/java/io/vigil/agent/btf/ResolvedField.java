package io.vigil.agent.btf;

import java.util.List;

/**
 * A field path compiled against BTF: struct gen_resolve's steps. Every offset but the last is a
 * pointer member that is dereferenced; the last is the final member's offset in the struct
 * reached.
 *
 * @param offsets byte offsets, one per step (at least one)
 * @param string  the final member is a char array (read as a NUL-terminated string)
 * @param size    integer final member: its size in bytes (1, 2, 4, 8); 0 for a string
 * @param signed  integer final member: signed
 * @param fromTask the path starts at the current task, not at the argument (struct gen_resolve.base)
 */
public record ResolvedField(List<Integer> offsets, boolean string, int size, boolean signed, boolean fromTask) {
    public ResolvedField {
        offsets = List.copyOf(offsets);
    }

    public ResolvedField(List<Integer> offsets, boolean string, int size, boolean signed) {
        this(offsets, string, size, signed, false);
    }

    public ResolvedField fromCurrentTask() {
        return new ResolvedField(offsets, string, size, signed, true);
    }
}
