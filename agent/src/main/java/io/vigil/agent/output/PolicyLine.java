package io.vigil.agent.output;

import io.vigil.api.ArgValue;
import io.vigil.api.KprobeAction;
import io.vigil.api.KprobeArgument;
import io.vigil.api.PolicyEvent;
import io.vigil.api.ProcessKprobe;
import io.vigil.api.ProcessLsm;
import io.vigil.api.ProcessTracepoint;
import io.vigil.api.ProcessUprobe;
import io.vigil.api.ProcessUsdt;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The compact line of a policy event, in the style of `tetra getevents -o compact`: an emoji and
 * a verb padded to 7 ("📬 open   "), the process, then the event's main argument, e.g.
 * {@code 📬 open    41234 /usr/bin/cat /etc/passwd}. Syscalls are named without their
 * arch wrapper (__x64_sys_openat -> openat) whichever backend traced them; hooks without a verb of
 * their own show their function (kprobes ⁉️, LSM 🔒) or tracepoint (📍). An action other than
 * POST is appended in parentheses.
 */
final class PolicyLine {
    private PolicyLine() {}

    private record Verb(String emoji, String word) {}

    private static final Map<String, Verb> VERBS = verbs();

    private static Map<String, Verb> verbs() {
        Map<String, Verb> m = new java.util.HashMap<>();
        Verb open = new Verb("📬", "open");
        for (String s : List.of("open", "openat", "openat2", "creat", "fd_install", "security_file_open", "file_open",
                "do_sys_open", "do_sys_openat2")) {
            m.put(s, open);
        }
        for (String s : List.of("read", "pread64", "readv", "preadv", "preadv2", "vfs_read")) {
            m.put(s, new Verb("📚", "read"));
        }
        for (String s : List.of("write", "pwrite64", "writev", "pwritev", "pwritev2", "vfs_write")) {
            m.put(s, new Verb("📝", "write"));
        }
        m.put("close", new Verb("📪", "close"));
        m.put("tcp_close", new Verb("🧹", "close"));
        for (String s : List.of("mount", "umount", "umount2", "pivot_root", "move_mount", "fsmount")) {
            m.put(s, new Verb("💾", s));
        }
        for (String s : List.of("setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid", "setfsuid",
                "setfsgid", "commit_creds")) {
            m.put(s, new Verb("🔑", s));
        }
        for (String s : List.of("clock_settime", "settimeofday", "adjtimex", "clock_adjtime")) {
            m.put(s, new Verb("⏰", s));
        }
        m.put("connect", new Verb("🔌", "connect"));
        m.put("tcp_connect", new Verb("🔌", "connect"));
        m.put("tcp_sendmsg", new Verb("📤", "sendmsg"));
        m.put("sendmsg", new Verb("📤", "sendmsg"));
        m.put("sendto", new Verb("📤", "sendto"));
        m.put("bpf", new Verb("🐝", "bpf"));
        m.put("security_bprm_check", new Verb("🚀", "exec"));
        return Map.copyOf(m);
    }

    private static final List<String> SYSCALL_PREFIXES = List.of("__x64_sys_", "__ia32_sys_", "__arm64_sys_",
            "__se_sys_", "__do_sys_", "ksys_", "sys_enter_", "sys_exit_", "sys_");

    static void append(StringBuilder b, PolicyEvent e) {
        String hook;
        String fallbackEmoji;
        if (e instanceof ProcessKprobe k) {
            hook = syscall(k.functionName());
            fallbackEmoji = "⁉️";
        } else if (e instanceof ProcessLsm l) {
            hook = l.functionName();
            fallbackEmoji = "🔒";
        } else if (e instanceof ProcessUprobe u) {
            hook = u.symbol();
            fallbackEmoji = "🔍";
        } else if (e instanceof ProcessUsdt u) {
            hook = u.provider() + ":" + u.name();
            fallbackEmoji = "🔍";
        } else {
            ProcessTracepoint t = (ProcessTracepoint) e;
            hook = "syscalls".equals(t.subsys()) || "raw_syscalls".equals(t.subsys()) ? syscall(t.event()) : t.event();
            fallbackEmoji = "📍";
        }
        Verb v = VERBS.getOrDefault(hook, new Verb(fallbackEmoji, hook));
        b.append(v.emoji()).append(' ').append(String.format(Locale.ROOT, "%-7s", v.word())).append(' ');
        b.append(e.process().pid()).append(' ').append(e.process().binary());
        String main = mainArgument(e.args());
        if (!main.isEmpty()) {
            b.append(' ').append(main);
        }
        if (v.word().equals("read") || v.word().equals("write") || v.word().equals("sendmsg")) {
            for (KprobeArgument a : e.args()) {
                if (a.value() instanceof ArgValue.SizeArg s) {
                    b.append(' ').append(Long.toUnsignedString(s.value())).append(" bytes");
                    break;
                }
            }
        }
        if (e.action() != KprobeAction.POST && e.action() != KprobeAction.UNKNOWN) {
            b.append(" (").append(e.action().name()).append(')');
        }
    }

    static String syscall(String function) {
        for (String p : SYSCALL_PREFIXES) {
            if (function.startsWith(p)) {
                return function.substring(p.length());
            }
        }
        return function;
    }

    /** A file, path or string first; else a socket; else the first argument that prints at all. */
    static String mainArgument(List<KprobeArgument> args) {
        for (KprobeArgument a : args) {
            String s = pathOrString(a.value());
            if (!s.isEmpty()) {
                return s;
            }
        }
        for (KprobeArgument a : args) {
            String s = socket(a.value());
            if (!s.isEmpty()) {
                return s;
            }
        }
        return args.isEmpty() ? "" : scalar(args.get(0).value());
    }

    private static String pathOrString(ArgValue v) {
        if (v instanceof ArgValue.FileArg f) {
            return f.path();
        } else if (v instanceof ArgValue.PathArg p) {
            return p.path();
        } else if (v instanceof ArgValue.LinuxBinprmArg l) {
            return l.path();
        } else if (v instanceof ArgValue.StringArg s) {
            return s.value();
        }
        return "";
    }

    private static String socket(ArgValue v) {
        if (v instanceof ArgValue.SockArg s) {
            return protocol(s.protocol()) + " " + s.saddr() + ":" + s.sport() + " -> " + s.daddr() + ":" + s.dport();
        } else if (v instanceof ArgValue.SkbArg s) {
            return protocol(s.protocol()) + " " + s.saddr() + ":" + s.sport() + " -> " + s.daddr() + ":" + s.dport();
        } else if (v instanceof ArgValue.SockaddrArg s) {
            return s.addr().isEmpty() ? "" : s.addr() + ":" + s.port();
        }
        return "";
    }

    private static String protocol(String p) {
        return p.startsWith("IPPROTO_") ? p.substring(8).toLowerCase(Locale.ROOT) : p;
    }

    private static String scalar(ArgValue v) {
        if (v instanceof ArgValue.IntArg i) {
            return Integer.toString(i.value());
        } else if (v instanceof ArgValue.UintArg u) {
            return Long.toString(u.value());
        } else if (v instanceof ArgValue.LongArg l) {
            return Long.toString(l.value());
        } else if (v instanceof ArgValue.SizeArg s) {
            return Long.toUnsignedString(s.value());
        } else if (v instanceof ArgValue.CapabilityArg c) {
            return c.name().isEmpty() ? Integer.toString(c.value()) : c.name();
        } else if (v instanceof ArgValue.CapSetArg c) {
            return c.hex();
        } else if (v instanceof ArgValue.CredArg c) {
            return "uid=" + c.uid() + " euid=" + c.euid();
        } else if (v instanceof ArgValue.BytesArg b) {
            return b.value().length + " bytes";
        }
        return "";
    }
}
