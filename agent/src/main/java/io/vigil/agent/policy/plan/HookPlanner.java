package io.vigil.agent.policy.plan;

import io.vigil.agent.policy.HookDescriptor;
import io.vigil.bpf.Backend;
import io.vigil.bpf.generic.HookImage.AttachKind;
import io.vigil.bpf.generic.HookImage.Attachment;
import io.vigil.bpf.wire.GenericAbi;
import io.vigil.policy.ArgSpec;
import io.vigil.policy.ArgType;
import io.vigil.policy.KprobeSpec;
import io.vigil.policy.ListSpec;
import io.vigil.policy.ListType;
import io.vigil.policy.Selector;
import io.vigil.policy.TracepointSpec;
import io.vigil.policy.TracingPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Decides, for each hook of a policy and the agent's backend, which generic object reads it and
 * where its arguments are. Pure: the kernel's tracepoints come in through the two functions.
 *
 * <ul>
 *   <li>tracepoint backend, syscall kprobe {@code sys_X}: bpf_generic_tp on syscalls/sys_enter_X
 *       (and sys_exit_X for a return value), argument i at record offset 16 + 8 i;</li>
 *   <li>kprobe/fentry backend: bpf_generic_kprobe on the function, a syscall through its
 *       {@code __x64_sys_X} wrapper;</li>
 *   <li>{@code tracepoints:} hooks on any backend: bpf_generic_tp with the format file's offsets.</li>
 * </ul>
 * Other kprobes on the tracepoint backend are refused: the BPF side has no faithful tracepoint
 * equivalent of a kernel function (an fd returned by a syscall is not resolved to its file).
 */
public final class HookPlanner {
    /** struct trace_event_raw_sys_enter: common fields (8), the syscall nr (8), then args[6] */
    static final int SYS_ENTER_ARGS = 16;
    /** struct trace_event_raw_sys_exit: common fields (8), the syscall nr (8), then ret */
    static final int SYS_EXIT_RET = 16;
    private static final int MAX_SYSCALL_ARGS = 6;
    static final String TP_OBJECT = "bpf_generic_tp";
    static final String KPROBE_OBJECT = "bpf_generic_kprobe";

    /** Kernel functions often hooked, and the syscall that sees the same thing from user space. */
    private static final Map<String, String> SYSCALL_ALTERNATIVES = Map.ofEntries(
            Map.entry("security_file_open", "sys_openat"),
            Map.entry("fd_install", "sys_openat"),
            Map.entry("do_sys_open", "sys_openat"),
            Map.entry("security_file_permission", "sys_read / sys_write"),
            Map.entry("vfs_read", "sys_read"),
            Map.entry("vfs_write", "sys_write"),
            Map.entry("security_bprm_check", "sys_execve"),
            Map.entry("security_bprm_creds_for_exec", "sys_execve"),
            Map.entry("tcp_connect", "sys_connect"),
            Map.entry("security_socket_connect", "sys_connect"),
            Map.entry("inet_csk_accept", "sys_accept4"),
            Map.entry("security_socket_bind", "sys_bind"),
            Map.entry("tcp_sendmsg", "sys_sendto / sys_sendmsg"),
            Map.entry("udp_sendmsg", "sys_sendto / sys_sendmsg"),
            Map.entry("security_path_unlink", "sys_unlinkat"),
            Map.entry("security_inode_unlink", "sys_unlinkat"),
            Map.entry("security_path_truncate", "sys_truncate / sys_ftruncate"),
            Map.entry("security_mmap_file", "sys_mmap"),
            Map.entry("commit_creds", "sys_setuid / sys_setresuid"),
            Map.entry("__sys_setuid", "sys_setuid"),
            Map.entry("security_sb_mount", "sys_mount"),
            Map.entry("security_kernel_module_request", "sys_init_module / sys_finit_module"),
            Map.entry("do_init_module", "sys_init_module / sys_finit_module"),
            Map.entry("security_ptrace_access_check", "sys_ptrace"),
            Map.entry("security_bpf", "sys_bpf"));

    private final Backend backend;
    private final String syscallPrefix;
    private final Predicate<String> tracepointExists;
    private final Function<String, Optional<String>> formats;

    /**
     * @param backend          the backend the agent chose
     * @param syscallPrefix    the arch's syscall wrapper prefix, "__x64_sys_" or "__arm64_sys_"
     * @param tracepointExists "syscalls/sys_enter_openat" -> whether the kernel has it
     * @param formats          "subsystem/event" -> its tracefs format file's text
     */
    public HookPlanner(Backend backend, String syscallPrefix, Predicate<String> tracepointExists,
            Function<String, Optional<String>> formats) {
        this.backend = backend;
        this.syscallPrefix = syscallPrefix;
        this.tracepointExists = tracepointExists;
        this.formats = formats;
    }

    /** A planner reading this machine's tracefs (/sys/kernel/tracing, else debugfs) and arch. */
    public static HookPlanner forHost(Backend backend) {
        Path events = Files.isDirectory(Path.of("/sys/kernel/tracing/events")) ? Path.of("/sys/kernel/tracing/events")
                : Path.of("/sys/kernel/debug/tracing/events");
        return new HookPlanner(backend, syscallPrefix(System.getProperty("os.arch")),
                tp -> Files.isDirectory(events.resolve(tp)), tp -> {
                    try {
                        return Optional.of(Files.readString(events.resolve(tp).resolve("format")));
                    } catch (IOException e) {
                        return Optional.empty();
                    }
                });
    }

    /** "__x64_sys_" for amd64/x86_64, "__arm64_sys_" for aarch64/arm64. */
    public static String syscallPrefix(String osArch) {
        return switch (osArch) {
            case "amd64", "x86_64" -> "__x64_sys_";
            case "aarch64", "arm64" -> "__arm64_sys_";
            default -> throw new IllegalArgumentException("no syscall wrapper prefix known for arch " + osArch);
        };
    }

    /** One plan per hook (a {@code list:} call: one per listed function), in the policy's order. */
    public List<HookPlan> plan(TracingPolicy policy) throws PolicyRejectedException {
        List<HookPlan> plans = new ArrayList<>();
        List<PolicyProblem> problems = new ArrayList<>();
        Problems p = new Problems(policy, problems);
        List<KprobeSpec> kprobes = policy.spec().kprobes();
        for (int i = 0; i < kprobes.size(); i++) {
            planKprobe(policy, kprobes.get(i), "spec.kprobes[" + i + "]", plans, p);
        }
        List<TracepointSpec> tps = policy.spec().tracepoints();
        for (int i = 0; i < tps.size(); i++) {
            planTracepoint(tps.get(i), "spec.tracepoints[" + i + "]", p).ifPresent(plans::add);
        }
        refuse(policy.spec().lsmHooks().size(), "spec.lsmHooks", "LSM hooks are not supported yet", p);
        refuse(policy.spec().uprobes().size(), "spec.uprobes", "uprobes are not supported yet", p);
        refuse(policy.spec().usdts().size(), "spec.usdts", "USDT probes are not supported yet", p);
        if (!problems.isEmpty()) {
            throw new PolicyRejectedException(problems);
        }
        return plans;
    }

    private static void refuse(int n, String where, String message, Problems p) {
        for (int i = 0; i < n; i++) {
            p.add(where + "[" + i + "]", message);
        }
    }

    private void planKprobe(TracingPolicy policy, KprobeSpec k, String where, List<HookPlan> plans, Problems p) {
        if (!k.data().isEmpty()) {
            p.add(where + ".data", "data arguments are not supported yet");
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
            if (list.get().type().isPresent() && list.get().type().get() != ListType.SYSCALLS) {
                p.add(where + ".call", "lists of type " + list.get().type().get().spelling() + " are not supported yet");
                return;
            }
            calls = list.get().values();
            syscall |= list.get().type().isPresent();
        }
        for (String call : calls) {
            Optional<HookPlan> plan = syscall ? planSyscall(k, call, where, p) : planFunction(k, call, where, p);
            plan.ifPresent(plans::add);
        }
    }

    private Optional<HookPlan> planSyscall(KprobeSpec k, String call, String where, Problems p) {
        String name = syscallName(call);
        boolean ret = needsReturn(k);
        List<ArgPlan> args = new ArrayList<>();
        for (ArgSpec a : k.args()) {
            if (a.index() < 0 || a.index() >= MAX_SYSCALL_ARGS) {
                p.add(where + ".args", "argument index " + a.index() + " of syscall " + name + ": a syscall has arguments 0.."
                        + (MAX_SYSCALL_ARGS - 1));
                return Optional.empty();
            }
            if (a.sizeArgIndex() < 0 || a.sizeArgIndex() > MAX_SYSCALL_ARGS) {
                p.add(where + ".args", "sizeArgIndex " + a.sizeArgIndex() + " (1-based) of syscall " + name
                        + ": a syscall has arguments 1.." + MAX_SYSCALL_ARGS);
                return Optional.empty();
            }
            int size = a.sizeArgIndex();
            args.add(new ArgPlan(a, a.type(), a.index(), size, SYS_ENTER_ARGS + 8 * a.index(), 8,
                    size > 0 ? SYS_ENTER_ARGS + 8 * (size - 1) : 0, size > 0 ? 8 : 0));
        }
        int retFlag = ret ? GenericAbi.HookFlag.RETURN : 0;
        List<Attachment> at = new ArrayList<>();
        String object;
        int flags;
        if (backend == Backend.TRACEPOINT) {
            String enter = "syscalls/sys_enter_" + name;
            String exit = "syscalls/sys_exit_" + name;
            if (!tracepointExists.test(enter) || (ret && !tracepointExists.test(exit))) {
                p.add(where + ".call", "no tracepoint " + (tracepointExists.test(enter) ? exit : enter)
                        + " on this kernel: is '" + name + "' a syscall of this architecture?");
                return Optional.empty();
            }
            at.add(new Attachment("generic_tp_enter", AttachKind.TRACEPOINT, enter));
            if (ret) {
                at.add(new Attachment("generic_tp_exit", AttachKind.TRACEPOINT, exit));
            }
            object = TP_OBJECT;
            flags = GenericAbi.HookFlag.SYSCALL_TP | retFlag;
        } else {
            at.add(new Attachment("generic_kprobe", AttachKind.KPROBE, syscallPrefix + name));
            if (ret) {
                at.add(new Attachment("generic_kretprobe", AttachKind.KRETPROBE, syscallPrefix + name));
            }
            object = KPROBE_OBJECT;
            flags = GenericAbi.HookFlag.SYSCALL_WRAPPER | retFlag;
        }
        return Optional.of(new HookPlan(k, where, object, at, flags, true, false, args, ret ? SYS_EXIT_RET : 0,
                HookDescriptor.Kind.KPROBE, syscallPrefix + name, "", ""));
    }

    private Optional<HookPlan> planFunction(KprobeSpec k, String call, String where, Problems p) {
        if (backend == Backend.TRACEPOINT) {
            String alt = SYSCALL_ALTERNATIVES.get(call);
            p.add(where + ".call", call + ": this kernel refuses kprobes/fentry (backend tracepoint), so only syscalls "
                    + "and tracepoints can be hooked. Alternatives: " + (alt != null ? "the syscall hook " + alt
                            : "the syscall that reaches " + call + " (e.g. call: \"sys_openat\", syscall: true)")
                    + ", or a `tracepoints:` hook.");
            return Optional.empty();
        }
        boolean ret = needsReturn(k);
        List<ArgPlan> args = new ArrayList<>();
        for (ArgSpec a : k.args()) {
            if (a.index() < 0 || a.index() >= MAX_SYSCALL_ARGS) {
                p.add(where + ".args", "argument index " + a.index() + " of " + call + ": kprobes read arguments 0.."
                        + (MAX_SYSCALL_ARGS - 1));
                return Optional.empty();
            }
            args.add(new ArgPlan(a, a.type(), a.index(), a.sizeArgIndex(), 0, 0, 0, 0));
        }
        List<Attachment> at = new ArrayList<>();
        at.add(new Attachment("generic_kprobe", AttachKind.KPROBE, call));
        if (ret) {
            at.add(new Attachment("generic_kretprobe", AttachKind.KRETPROBE, call));
        }
        return Optional.of(new HookPlan(k, where, KPROBE_OBJECT, at, ret ? GenericAbi.HookFlag.RETURN : 0, false, true,
                args, 0, HookDescriptor.Kind.KPROBE, call, "", ""));
    }

    private Optional<HookPlan> planTracepoint(TracepointSpec t, String where, Problems p) {
        if (t.raw()) {
            p.add(where + ".raw", "raw tracepoints are not supported yet");
            return Optional.empty();
        }
        if (t.args().size() > GenericAbi.MAX_ARGS) {
            p.add(where + ".args", "at most " + GenericAbi.MAX_ARGS + " arguments per hook, got " + t.args().size());
            return Optional.empty();
        }
        Optional<String> text = formats.apply(t.target());
        if (text.isEmpty()) {
            p.add(where, "no tracepoint " + t.target() + " on this kernel (no format file in tracefs)");
            return Optional.empty();
        }
        TracepointFormat format = TracepointFormat.parse(text.get());
        boolean user = t.subsystem().equals("syscalls");
        List<ArgPlan> args = new ArrayList<>();
        for (ArgSpec a : t.args()) {
            Optional<TracepointFormat.Field> f = field(format, a.index(), t, where, p);
            if (f.isEmpty()) {
                return Optional.empty();
            }
            Optional<ArgType> type = a.type() == ArgType.AUTO ? autoType(f.get(), where, p) : Optional.of(a.type());
            if (type.isEmpty()) {
                return Optional.empty();
            }
            TracepointFormat.Field size = null;
            if (a.sizeArgIndex() > 0) {
                Optional<TracepointFormat.Field> s = field(format, a.sizeArgIndex() - 1, t, where, p);
                if (s.isEmpty()) {
                    return Optional.empty();
                }
                size = s.get();
            }
            args.add(new ArgPlan(a, type.get(), 0, 0, f.get().offset(), f.get().size(), size != null ? size.offset() : 0,
                    size != null ? size.size() : 0));
        }
        return Optional.of(new HookPlan(t, where, TP_OBJECT,
                List.of(new Attachment("generic_tp_enter", AttachKind.TRACEPOINT, t.target())), 0, user, !user, args, 0,
                HookDescriptor.Kind.TRACEPOINT, "", t.subsystem(), t.event()));
    }

    private static Optional<TracepointFormat.Field> field(TracepointFormat format, int index, TracepointSpec t, String where,
            Problems p) {
        if (index < 0 || index >= format.fields().size()) {
            p.add(where + ".args", "field index " + index + " of " + t.target() + ": it has fields 0.."
                    + (format.fields().size() - 1) + " (common_* fields included)");
            return Optional.empty();
        }
        TracepointFormat.Field f = format.fields().get(index);
        if (f.isDataLoc()) {
            p.add(where + ".args", "field " + index + " (" + f.declaration() + ") of " + t.target()
                    + " is a __data_loc field, not supported yet");
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
    private static Optional<ArgType> autoType(TracepointFormat.Field f, String where, Problems p) {
        if (f.isPointer()) {
            if (f.declaration().matches("(const )?char \\*.*")) {
                return Optional.of(ArgType.STRING);
            }
            return Optional.of(ArgType.UINT64);
        }
        return Optional.of(switch (f.size()) {
            case 1 -> f.signed() ? ArgType.INT8 : ArgType.UINT8;
            case 2 -> f.signed() ? ArgType.INT16 : ArgType.UINT16;
            case 4 -> f.signed() ? ArgType.INT32 : ArgType.UINT32;
            default -> f.signed() ? ArgType.INT64 : ArgType.UINT64;
        });
    }

    /** "sys_openat", "__x64_sys_openat", "__arm64_sys_openat", "openat" -> "openat". */
    static String syscallName(String call) {
        for (String prefix : List.of("__x64_sys_", "__arm64_sys_", "__ia32_sys_", "sys_")) {
            if (call.startsWith(prefix)) {
                return call.substring(prefix.length());
            }
        }
        return call;
    }

    /** Emit at return: a return value, a filter on it, or a buffer the call fills. */
    static boolean needsReturn(KprobeSpec k) {
        return k.returns() || k.selectors().stream().map(Selector::matchReturnArgs).anyMatch(l -> !l.isEmpty())
                || k.args().stream().anyMatch(ArgSpec::returnCopy);
    }

    private record Problems(TracingPolicy policy, List<PolicyProblem> list) {
        void add(String where, String message) {
            list.add(new PolicyProblem(policy.source(), where, message));
        }
    }
}
