package io.vigil.agent.policy.plan;

import io.vigil.policy.ArgSpec;
import io.vigil.policy.ArgType;

/**
 * Where one argument of a hook is read (gen_arg's placement fields, generic_abi.h).
 *
 * @param spec        the policy's argument
 * @param type        its type; for a tracepoint argument of type auto, the one the format file says
 * @param src         kprobe: function argument position
 * @param sizeSrc     kprobe char_buf: 1 + position of the size argument, 0 = none
 * @param ctxOff      tracepoint: byte offset of the field in the record
 * @param ctxSize     tracepoint: field size (1, 2, 4, 8); 0 = not a tracepoint hook
 * @param sizeCtxOff  tracepoint char_buf: offset of the size field
 * @param sizeCtxSize tracepoint char_buf: size of the size field, 0 = none
 */
public record ArgPlan(ArgSpec spec, ArgType type, int src, int sizeSrc, int ctxOff, int ctxSize, int sizeCtxOff,
        int sizeCtxSize) {}
