package io.vigil.agent.policy.plan;

import io.vigil.agent.btf.ResolvedField;
import io.vigil.policy.ArgSpec;
import io.vigil.policy.ArgType;
import java.util.Optional;

/**
 * Where one argument of a hook is read (gen_arg's placement fields, generic_abi.h).
 *
 * @param spec        the policy's argument
 * @param type        its type; for {@code auto}, the one the tracepoint format or the mapping says
 * @param flags       GenericAbi.ArgFlag bits of the placement: CONST, FROM_RET, FROM_FD, USER for a
 *                    mapped parameter (the compiler adds USER for syscall pointers, RETURN_COPY ...)
 * @param src         kprobe, tp_btf: function argument position
 * @param sizeSrc     kprobe char_buf: 1 + position of the size argument, 0 = none
 * @param ctxOff      tracepoint: byte offset of the field in the record; CONST: the constant
 * @param ctxSize     tracepoint: field size (1, 2, 4, 8); 0 = not read from the record
 * @param sizeCtxOff  tracepoint char_buf: offset of the size field
 * @param sizeCtxSize tracepoint char_buf: size of the size field, 0 = none
 * @param resolve     the spec's resolve path compiled against the host's BTF (struct gen_resolve); empty = none
 */
public record ArgPlan(ArgSpec spec, ArgType type, int flags, int src, int sizeSrc, int ctxOff, int ctxSize, int sizeCtxOff,
        int sizeCtxSize, Optional<ResolvedField> resolve) {
    public ArgPlan(ArgSpec spec, ArgType type, int flags, int src, int sizeSrc, int ctxOff, int ctxSize, int sizeCtxOff,
            int sizeCtxSize) {
        this(spec, type, flags, src, sizeSrc, ctxOff, ctxSize, sizeCtxOff, sizeCtxSize, Optional.empty());
    }

    public ArgPlan withResolve(ResolvedField r) {
        return new ArgPlan(spec, type, flags, src, sizeSrc, ctxOff, ctxSize, sizeCtxOff, sizeCtxSize, Optional.of(r));
    }
}
