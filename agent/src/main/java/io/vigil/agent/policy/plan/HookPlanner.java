package io.vigil.agent.policy.plan;

import io.vigil.agent.policy.HookDescriptor;
import io.vigil.agent.policy.plan.TracepointEquivalents.Condition;
import io.vigil.agent.policy.plan.TracepointEquivalents.Equivalent;
import io.vigil.agent.policy.plan.TracepointEquivalents.Param;
import io.vigil.agent.policy.plan.TracepointEquivalents.Variant;
import io.vigil.bpf.Backend;
import io.vigil.bpf.generic.HookImage.AttachKind;
import io.vigil.bpf.generic.HookImage.Attachment;
import io.vigil.bpf.wire.GenericAbi;
import io.vigil.bpf.wire.GenericAbi.ArgFlag;
import io.vigil.policy.ArgSpec;
import io.vigil.policy.ArgType;
import io.vigil.policy.HookSpec;
import io.vigil.policy.KprobeSpec;
import io.vigil.policy.ListSpec;
import io.vigil.policy.LsmHookSpec;
import io.vigil.policy.Selector;
import io.vigil.policy.TracepointSpec;
import io.vigil.policy.TracingPolicy;
import io.vigil.policy.UprobeSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Decides, for each hook of a policy and the agent's backend, which generic object reads it,
 * what it attaches to and where its arguments are. Pure: the kernel comes in as {@link HostFacts}.
 *
 * <ul>
 *   <li>syscall kprobe {@code sys_X}, tracepoint backend: bpf_generic_tp on syscalls/sys_enter_X (and
 *       sys_exit_X for a return value), argument i at record offset 16 + 8 i, ret at 16;</li>
 *   <li>syscall kprobe, kprobe/fentry backend: bpf_generic_kprobe on the arch's wrapper
 *       ({@code __x64_sys_X}), arguments from the inner pt_regs (SYSCALL_WRAPPER);</li>
 *   <li>other kprobes: on kprobe/fentry, bpf_generic_kprobe on the function (register i = argument i);
 *       on the tracepoint backend, the tracepoints of {@link TracepointEquivalents} or an error;</li>
 *   <li>LSM hooks: kprobe on the security_ function behind the hook (kprobe/fentry), or the
 *       tracepoint equivalent of that function;</li>
 *   <li>hooks that Override: {@link OverridePlanner#place} (cgroup, fanotify, else BPF LSM);</li>
 *   <li>file opens that only report, where fanotify serves them: {@link ObservationPlanner} (FAN_OPEN marks);</li>
 *   <li>{@code tracepoints:} hooks on every backend: bpf_generic_tp, fields as the format file says
 *       (index = field position in the format, common_* fields included, as Tetragon); {@code raw: true}:
 *       {@link RawTracepoints} (tp_btf, index = TP_PROTO position);</li>
 *   <li>{@code list:NAME} calls: one hook per function {@link ListCalls} gives (generated lists expanded
 *       from the host facts).</li>
 * </ul>
 * A hook no backend can honour is an error naming it, the reason and the alternatives.
 */
public final class HookPlanner {
    /** struct trace_event_raw_sys_enter: common fields (8), the syscall nr (8), then args[6] */
    static final int SYS_ENTER_ARGS = 16;
    /** struct trace_event_raw_sys_exit: common fields (8), the syscall nr (8), then ret */
    static final int SYS_EXIT_RET = 16;
    private static final int MAX_FUNCTION_ARGS = 6;
    public static final String TP_OBJECT = "bpf_generic_tp";
    public static final String KPROBE_OBJECT = "bpf_generic_kprobe";
    /** hooks that Override where no scoped placement serves them, on kernels with BPF LSM */
    public static final String LSM_OBJECT = "bpf_generic_lsm";
    /** connect/sendmsg hooks that Override (OverridePlacement) */
    public static final String SOCKADDR_OBJECT = "bpf_generic_sockaddr";
    /** file open/exec hooks that Override: no BPF object, fanotify marks answered by the agent */
    public static final String FANOTIFY_OBJECT = "fanotify";

    /** Kernel functions often hooked, and the syscall hook that sees the same thing from user space. */
    private static final Map<String, String> SYSCALL_ALTERNATIVES = Map.ofEntries(
            Map.entry("do_sys_open", "sys_openat"),
            Map.entry("vfs_read", "sys_read"),
            Map.entry("vfs_write", "sys_write"),
            Map.entry("security_bprm_creds_for_exec", "sys_execve"),
            Map.entry("security_bprm_creds_from_file", "sys_execve"),
            Map.entry("inet_csk_accept", "sys_accept4"),
            Map.entry("security_socket_bind", "sys_bind"),
            Map.entry("tcp_sendmsg", "sys_sendto / sys_sendmsg"),
            Map.entry("udp_sendmsg", "sys_sendto / sys_sendmsg"),
            Map.entry("tcp_close", "sys_close"),
            Map.entry("security_path_unlink", "sys_unlinkat"),
            Map.entry("security_inode_unlink", "sys_unlinkat"),
            Map.entry("security_path_truncate", "sys_truncate / sys_ftruncate"),
            Map.entry("security_mmap_file", "sys_mmap"),
            Map.entry("commit_creds", "sys_setuid / sys_setresuid / sys_setgid ..."),
            Map.entry("__sys_setuid", "sys_setuid"),
            Map.entry("security_sb_mount", "sys_mount"),
            Map.entry("security_kernel_module_request", "sys_init_module / sys_finit_module"),
            Map.entry("security_kernel_read_file", "sys_finit_module"),
            Map.entry("security_kernel_load_data", "sys_init_module"),
            Map.entry("do_init_module", "sys_init_module / sys_finit_module"),
            Map.entry("security_ptrace_access_check", "sys_ptrace"),
            Map.entry("security_bpf", "sys_bpf"),
            Map.entry("security_bpf_map_create", "sys_bpf"),
            Map.entry("security_inode_mkdir", "sys_mkdirat"),
            Map.entry("create_user_ns", "sys_unshare / sys_clone"),
            Map.entry("tty_write", "sys_write"));

    private final Backend backend;
    private final HostFacts host;
    private final OverridePlanner overrides;
    private final ObservationPlanner observations;
    private final UsdtPlanner usdts;

    public HookPlanner(Backend backend, HostFacts host) {
        this.backend = backend;
        this.host = host;
        this.overrides = new OverridePlanner(host);
        this.observations = new ObservationPlanner(host);
        this.usdts = new UsdtPlanner(host);
    }

    /** A planner for this machine (tracefs, kallsyms, os.arch). */
    public static HookPlanner forHost(Backend backend) {
        return new HookPlanner(backend, TracefsHostFacts.forHost());
    }

    public Backend backend() {
        return backend;
    }

    /**
     * The plans of every hook of the policy, in its order (kprobes, tracepoints, LSM hooks).
     *
     * @throws PolicyRejectedException every hook that cannot be placed, each with its reason
     */
    public Planned plan(TracingPolicy policy) throws PolicyRejectedException {
        List<HookPlan> plans = new ArrayList<>();
        List<PolicyProblem> problems = new ArrayList<>();
        List<PolicyProblem> skipped = new ArrayList<>();
        Problems p = new Problems(policy, problems, skipped);
        List<KprobeSpec> kprobes = policy.spec().kprobes();
        for (int i = 0; i < kprobes.size(); i++) {
            planKprobe(policy, kprobes.get(i), "spec.kprobes[" + i + "]", plans, p);
        }
        List<TracepointSpec> tps = policy.spec().tracepoints();
        for (int i = 0; i < tps.size(); i++) {
            planTracepoint(tps.get(i), "spec.tracepoints[" + i + "]", p).ifPresent(plans::add);
        }
        List<LsmHookSpec> lsm = policy.spec().lsmHooks();
        for (int i = 0; i < lsm.size(); i++) {
            planLsm(policy, lsm.get(i), "spec.lsmhooks[" + i + "]", plans, p);
        }
        for (int i = 0; i < policy.spec().uprobes().size(); i++) {
            planUprobe(policy.spec().uprobes().get(i), "spec.uprobes[" + i + "]", plans, p);
        }
        for (int i = 0; i < policy.spec().usdts().size(); i++) {
            usdts.plan(policy.spec().usdts().get(i), "spec.usdts[" + i + "]", p).ifPresent(plans::add);
        }
        if (!problems.isEmpty()) {
            throw new PolicyRejectedException(problems);
        }
        return new Planned(plans, skipped);
    }

    private void planKprobe(TracingPolicy policy, KprobeSpec k, String where, List<HookPlan> plans, Problems p) {
        if (!k.data().isEmpty()) {
            p.add(where + ".data", "data (matchData sources) is not supported; read the value as an argument instead");
            return;
        }
        if (k.args().size() > GenericAbi.MAX_ARGS) {
            p.add(where + ".args", "at most " + GenericAbi.MAX_ARGS + " arguments per hook, got " + k.args().size());
            return;
        }
        List<String> calls = List.of(k.call());
        boolean syscall = k.syscall();
        if (k.listName().isPresent()) {
            Optional<ListSpec> list = policy.spec().list(k.listName().get());
            if (list.isEmpty()) {
                p.add(where + ".call", "no list '" + k.listName().get() + "' in spec.lists");
                return;
            }
            ListCalls expanded = ListCalls.of(list.get(), backend, host);
            if (expanded.problem().isPresent()) {
                p.kernel(where + ".call", expanded.problem().get());
                return;
            }
            if (EachSyscall.serves(k, list.get())) {
                EachSyscall.plan(k, where, host, p).ifPresent(plans::add);
                return;
            }
            calls = expanded.calls();
            syscall = expanded.syscalls().orElse(syscall);
        }
        for (String call : calls) {
            if (OverridePlacement.overrides(k)) {
                Optional<OverridePlacement.Served> served = syscall ? OverridePlacement.forSyscall(syscallName(call))
                        : OverridePlacement.forFunction(call);
                Optional<String> lsm = syscall ? Optional.empty() : overrides.bpfLsmHookOf(call);
                overrides.place(k, served, syscall ? host.syscallPrefix() + syscallName(call) : call, lsm,
                        HookDescriptor.Kind.KPROBE, where, p).ifPresent(plans::add);
                continue;
            }
            if (!syscall && observations.place(policy, k, call, HookDescriptor.Kind.KPROBE, where).map(plans::add).orElse(false)) {
                continue;   // observed through fanotify FAN_OPEN marks (ObservationPlanner)
            }
            plans.addAll(syscall ? planSyscall(k, call, where, p).stream().toList() : planFunction(k, call, where, p));
        }
    }

    private Optional<HookPlan> planSyscall(KprobeSpec k, String call, String where, Problems p) {
        String name = syscallName(call);
        boolean ret = needsReturn(k);
        String functionName = host.syscallPrefix() + name;
        List<ArgPlan> args = new ArrayList<>();
        for (ArgSpec a : k.args()) {
            if (!indexOk(a, name, where, p)) {
                return Optional.empty();
            }
            int size = a.sizeArgIndex();
            args.add(new ArgPlan(a, a.type(), 0, a.index(), size, SYS_ENTER_ARGS + 8 * a.index(), 8,
                    size > 0 ? SYS_ENTER_ARGS + 8 * (size - 1) : 0, size > 0 ? 8 : 0));
        }
        int retFlag = ret ? GenericAbi.HookFlag.RETURN : 0;
        List<Attachment> at = new ArrayList<>();
        String object;
        int flags;
        if (backend == Backend.TRACEPOINT) {
            String enter = "syscalls/sys_enter_" + name;
            String exit = "syscalls/sys_exit_" + name;
            String missing = !host.tracepointExists(enter) ? enter : ret && !host.tracepointExists(exit) ? exit : null;
            if (missing != null) {
                p.missing(k, where + ".call", "no tracepoint " + missing + " on this kernel: is '" + name
                        + "' a syscall of this architecture (" + host.arch() + ")?");
                return Optional.empty();
            }
            at.add(new Attachment("generic_tp_enter", AttachKind.TRACEPOINT, enter));
            if (ret) {
                at.add(new Attachment("generic_tp_exit", AttachKind.TRACEPOINT, exit));
            }
            object = TP_OBJECT;
            flags = GenericAbi.HookFlag.SYSCALL_TP | retFlag;
        } else {
            if (!host.functionExists(functionName)) {
                p.missing(k, where + ".call", "no function " + functionName + " on this kernel: is '" + name
                        + "' a syscall of this architecture (" + host.arch() + ")?");
                return Optional.empty();
            }
            at.add(new Attachment("generic_kprobe", AttachKind.KPROBE, functionName));
            if (ret) {
                at.add(new Attachment("generic_kretprobe", AttachKind.KRETPROBE, functionName));
            }
            object = KPROBE_OBJECT;
            flags = GenericAbi.HookFlag.SYSCALL_WRAPPER | retFlag;
        }
        return Optional.of(new HookPlan(k, where, object, at, flags, true, false, args, ret ? SYS_EXIT_RET : 0,
                HookDescriptor.Kind.KPROBE, functionName, "", "", List.of(), Optional.empty()));
    }

    private List<HookPlan> planFunction(KprobeSpec k, String call, String where, Problems p) {
        if (backend == Backend.TRACEPOINT) {
            Optional<Equivalent> eq = TracepointEquivalents.forFunction(call);
            if (eq.isPresent()) {
                return planMapped(k, eq.get(), HookDescriptor.Kind.KPROBE, call, where, p);
            }
            String alt = SYSCALL_ALTERNATIVES.get(call);
            p.kernel(where + ".call", call + ": this kernel refuses kprobes and fentry (backend tracepoint) and no tracepoint"
                    + " sees the same event. Alternatives: " + (alt != null ? "the syscall hook " + alt
                            : "the syscall that reaches " + call + " (e.g. call: \"sys_openat\", syscall: true)")
                    + ", a `tracepoints:` hook, or one of the functions served by tracepoints here: " + mappedFunctions()
                    + "; kprobe kernels run it as written.");
            return List.of();
        }
        if (!host.functionExists(call)) {
            p.missing(k, where + ".call", "no function " + call + " on this kernel (not in available_filter_functions or"
                    + " /proc/kallsyms): it may be inlined, renamed or absent from this version; set ignore.callNotFound"
                    + " to load the rest of the policy without it");
            return List.of();
        }
        List<ArgPlan> args = functionArgs(k.args(), call, where, p);
        if (args == null) {
            return List.of();
        }
        boolean ret = needsReturn(k);
        List<Attachment> at = new ArrayList<>();
        at.add(new Attachment("generic_kprobe", AttachKind.KPROBE, call));
        if (ret) {
            at.add(new Attachment("generic_kretprobe", AttachKind.KRETPROBE, call));
        }
        return List.of(new HookPlan(k, where, KPROBE_OBJECT, at, ret ? GenericAbi.HookFlag.RETURN : 0, false, true,
                args, 0, HookDescriptor.Kind.KPROBE, call, "", "", List.of(), Optional.empty()));
    }

    private void planLsm(TracingPolicy policy, LsmHookSpec l, String where, List<HookPlan> plans, Problems p) {
        if (l.args().size() > GenericAbi.MAX_ARGS) {
            p.add(where + ".args", "at most " + GenericAbi.MAX_ARGS + " arguments per hook, got " + l.args().size());
            return;
        }
        String fn = TracepointEquivalents.lsmFunction(l.hook());
        if (OverridePlacement.overrides(l)) {
            overrides.place(l, OverridePlacement.forLsmHook(l.hook()), l.hook(), overrides.bpfLsmHook(l.hook()),
                    HookDescriptor.Kind.LSM, where, p).ifPresent(plans::add);
            return;
        }
        if (observations.place(policy, l, l.hook(), HookDescriptor.Kind.LSM, where).map(plans::add).orElse(false)) {
            return;
        }
        if (backend == Backend.TRACEPOINT) {
            Optional<Equivalent> eq = TracepointEquivalents.forLsmHook(l.hook());
            if (eq.isEmpty()) {
                p.kernel(where + ".hook", "LSM hook " + l.hook() + ": this kernel refuses BPF LSM, kprobes and fentry (backend"
                        + " tracepoint) and no tracepoint sees the same event. LSM hooks served by tracepoints here: "
                        + TracepointEquivalents.all().stream().flatMap(e -> e.lsmHook().stream()).collect(Collectors.joining(", "))
                        + "; kprobe kernels run it as a kprobe on " + fn + ".");
                return;
            }
            plans.addAll(planMapped(l, eq.get(), HookDescriptor.Kind.LSM, l.hook(), where, p));
            return;
        }
        if (!host.functionExists(fn)) {
            p.kernel(where + ".hook", "LSM hook " + l.hook() + ": no function " + fn + " on this kernel to put a kprobe on"
                    + " (Vigil runs LSM hooks as kprobes on their security_ function)");
            return;
        }
        List<ArgPlan> args = functionArgs(l.args(), fn, where, p);
        if (args == null) {
            return;
        }
        plans.add(new HookPlan(l, where, KPROBE_OBJECT, List.of(new Attachment("generic_kprobe", AttachKind.KPROBE, fn)), 0,
                false, true, args, 0, HookDescriptor.Kind.LSM, l.hook(), "", "", List.of(), Optional.empty()));
    }

    /** Register positions of a kernel function's arguments; null after a problem. */
    static List<ArgPlan> functionArgs(List<ArgSpec> specs, String fn, String where, Problems p) {
        List<ArgPlan> args = new ArrayList<>();
        for (ArgSpec a : specs) {
            if (!indexOk(a, fn, where, p)) {
                return null;
            }
            args.add(new ArgPlan(a, a.type(), 0, a.index(), a.sizeArgIndex(), 0, 0, 0, 0));
        }
        return args;
    }

    private static boolean indexOk(ArgSpec a, String fn, String where, Problems p) {
        if (ResolvedArgs.unserved(a, fn, where, p)) {
            return false;
        }
        if (a.index() < 0 || a.index() >= MAX_FUNCTION_ARGS) {
            p.add(where + ".args", "argument index " + a.index() + " of " + fn + ": arguments 0.." + (MAX_FUNCTION_ARGS - 1)
                    + " can be read");
            return false;
        }
        if (a.sizeArgIndex() < 0 || a.sizeArgIndex() > MAX_FUNCTION_ARGS) {
            p.add(where + ".args", "sizeArgIndex " + a.sizeArgIndex() + " (1-based) of " + fn + ": arguments 1.."
                    + MAX_FUNCTION_ARGS);
            return false;
        }
        return true;
    }

    /** A kernel function (or LSM hook) on the tracepoints that stand for it: one plan per tracepoint found. */
    private List<HookPlan> planMapped(HookSpec h, Equivalent eq, HookDescriptor.Kind kind, String functionName, String where,
            Problems p) {
        String fn = eq.function();
        if (h instanceof KprobeSpec k && (k.returns() || k.returnArg().isPresent()
                || k.selectors().stream().anyMatch(s -> !s.matchReturnArgs().isEmpty()))) {
            p.kernel(where + ".return", fn + " is served by tracepoints on this kernel, which do not see its return value;"
                    + " drop return/returnArg/matchReturnArgs, or hook the syscall (its return value is the syscall's)");
            return List.of();
        }
        List<ArgType> types = new ArrayList<>();
        for (ArgSpec a : h.args()) {
            if (a.index() < 0 || a.index() >= eq.params().size()) {
                p.add(where + ".args", fn + " has " + eq.params().size() + " argument(s) (" + eq.params().stream()
                        .map(Param::name).collect(Collectors.joining(", ")) + "); no index " + a.index());
                return List.of();
            }
            Param param = eq.params().get(a.index());
            // with resolve, the declared type is the path's end; the parameter's own type starts it (ResolvedArgs)
            ArgType t = a.type() == ArgType.AUTO || a.resolve().isPresent() ? param.types().get(0) : a.type();
            if (!param.types().contains(t)) {
                p.add(where + ".args", "argument " + a.index() + " of " + fn + " (" + param.name() + ") cannot be read as "
                        + a.type().spelling() + " on the tracepoint backend; use " + param.types().stream()
                        .map(ArgType::spelling).collect(Collectors.joining(", ")));
                return List.of();
            }
            types.add(t);
        }
        List<ImplicitFilter> implicit = new ArrayList<>();
        for (Condition c : eq.conditions()) {
            switch (c) {
                case RETURN_OK -> implicit.add(new ImplicitFilter(GenericAbi.SLOT_RETURN, GenericAbi.Op.GT, List.of(-1L),
                        fn + ": the syscall succeeded"));
                case CONNECT_STARTED -> implicit.add(new ImplicitFilter(GenericAbi.SLOT_RETURN, GenericAbi.Op.EQ,
                        List.of(0L, TracepointEquivalents.EINPROGRESS), fn + ": connect returned 0 or -EINPROGRESS"));
                case TCP -> {
                    int slot = -1;
                    for (int i = 0; i < h.args().size(); i++) {
                        if (h.args().get(i).index() == 0) {
                            slot = i;
                        }
                    }
                    if (slot < 0) {
                        p.add(where + ".args", fn + " is served by connect(2) on this kernel, which must read the socket to"
                                + " keep TCP only: declare it (args: [{index: 0, type: sock}])");
                        return List.of();
                    }
                    implicit.add(new ImplicitFilter(slot, GenericAbi.Op.PROTOCOL, List.of(TracepointEquivalents.IPPROTO_TCP),
                            fn + ": TCP sockets only"));
                }
            }
        }
        List<HookPlan> plans = new ArrayList<>();
        List<String> looked = new ArrayList<>();
        for (Variant v : eq.variants()) {
            List<ArgPlan> args = new ArrayList<>();
            for (int i = 0; i < h.args().size(); i++) {
                ArgSpec a = h.args().get(i);
                ArgPlan ap = mappedArg(a, types.get(i), eq.params().get(a.index()), v);
                if (a.resolve().isPresent()) {
                    Optional<ArgPlan> r = ResolvedArgs.plan(a, types.get(i), ap, fn, host, where, p);
                    if (r.isEmpty()) {
                        return List.of();
                    }
                    ap = r.get();
                }
                args.add(ap);
            }
            if (v.btf()) {
                looked.add("tp_btf/" + v.target().substring(v.target().indexOf('/') + 1));
                if (!host.tracepointExists(v.target())) {
                    continue;
                }
                String event = v.target().substring(v.target().indexOf('/') + 1);
                plans.add(new HookPlan(h, where, TP_OBJECT, List.of(new Attachment("generic_tp_btf", AttachKind.TP_BTF, event)),
                        0, false, true, args, 0, kind, functionName, "", "", implicit, Optional.of(fn)));
                continue;
            }
            String enter = "syscalls/sys_enter_" + v.target();
            String exit = "syscalls/sys_exit_" + v.target();
            looked.add(enter + (eq.needsExit() ? " + sys_exit_" + v.target() : ""));
            if (!host.tracepointExists(enter) || (eq.needsExit() && !host.tracepointExists(exit))) {
                continue;
            }
            List<Attachment> at = new ArrayList<>();
            at.add(new Attachment("generic_tp_enter", AttachKind.TRACEPOINT, enter));
            if (eq.needsExit()) {
                at.add(new Attachment("generic_tp_exit", AttachKind.TRACEPOINT, exit));
            }
            int flags = GenericAbi.HookFlag.SYSCALL_TP | (eq.needsExit() ? GenericAbi.HookFlag.RETURN : 0);
            plans.add(new HookPlan(h, where, TP_OBJECT, at, flags, false, true, args, eq.needsExit() ? SYS_EXIT_RET : 0, kind,
                    functionName, "", "", implicit, Optional.of(fn)));
        }
        if (plans.isEmpty()) {
            p.kernel(where, fn + ": none of the tracepoints that stand for it exist on this kernel (looked for "
                    + String.join(", ", looked) + ")");
        }
        return plans;
    }

    private static ArgPlan mappedArg(ArgSpec a, ArgType t, Param param, Variant v) {
        int field = SYS_ENTER_ARGS + 8 * param.pos();
        return switch (param.source()) {
            case FIELD -> new ArgPlan(a, t, t == ArgType.SOCKADDR || t == ArgType.STRING ? ArgFlag.USER : 0, param.pos(), 0,
                    field, 8, 0, 0);
            case FD_FIELD -> new ArgPlan(a, t, ArgFlag.FROM_FD, param.pos(), 0, field, 8, 0, 0);
            case RETURN -> new ArgPlan(a, t, ArgFlag.FROM_RET, 0, 0, 0, 0, 0, 0);
            case RETURN_FD -> new ArgPlan(a, t, ArgFlag.FROM_RET | ArgFlag.FROM_FD, 0, 0, 0, 0, 0, 0);
            case CONST -> new ArgPlan(a, t, ArgFlag.CONST, 0, 0, (int) v.constant(), 0, 0, 0);
            case BTF_ARG -> new ArgPlan(a, t, 0, param.pos(), 0, 0, 0, 0, 0);
        };
    }

    private static String mappedFunctions() {
        return TracepointEquivalents.all().stream().map(Equivalent::function).collect(Collectors.joining(", "));
    }

    private Optional<HookPlan> planTracepoint(TracepointSpec t, String where, Problems p) {
        if (t.args().size() > GenericAbi.MAX_ARGS) {
            p.add(where + ".args", "at most " + GenericAbi.MAX_ARGS + " arguments per hook, got " + t.args().size());
            return Optional.empty();
        }
        if (t.raw()) {
            return RawTracepoints.plan(t, where, host, p);
        }
        Optional<String> text = host.tracepointFormat(t.target());
        if (text.isEmpty()) {
            p.kernel(where, "no tracepoint " + t.target() + " on this kernel (no format file in tracefs)");
            return Optional.empty();
        }
        TracepointFormat format = TracepointFormat.parse(text.get());
        boolean user = t.subsystem().equals("syscalls");
        List<ArgPlan> args = new ArrayList<>();
        for (ArgSpec a : t.args()) {
            Optional<TracepointFormat.Field> f = field(format, a.index(), t, where, p);
            if (f.isEmpty() || ResolvedArgs.unserved(a, t.target(), where, p)) {
                return Optional.empty();
            }
            ArgType type = a.type() == ArgType.AUTO ? autoType(f.get()) : a.type();
            TracepointFormat.Field size = null;
            if (a.sizeArgIndex() > 0) {
                Optional<TracepointFormat.Field> s = field(format, a.sizeArgIndex() - 1, t, where, p);
                if (s.isEmpty()) {
                    return Optional.empty();
                }
                size = s.get();
            }
            args.add(new ArgPlan(a, type, 0, 0, 0, f.get().offset(), f.get().size(), size != null ? size.offset() : 0,
                    size != null ? size.size() : 0));
        }
        return Optional.of(new HookPlan(t, where, TP_OBJECT,
                List.of(new Attachment("generic_tp_enter", AttachKind.TRACEPOINT, t.target())), 0, user, !user, args, 0,
                HookDescriptor.Kind.TRACEPOINT, "", t.subsystem(), t.event(), List.of(), Optional.empty()));
    }

    private static Optional<TracepointFormat.Field> field(TracepointFormat format, int index, TracepointSpec t, String where,
            Problems p) {
        if (index < 0 || index >= format.fields().size()) {
            p.add(where + ".args", "field index " + index + " of " + t.target() + ": it has fields 0.."
                    + (format.fields().size() - 1) + " (common_* fields included, as Tetragon counts them)");
            return Optional.empty();
        }
        TracepointFormat.Field f = format.fields().get(index);
        if (f.isDataLoc()) {
            p.add(where + ".args", "field " + index + " (" + f.declaration() + ") of " + t.target()
                    + " is a __data_loc field (type data_loc), which Vigil does not read");
            return Optional.empty();
        }
        if (f.size() != 1 && f.size() != 2 && f.size() != 4 && f.size() != 8) {
            p.add(where + ".args", "field " + index + " (" + f.declaration() + ") of " + t.target() + " has size "
                    + f.size() + "; only 1, 2, 4 and 8-byte fields can be read");
            return Optional.empty();
        }
        return Optional.of(f);
    }

    /** Type auto: a char pointer is a string, an integer field is read with its size and sign. */
    private static ArgType autoType(TracepointFormat.Field f) {
        if (f.isPointer()) {
            return f.declaration().matches("(const )?char \\*.*") ? ArgType.STRING : ArgType.UINT64;
        }
        return switch (f.size()) {
            case 1 -> f.signed() ? ArgType.INT8 : ArgType.UINT8;
            case 2 -> f.signed() ? ArgType.INT16 : ArgType.UINT16;
            case 4 -> f.signed() ? ArgType.INT32 : ArgType.UINT32;
            default -> f.signed() ? ArgType.INT64 : ArgType.UINT64;
        };
    }

    /** "sys_openat", "__x64_sys_openat", "__arm64_sys_openat", "openat" -> "openat". */
    static String syscallName(String call) {
        for (String prefix : List.of("__x64_sys_", "__arm64_sys_", "__ia32_sys_", "__se_sys_", "sys_")) {
            if (call.startsWith(prefix)) {
                return call.substring(prefix.length());
            }
        }
        return call;
    }

    /**
     * uprobes: the generic kprobe program attached as a uprobe on each symbol (user registers hold
     * the arguments, pointers are user memory). Every backend: uprobes need the uprobe PMU, which
     * kernels without kprobes still have.
     */
    private void planUprobe(UprobeSpec u, String where, List<HookPlan> plans, Problems p) {
        if (!u.offsets().isEmpty() || !u.addrs().isEmpty() || !u.refCtrOffsets().isEmpty()) {
            p.add(where, "uprobes by offset or address (and refCtrOffsets) are not supported yet; name symbols");
            return;
        }
        if (u.returns() || u.returnArg().isPresent() || !u.data().isEmpty()
                || u.selectors().stream().anyMatch(s -> !s.matchReturnArgs().isEmpty())) {
            p.add(where, "return values and data of uprobes are not supported yet");
            return;
        }
        if (u.symbols().isEmpty()) {
            p.add(where + ".symbols", "name at least one symbol to probe");
            return;
        }
        if (!host.fileExists(u.path())) {
            p.kernel(where + ".path", "no file " + u.path() + " on this machine");
            return;
        }
        for (String symbol : u.symbols()) {
            List<ArgPlan> args = functionArgs(u.args(), symbol, where, p);
            if (args == null) {
                return;
            }
            plans.add(new HookPlan(u, where, KPROBE_OBJECT,
                    List.of(new Attachment("generic_kprobe", AttachKind.UPROBE, u.path() + ":" + symbol)), 0, true, false,
                    args, 0, HookDescriptor.Kind.UPROBE, symbol, u.path(), "", List.of(), Optional.empty()));
        }
    }

    /** Emit at return: a return value, a filter on it, or a buffer the call fills. */
    static boolean needsReturn(KprobeSpec k) {
        return k.returns() || k.selectors().stream().map(Selector::matchReturnArgs).anyMatch(l -> !l.isEmpty())
                || k.args().stream().anyMatch(ArgSpec::returnCopy);
    }

    record Problems(TracingPolicy policy, List<PolicyProblem> list, List<PolicyProblem> skipped) {
        void add(String where, String message) {
            list.add(new PolicyProblem(policy.source(), where, message));
        }

        /** Empty lists for a placement that may be abandoned for another. */
        Problems scratch() {
            return new Problems(policy, new ArrayList<>(), new ArrayList<>());
        }

        void absorb(Problems other) {
            list.addAll(other.list);
            skipped.addAll(other.skipped);
        }

        /** What this kernel cannot do on this backend (another backend or kernel could). */
        void kernel(String where, String message) {
            list.add(new PolicyProblem(policy.source(), where, message, true));
        }

        /** A missing function or tracepoint: skipped when the hook says ignore.callNotFound. */
        void missing(KprobeSpec k, String where, String message) {
            if (k.ignoreCallNotFound()) {
                skipped.add(new PolicyProblem(policy.source(), where, message + " (skipped: ignore.callNotFound)", true));
            } else {
                list.add(new PolicyProblem(policy.source(), where, message, true));
            }
        }
    }
}
