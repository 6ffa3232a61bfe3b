package io.vigil.bpf;

import io.vigil.bpf.internal.Errno;
import io.vigil.bpf.internal.Hints;
import io.vigil.bpf.internal.KernelFacts;
import io.vigil.bpf.internal.LibBpf;
import io.vigil.bpf.internal.LibC;
import io.vigil.bpf.internal.Native;
import io.vigil.bpf.internal.Tracefs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the running kernel what it accepts, by doing it: for each {@link Feature}, load the one
 * matching program of bpf_probe.bpf.o (the others' autoload off) and attach it, then detach and
 * close at once. Cgroup programs go on a temporary child cgroup of the cgroup v2 root (never the
 * root itself), removed afterwards; tcx goes on lo's ingress with a program that returns
 * TCX_NEXT; fanotify marks a temporary file for permission events and closes. Takes a few
 * hundred milliseconds. Never throws: what fails is reported unsupported, with the reason.
 */
public final class FeatureProbe {
    private static final Logger log = LoggerFactory.getLogger(FeatureProbe.class);
    /** The probe programs, compiled from src/main/bpf/bpf_probe.c. */
    public static final String OBJECT_RESOURCE = "/bpf/bpf_probe.bpf.o";

    private static final int THREADS = Math.min(4, java.lang.Runtime.getRuntime().availableProcessors());
    private static final int PER_PROBE_TIMEOUT_SECONDS = 10;

    private FeatureProbe() {}

    /** Probes every feature. */
    public static ProbeReport run() {
        return run(EnumSet.allOf(Feature.class));
    }

    /**
     * Probes the given features only (the others are absent from the report). The probes run on
     * a few threads at once: most of their time is the kernel waiting for RCU grace periods on
     * detach, or libbpf reading /proc/kallsyms, not CPU.
     */
    public static ProbeReport run(Set<Feature> features) {
        long start = System.nanoTime();
        EnumSet<Feature> todo = features.isEmpty() ? EnumSet.noneOf(Feature.class) : EnumSet.copyOf(features);
        List<ProbeReport.Result> results = new ArrayList<>();
        Path dir = null;
        Path object = null;
        String objectProblem = null;
        TempCgroup cgroup = null;
        ExecutorService pool = null;
        try {
            try {
                dir = Files.createTempDirectory("vigil-probe-");
                object = extract(dir);
            } catch (IOException e) {
                objectProblem = "cannot extract " + OBJECT_RESOURCE + ": " + e.getMessage();
            }
            try {
                Native.libbpf(); // bind libbpf once, before the threads race to
            } catch (RuntimeException | LinkageError e) {
                objectProblem = "libbpf unavailable: " + e.getMessage();
            }
            if (objectProblem == null && (todo.contains(Feature.CGROUP_SOCK_ADDR) || todo.contains(Feature.CGROUP_SKB))) {
                cgroup = TempCgroup.create();
            }
            pool = Executors.newFixedThreadPool(Math.max(1, Math.min(THREADS, todo.size())), r -> {
                Thread t = new Thread(r, "vigil-feature-probe");
                t.setDaemon(true);
                return t;
            });
            Map<Feature, Future<ProbeReport.Result>> running = new EnumMap<>(Feature.class);
            for (Feature f : todo) {
                Path obj = object;
                String problem = objectProblem;
                TempCgroup cg = cgroup;
                Path tmp = dir;
                running.put(f, pool.submit(() -> probeOne(f, obj, problem, cg, tmp)));
            }
            for (Map.Entry<Feature, Future<ProbeReport.Result>> e : running.entrySet()) {
                results.add(await(e.getKey(), e.getValue()));
            }
        } finally {
            if (pool != null) {
                pool.shutdown();
            }
            if (cgroup != null) {
                cgroup.close();
            }
            deleteQuietly(object);
            deleteQuietly(dir);
        }
        return new ProbeReport(results, Duration.ofNanos(System.nanoTime() - start));
    }

    private static ProbeReport.Result await(Feature f, Future<ProbeReport.Result> future) {
        try {
            return future.get(PER_PROBE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return new ProbeReport.Result(f, false, "probe failed: " + e.getCause(), Duration.ZERO);
        } catch (TimeoutException e) {
            future.cancel(true);
            return new ProbeReport.Result(f, false, "probe did not finish in " + PER_PROBE_TIMEOUT_SECONDS + " s",
                    Duration.ofSeconds(PER_PROBE_TIMEOUT_SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ProbeReport.Result(f, false, "probe interrupted", Duration.ZERO);
        }
    }

    private static ProbeReport.Result probeOne(Feature f, Path object, String objectProblem, TempCgroup cgroup, Path dir) {
        long t0 = System.nanoTime();
        Outcome o;
        try {
            if (f == Feature.FANOTIFY_PERM) {
                o = probeFanotify(dir);
            } else if (objectProblem != null) {
                o = Outcome.no(objectProblem);
            } else {
                o = probeBpf(f, object, cgroup);
            }
        } catch (RuntimeException | LinkageError e) {
            o = Outcome.no("probe failed: " + e);
        }
        log.debug("probe {}: {} ({})", f.displayName(), o.supported ? "supported" : "unsupported", o.reason);
        return new ProbeReport.Result(f, o.supported, o.reason, Duration.ofNanos(System.nanoTime() - t0));
    }

    private record Outcome(boolean supported, String reason) {
        static Outcome yes(String reason) {
            return new Outcome(true, reason);
        }

        static Outcome no(String reason) {
            return new Outcome(false, reason);
        }
    }

    private static Path extract(Path dir) throws IOException {
        try (InputStream in = FeatureProbe.class.getResourceAsStream(OBJECT_RESOURCE)) {
            if (in == null) {
                throw new IOException("not on the classpath (build kprobe-bpf so that build-bpf.sh compiles bpf_probe.c)");
            }
            Path p = dir.resolve("bpf_probe.bpf.o");
            Files.copy(in, p);
            return p;
        }
    }

    private static Outcome probeBpf(Feature f, Path object, TempCgroup cgroup) {
        if ((f == Feature.CGROUP_SOCK_ADDR || f == Feature.CGROUP_SKB) && cgroup.problem != null) {
            return Outcome.no(cgroup.problem);
        }
        try (BpfObject o = BpfObject.open(object)) {
            for (String p : o.programNames()) {
                o.setAutoload(p, p.equals(f.program()));
            }
            try {
                o.load();
            } catch (BpfLoadException e) {
                return Outcome.no(reason(f, e.errno(), "load"));
            }
            BpfProgram prog = o.program(f.program());
            BpfLink link;
            try {
                switch (f) {
                    case CGROUP_SOCK_ADDR:
                    case CGROUP_SKB:
                        link = prog.attachCgroup(cgroup.fd);
                        break;
                    case KPROBE_MULTI:
                        String section = prog.sectionName();
                        link = prog.attachKprobeMulti(List.of(section.substring(section.indexOf('/') + 1)));
                        break;
                    case TCX:
                        link = prog.linkCreate(loopbackIfindex(), LibBpf.BPF_TCX_INGRESS);
                        break;
                    default:
                        link = prog.attach();
                        break;
                }
            } catch (BpfException e) {
                return Outcome.no(reason(f, e.errno(), "attach"));
            }
            link.close();
            if (f == Feature.LSM) {
                String lsms = KernelFacts.activeLsms();
                if (lsms == null) {
                    return Outcome.yes("ok (active LSMs unknown: securityfs not mounted)");
                }
                if (!List.of(lsms.split(",")).contains("bpf")) {
                    return Outcome.no("attaches, but 'bpf' is not an active LSM (" + lsms + "): boot with lsm=...,bpf");
                }
            }
            return Outcome.yes("ok");
        } catch (BpfException e) {
            return Outcome.no(Errno.name(e.errno()) + " at open");
        }
    }

    /** "EPERM at load", "no kprobe PMU: ENOENT at attach", ... */
    private static String reason(Feature f, int errno, String phase) {
        String base = Errno.name(errno) + " at " + phase;
        if ((f == Feature.KPROBE || f == Feature.KPROBE_MULTI) && phase.equals("attach") && !KernelFacts.hasKprobePmu()
                && !(f == Feature.KPROBE && KernelFacts.hasTracefsKprobeEvents())) {
            return "no kprobe PMU: " + base;
        }
        if (f == Feature.TRACEPOINT && phase.equals("attach") && Tracefs.mounted() == null) {
            return "tracefs not mounted: " + base;
        }
        if ((f == Feature.FENTRY || f == Feature.FEXIT || f == Feature.LSM)
                && phase.equals("load") && (errno == Errno.ESRCH || errno == Errno.ENOENT)) {
            return base + " (attach target not in kernel BTF)";
        }
        return base;
    }

    private static int loopbackIfindex() {
        int i = Native.libc().if_nametoindex("lo");
        return i > 0 ? i : 1;
    }

    private static Outcome probeFanotify(Path dir) {
        LibC libc = Native.libc();
        int fd = libc.fanotify_init(LibC.FAN_CLASS_CONTENT | LibC.FAN_CLOEXEC, LibC.O_RDONLY);
        if (fd < 0) {
            return Outcome.no(Errno.name(Native.errno()) + " at fanotify_init");
        }
        Path file = null;
        try {
            file = dir != null ? Files.createTempFile(dir, "fanotify-", ".probe") : Files.createTempFile("vigil-fanotify-", ".probe");
            int r = libc.fanotify_mark(fd, LibC.FAN_MARK_ADD, LibC.FAN_OPEN_PERM | LibC.FAN_OPEN_EXEC_PERM,
                    LibC.AT_FDCWD, file.toString());
            if (r < 0) {
                return Outcome.no(Errno.name(Native.errno()) + " at fanotify_mark");
            }
            return Outcome.yes("ok");
        } catch (IOException e) {
            return Outcome.no("cannot create a file to mark: " + e.getMessage());
        } finally {
            libc.close(fd); // before the file goes: nothing may wait on a permission event of ours
            deleteQuietly(file);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                log.debug("cannot delete {}: {}", p, e.toString());
            }
        }
    }

    /** A child of the cgroup v2 root made for the probe, removed on close. */
    private static final class TempCgroup {
        static final String PREFIX = "vigil-probe-";
        final Path dir;
        final int fd;
        final String problem;

        private TempCgroup(Path dir, int fd, String problem) {
            this.dir = dir;
            this.fd = fd;
            this.problem = problem;
        }

        static TempCgroup create() {
            Path root = cgroup2Root();
            if (root == null) {
                return new TempCgroup(null, -1, "no cgroup v2 hierarchy mounted");
            }
            removeStale(root);
            Path dir = root.resolve(PREFIX + ProcessHandle.current().pid() + "-" + Long.toHexString(System.nanoTime()));
            try {
                Files.createDirectory(dir);
            } catch (IOException e) {
                return new TempCgroup(null, -1, "cannot create a cgroup under " + root + ": " + e.getMessage());
            }
            int fd = Native.libc().open(dir.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
            if (fd < 0) {
                String why = Errno.name(Native.errno()) + " opening " + dir;
                deleteQuietly(dir);
                return new TempCgroup(null, -1, why);
            }
            return new TempCgroup(dir, fd, null);
        }

        /** Probe cgroups of processes that died mid-probe (killed, System.exit): empty, so rmdir takes them. */
        private static void removeStale(Path root) {
            try (java.util.stream.Stream<Path> s = Files.list(root)) {
                s.filter(p -> p.getFileName().toString().startsWith(PREFIX)).forEach(p -> {
                    String[] parts = p.getFileName().toString().substring(PREFIX.length()).split("-");
                    try {
                        long pid = Long.parseLong(parts[0]);
                        if (ProcessHandle.of(pid).isEmpty()) {
                            Files.deleteIfExists(p);
                            log.info("removed {}, left behind by process {}", p, pid);
                        }
                    } catch (NumberFormatException | IOException e) {
                        log.debug("leaving {}: {}", p, e.toString());
                    }
                });
            } catch (IOException e) {
                log.debug("cannot list {}: {}", root, e.toString());
            }
        }

        void close() {
            if (fd >= 0) {
                Native.libc().close(fd);
            }
            if (dir != null) {
                try {
                    Files.deleteIfExists(dir);
                } catch (IOException e) {
                    log.warn("cannot remove the probe's temporary cgroup {}: {}", dir, e.toString());
                }
            }
        }
    }

    /** /sys/fs/cgroup when it is cgroup v2 (unified), else /sys/fs/cgroup/unified (hybrid), else any cgroup2 mount. */
    public static Path cgroup2Root() {
        List<Path> mounts = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] f = line.split(" ");
                if (f.length > 2 && f[2].equals("cgroup2")) {
                    mounts.add(Path.of(f[1].replace("\\040", " ")));
                }
            }
        } catch (IOException e) {
            return null;
        }
        for (Path preferred : List.of(Path.of("/sys/fs/cgroup"), Path.of("/sys/fs/cgroup/unified"))) {
            if (mounts.contains(preferred)) {
                return preferred;
            }
        }
        return mounts.isEmpty() ? null : mounts.get(0);
    }
}
