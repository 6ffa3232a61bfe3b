package io.vigil.bpf.internal;

/**
 * What to do about a libbpf failure: one sentence chosen from the program's section (its kind),
 * the phase that failed and the errno. Returns null when there is nothing better to say than
 * the errno and the log.
 */
public final class Hints {
    public enum Phase { OPEN, LOAD, ATTACH }

    private Hints() {}

    /** True for the program kinds that need BPF trampolines (fentry/fexit/fmod_ret) or the BPF LSM. */
    public static boolean isTrampoline(String section) {
        return section != null && (section.startsWith("fentry") || section.startsWith("fexit")
                || section.startsWith("fmod_ret") || section.startsWith("lsm") || section.startsWith("freplace"));
    }

    public static boolean isKprobe(String section) {
        return section != null && (section.startsWith("kprobe") || section.startsWith("kretprobe"));
    }

    public static boolean isKprobeMulti(String section) {
        return section != null && (section.startsWith("kprobe.multi") || section.startsWith("kretprobe.multi"));
    }

    public static boolean isTracepoint(String section) {
        return section != null && (section.startsWith("tracepoint/") || section.startsWith("tp/"));
    }

    public static String hint(Phase phase, String section, int errno) {
        switch (phase) {
            case OPEN:
                if (errno == Errno.ENOENT) {
                    return "the object file does not exist; build kprobe-bpf (mvn install) so that build-bpf.sh compiles it";
                }
                return "libbpf could not parse the object file; rebuild it with build-bpf.sh";
            case LOAD:
                return loadHint(section, errno);
            case ATTACH:
                return attachHint(section, errno);
            default:
                return null;
        }
    }

    private static final String NEED_ROOT =
            "loading BPF programs needs root (CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN); run vigil as root";

    private static boolean root() {
        try {
            return Native.libc().geteuid() == 0;
        } catch (LinkageError | RuntimeException e) {
            return true; // cannot tell: do not claim it is about root
        }
    }

    private static String loadHint(String section, int errno) {
        if (errno == Errno.EPERM && !root()) {
            return NEED_ROOT;
        }
        if (isTrampoline(section)) {
            if (errno == Errno.EPERM) {
                return "this kernel refuses fentry/LSM programs; the tracepoint backend is used "
                        + "(let the feature probe choose, or run with --backend tracepoint)";
            }
            if (errno == Errno.ENOTSUPP || errno == Errno.EOPNOTSUPP) {
                return "this kernel cannot run BPF trampolines (fentry/fexit/LSM); the kprobe or tracepoint backend is used "
                        + "(let the feature probe choose, or run with --backend tracepoint)";
            }
            if (errno == Errno.ESRCH || errno == Errno.ENOENT) {
                return "the function this program attaches to is not in this kernel's BTF (renamed or inlined); "
                        + "use the tracepoint backend (--backend tracepoint)";
            }
        }
        switch (errno) {
            case Errno.EPERM:
                return NEED_ROOT;
            case Errno.EACCES:
            case Errno.EINVAL:
                return "the kernel's verifier rejected the program; the log below shows the instruction it stopped at";
            case Errno.E2BIG:
                return "the program is too large or too complex for this kernel's verifier";
            case Errno.ENOMEM:
            case Errno.EMFILE:
                return "out of memory for BPF maps or programs (check ulimit -l and ulimit -n)";
            case Errno.ESRCH:
            case Errno.ENOENT:
                return "something the program needs is missing from this kernel (a BTF type, a helper or a map); see the log";
            default:
                return null;
        }
    }

    private static String attachHint(String section, int errno) {
        if (isKprobeMulti(section) && (errno == Errno.EOPNOTSUPP || errno == Errno.ENOTSUPP || errno == Errno.EINVAL)) {
            return "this kernel lacks kprobe.multi (CONFIG_FPROBE); plain kprobes or tracepoints are used";
        }
        if (isKprobe(section) && !KernelFacts.hasKprobePmu() && !KernelFacts.hasTracefsKprobeEvents()) {
            return "this kernel has no kprobes (no kprobe PMU under /sys/bus/event_source/devices, no tracefs kprobe_events); "
                    + "the tracepoint backend is used (let the feature probe choose, or run with --backend tracepoint)";
        }
        if (isKprobe(section) && errno == Errno.ENOENT) {
            return "the kernel function is not there (renamed or inlined on this build); the tracepoint backend is used";
        }
        if (isTracepoint(section) && errno == Errno.ENOENT) {
            return Tracefs.mounted() == null
                    ? "tracefs is not mounted: mount -t tracefs nodev /sys/kernel/tracing"
                    : "this kernel has no such tracepoint";
        }
        if (isTrampoline(section) && errno == Errno.EPERM) {
            return "this kernel refuses fentry/LSM attachments; the tracepoint backend is used";
        }
        switch (errno) {
            case Errno.EPERM:
            case Errno.EACCES:
                return "attaching BPF programs needs root; run vigil as root";
            case Errno.EBADF:
                return "the target file descriptor (cgroup, interface) is not valid";
            case Errno.EEXIST:
            case Errno.EBUSY:
                return "something is already attached there in exclusive mode";
            default:
                return null;
        }
    }
}
