package io.vigil.bpf;

import io.vigil.bpf.internal.Errno;
import io.vigil.bpf.internal.Hints;
import io.vigil.bpf.internal.LibBpfLog;
import io.vigil.bpf.internal.LibC;
import io.vigil.bpf.internal.Native;
import io.vigil.bpf.internal.Tracefs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/** One program of a loaded {@link BpfObject}; valid while the object is open. */
public final class BpfProgram {
    /** enum bpf_attach_type BPF_TRACE_KPROBE_MULTI, and struct bpf_link_create_opts as in libbpf 1.1 (x86_64/arm64). */
    private static final int BPF_TRACE_KPROBE_MULTI = 42;
    private static final int LINK_CREATE_OPTS_SIZE = 64;
    private static final int KPROBE_MULTI_CNT = 36;
    private static final int KPROBE_MULTI_SYMS = 40;

    private final BpfObject owner;
    private final Pointer prog;
    private final String name;

    BpfProgram(BpfObject owner, Pointer prog, String name) {
        this.owner = owner;
        this.prog = prog;
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** The ELF section, which says the program's kind and hook, e.g. "tracepoint/sched/sched_process_exec". */
    public String sectionName() {
        owner.handle();
        return owner.lib().bpf_program__section_name(prog);
    }

    /** The program's fd in the kernel, or a negative value when it is not loaded. */
    public int fd() {
        owner.handle();
        return owner.lib().bpf_program__fd(prog);
    }

    /**
     * Attaches the program where its section says (tracepoint, raw_tp, tp_btf, kprobe, fentry,
     * lsm, ...). Mounts tracefs first when a tracepoint or kprobe needs it and it is missing.
     */
    public BpfLink attach() throws BpfException {
        String section = checkLoaded();
        if (Hints.isTracepoint(section) || (Hints.isKprobe(section) && !Hints.isKprobeMulti(section))) {
            Tracefs.ensureMounted();
        }
        try (LibBpfLog.Capture log = LibBpfLog.capture()) {
            Pointer link = owner.lib().bpf_program__attach(prog);
            if (link == null) {
                int e = Native.errnoOf(0);
                throw new BpfException("cannot attach program '" + name + "' (" + section + ")", e,
                        Hints.hint(Hints.Phase.ATTACH, section, e), log.text());
            }
            return BpfLink.ofLibbpf(owner.lib(), link, name + " @ " + section);
        }
    }

    /** Attaches to the tracepoint category/name (e.g. "syscalls", "sys_enter_openat"), whatever the section says. */
    public BpfLink attachTracepoint(String category, String event) throws BpfException {
        String section = checkLoaded();
        Tracefs.ensureMounted();
        try (LibBpfLog.Capture log = LibBpfLog.capture()) {
            Pointer link = owner.lib().bpf_program__attach_tracepoint(prog, category, event);
            if (link == null) {
                int e = Native.errnoOf(0);
                throw new BpfException("cannot attach program '" + name + "' (" + section + ") to tracepoint " + category + "/"
                        + event, e, e == Errno.ENOENT ? "no such tracepoint on this kernel" : Hints.hint(Hints.Phase.ATTACH, section, e),
                        log.text());
            }
            return BpfLink.ofLibbpf(owner.lib(), link, name + " @ tracepoint/" + category + "/" + event);
        }
    }

    /** Attaches a kprobe (or, with retprobe, a kretprobe) program to a kernel function. */
    public BpfLink attachKprobe(String function, boolean retprobe) throws BpfException {
        String section = checkLoaded();
        Tracefs.ensureMounted();
        try (LibBpfLog.Capture log = LibBpfLog.capture()) {
            Pointer link = owner.lib().bpf_program__attach_kprobe(prog, retprobe, function);
            if (link == null) {
                int e = Native.errnoOf(0);
                throw new BpfException("cannot attach program '" + name + "' (" + section + ") to "
                        + (retprobe ? "kretprobe " : "kprobe ") + function, e,
                        e == Errno.ENOENT ? "no such kernel function (or it is not traceable)" : Hints.hint(Hints.Phase.ATTACH, section, e),
                        log.text());
            }
            return BpfLink.ofLibbpf(owner.lib(), link, name + " @ " + (retprobe ? "kretprobe/" : "kprobe/") + function);
        }
    }

    // struct bpf_uprobe_opts in libbpf 1.1 (bpf/libbpf.h): size_t sz; size_t ref_ctr_offset; __u64 bpf_cookie;
    // bool retprobe; const char *func_name
    private static final int UPROBE_OPTS_SIZE = 40;
    private static final int UPROBE_OPTS_RETPROBE = 24;
    private static final int UPROBE_OPTS_FUNC_NAME = 32;

    /**
     * Attaches a kprobe-type program as a uprobe (or uretprobe) on a function of a user-space binary
     * or library, in every process (libbpf resolves the symbol from the ELF file).
     */
    public BpfLink attachUprobe(String binaryPath, String symbol, boolean retprobe) throws BpfException {
        String section = checkLoaded();
        Runtime rt = Native.runtime();
        byte[] sym = symbol.getBytes(StandardCharsets.US_ASCII);
        Pointer name0 = Memory.allocateDirect(rt, sym.length + 1, true);
        name0.put(0, sym, 0, sym.length);
        Pointer opts = Memory.allocateDirect(rt, UPROBE_OPTS_SIZE, true);
        opts.putLong(0, UPROBE_OPTS_SIZE);
        opts.putByte(UPROBE_OPTS_RETPROBE, (byte) (retprobe ? 1 : 0));
        opts.putAddress(UPROBE_OPTS_FUNC_NAME, name0.address());
        String where = (retprobe ? "uretprobe " : "uprobe ") + binaryPath + ":" + symbol;
        try (LibBpfLog.Capture log = LibBpfLog.capture()) {
            Pointer link = owner.lib().bpf_program__attach_uprobe_opts(prog, -1, binaryPath, 0, opts);
            if (link == null) {
                int e = Native.errnoOf(0);
                throw new BpfException("cannot attach program '" + name + "' (" + section + ") as " + where, e,
                        e == Errno.ENOENT ? "no such file, or no such symbol in it" : Hints.hint(Hints.Phase.ATTACH, section, e),
                        log.text());
            }
            return BpfLink.ofLibbpf(owner.lib(), link, name + " @ " + where);
        } finally {
            name0.getByte(0);   // keep the name reachable until libbpf has copied it
        }
    }

    /**
     * Attaches a usdt program (usdt.bpf.h) to the USDT probe provider:name of a binary, in every
     * process; libbpf reads the probe's notes from the ELF file and records where its arguments live.
     */
    public BpfLink attachUsdt(String binaryPath, String provider, String probe) throws BpfException {
        String section = checkLoaded();
        String where = "usdt " + binaryPath + ":" + provider + ":" + probe;
        try (LibBpfLog.Capture log = LibBpfLog.capture()) {
            Pointer link = owner.lib().bpf_program__attach_usdt(prog, -1, binaryPath, provider, probe, null);
            if (link == null) {
                int e = Native.errnoOf(0);
                throw new BpfException("cannot attach program '" + name + "' (" + section + ") as " + where, e,
                        e == Errno.ENOENT ? "no such file, or no such USDT probe in it" : Hints.hint(Hints.Phase.ATTACH, section, e),
                        log.text());
            }
            return BpfLink.ofLibbpf(owner.lib(), link, name + " @ " + where);
        }
    }

    /** Attaches a cgroup program (cgroup/connect4, cgroup_skb/egress, ...) to the cgroup open as cgroupFd (a BPF link). */
    public BpfLink attachCgroup(int cgroupFd) throws BpfException {
        String section = checkLoaded();
        try (LibBpfLog.Capture log = LibBpfLog.capture()) {
            Pointer link = owner.lib().bpf_program__attach_cgroup(prog, cgroupFd);
            if (link == null) {
                int e = Native.errnoOf(0);
                throw new BpfException("cannot attach program '" + name + "' (" + section + ") to cgroup fd " + cgroupFd, e,
                        Hints.hint(Hints.Phase.ATTACH, section, e), log.text());
            }
            return BpfLink.ofLibbpf(owner.lib(), link, name + " @ cgroup fd " + cgroupFd);
        }
    }

    /** Attaches a cgroup program to a cgroup v2 directory; the link keeps the cgroup, its fd is closed here. */
    public BpfLink attachCgroup(Path cgroupDir) throws BpfException {
        LibC libc = Native.libc();
        int fd = libc.open(cgroupDir.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
        if (fd < 0) {
            throw new BpfException("cannot open cgroup " + cgroupDir, Native.errno());
        }
        try {
            return attachCgroup(fd);
        } finally {
            libc.close(fd);
        }
    }

    /**
     * bpf_link_create(prog_fd, targetFd, attachType, NULL): attach types libbpf 1.1 has no API for,
     * e.g. tcx ({@code BPF_TCX_INGRESS} = 46 with targetFd = an ifindex). Closing the link detaches.
     */
    public BpfLink linkCreate(int targetFd, int attachType) throws BpfException {
        String section = checkLoaded();
        try (LibBpfLog.Capture log = LibBpfLog.capture()) {
            int fd = owner.lib().bpf_link_create(fd(), targetFd, attachType, null);
            if (fd < 0) {
                int e = Native.errnoOf(fd);
                throw new BpfException("cannot create a link (attach type " + attachType + ", target " + targetFd
                        + ") for program '" + name + "' (" + section + ")", e, Hints.hint(Hints.Phase.ATTACH, section, e),
                        log.text());
            }
            return BpfLink.ofFd(owner.lib(), fd, name + " @ attach type " + attachType + " target " + targetFd);
        }
    }

    /**
     * Attaches a kprobe.multi program to the named kernel functions in one link, through
     * bpf_link_create with the names (the kernel resolves them; libbpf's pattern attach reads all
     * of /proc/kallsyms instead). Needs CONFIG_FPROBE (5.18+).
     */
    public BpfLink attachKprobeMulti(List<String> symbols) throws BpfException {
        String section = checkLoaded();
        if (symbols.isEmpty()) {
            throw new IllegalArgumentException("no symbols to attach " + name + " to");
        }
        Runtime rt = Native.runtime();
        List<Pointer> keep = new ArrayList<>();
        Pointer syms = Memory.allocateDirect(rt, 8 * symbols.size(), true);
        for (int i = 0; i < symbols.size(); i++) {
            byte[] b = symbols.get(i).getBytes(StandardCharsets.US_ASCII);
            Pointer s = Memory.allocateDirect(rt, b.length + 1, true);
            s.put(0, b, 0, b.length);
            keep.add(s);
            syms.putAddress(8L * i, s.address());
        }
        Pointer opts = Memory.allocateDirect(rt, LINK_CREATE_OPTS_SIZE, true);
        opts.putLong(0, LINK_CREATE_OPTS_SIZE);          // sz
        opts.putInt(KPROBE_MULTI_CNT, symbols.size());    // kprobe_multi.cnt
        opts.putAddress(KPROBE_MULTI_SYMS, syms.address()); // kprobe_multi.syms
        try (LibBpfLog.Capture log = LibBpfLog.capture()) {
            int fd = owner.lib().bpf_link_create(fd(), 0, BPF_TRACE_KPROBE_MULTI, opts);
            if (fd < 0) {
                int e = Native.errnoOf(fd);
                throw new BpfException("cannot attach program '" + name + "' (" + section + ") to " + symbols, e,
                        Hints.hint(Hints.Phase.ATTACH, section, e), log.text());
            }
            return BpfLink.ofFd(owner.lib(), fd, name + " @ kprobe.multi " + symbols);
        } finally {
            keep.clear(); // the strings had to live until bpf_link_create returned
        }
    }

    private String checkLoaded() {
        owner.handle();
        String section = owner.lib().bpf_program__section_name(prog);
        if (!owner.isLoaded()) {
            throw new IllegalStateException(owner.name() + " is not loaded: load() before attaching " + name);
        }
        if (owner.lib().bpf_program__fd(prog) < 0) {
            throw new IllegalStateException("program '" + name + "' of " + owner.name()
                    + " was not loaded (autoload was off): " + Errno.describe(Errno.EINVAL));
        }
        return section;
    }

    @Override
    public String toString() {
        return "BpfProgram[" + name + " of " + owner.name() + "]";
    }
}
