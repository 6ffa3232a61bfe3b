package io.vigil.agent.policy.plan;

import io.vigil.agent.btf.ResolvedField;
import io.vigil.agent.policy.plan.HookPlanner.Problems;
import io.vigil.bpf.wire.GenericAbi;
import io.vigil.policy.ArgSpec;
import io.vigil.policy.ArgType;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An argument's resolve path (Tetragon's {@code resolve: "mm.owner.real_parent.comm"}) on a kernel
 * pointer argument: compiled against the host's BTF from the struct the argument points to. The
 * declared type must fit what the path ends in: {@code string} for a char array, an integer type
 * for an integer (read at the member's own size).
 */
final class ResolvedArgs {
    private ResolvedArgs() {}

    /** The struct behind each pointer argument type that can start a path. */
    private static final Map<ArgType, String> STRUCTS = Map.of(ArgType.LINUX_BINPRM, "linux_binprm", ArgType.FILE, "file",
            ArgType.PATH, "path", ArgType.CRED, "cred", ArgType.SOCK, "sock", ArgType.SOCKET, "socket", ArgType.SKB,
            "sk_buff", ArgType.KIOCB, "kiocb", ArgType.BPF_MAP, "bpf_map", ArgType.MODULE, "module");

    private static final Set<ArgType> INTS = Set.of(ArgType.INT, ArgType.SINT8, ArgType.INT8, ArgType.UINT8,
            ArgType.SINT16, ArgType.INT16, ArgType.UINT16, ArgType.UINT32, ArgType.SINT32, ArgType.INT32, ArgType.ULONG,
            ArgType.UINT64, ArgType.LONG, ArgType.SINT64, ArgType.INT64);

    /**
     * Whether a is a resolve on a hook that cannot follow it (kprobes, fentry, syscalls, tracepoints:
     * no struct type is known for their arguments here); the reason goes to p. Only kernel functions
     * served by tracepoints with a BTF argument (lsmhooks bprm_check_security) compile it.
     */
    static boolean unserved(ArgSpec a, String fn, String where, Problems p) {
        if (a.resolve().isEmpty()) {
            return false;
        }
        p.add(where + ".args", "resolve '" + a.resolve().get() + "' of argument " + a.index() + " of " + fn
                + " is not followed on this hook: resolve is served on the tracepoint backend's mapped hooks whose"
                + " argument is a kernel struct (e.g. lsmhooks bprm_check_security)");
        return true;
    }

    /**
     * The plan of an argument with a resolve path, from {@code base} (the argument's own placement,
     * of pointer type {@code from}); empty, with the reason in p, when it cannot be compiled.
     */
    static Optional<ArgPlan> plan(ArgSpec a, ArgType from, ArgPlan base, String fn, HostFacts host, String where,
            Problems p) {
        String path = a.resolve().orElseThrow();
        String struct = STRUCTS.get(from);
        if (base.flags() != 0 || base.ctxSize() != 0) {   // an fd, a constant, a syscall's value: no struct pointer
            unserved(a, fn, where, p);
            return Optional.empty();
        }
        if (struct == null) {
            p.add(where + ".args", "argument " + a.index() + " of " + fn + " is " + from.spelling()
                    + ", not a kernel struct pointer resolve can start from");
            return Optional.empty();
        }
        // The only kernel-struct argument of a mapped hook is sched_process_exec's bprm, seen after
        // exec_mmap moved bprm->mm to current->mm and cleared it: its mm is the current task's.
        boolean fromTask = from == ArgType.LINUX_BINPRM && path.startsWith("mm.");
        ResolvedField r;
        try {
            r = fromTask ? host.structFields().resolve("task_struct", path, GenericAbi.RESOLVE_STEPS).fromCurrentTask()
                    : host.structFields().resolve(struct, path, GenericAbi.RESOLVE_STEPS);
        } catch (IllegalArgumentException e) {
            p.add(where + ".args", "resolve '" + path + "' of argument " + a.index() + " of " + fn + ": " + e.getMessage());
            return Optional.empty();
        }
        boolean fits = r.string() ? a.type() == ArgType.STRING : INTS.contains(a.type());
        if (!fits) {
            p.add(where + ".args", "resolve '" + path + "' of argument " + a.index() + " of " + fn + " ends in "
                    + (r.string() ? "a char array: declare type string" : "a " + r.size() + "-byte integer: declare an"
                    + " integer type") + ", not " + a.type().spelling());
            return Optional.empty();
        }
        return Optional.of(new ArgPlan(a, a.type(), base.flags(), base.src(), 0, base.ctxOff(), base.ctxSize(), 0, 0,
                Optional.of(r)));
    }
}
