package io.vigil.enforcement.fanotify;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/** What the fanotify kernel tests share: the root check, a scratch directory, running a command. */
final class KernelFixture implements AutoCloseable {
    final Path dir;
    final String marker = "VIGIL-MARKER-" + UUID.randomUUID();
    private final List<Path> mounts = new ArrayList<>();

    private KernelFixture(Path dir) {
        this.dir = dir;
    }

    /** Skips (loudly) unless the test runs as root; CI runs as root, so there the tests run. */
    static void assumeRoot() {
        int uid;
        try {
            uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (uid != 0) {
            String msg = "KERNEL TEST SKIPPED: uid is " + uid + ", not 0 — fanotify permission events need "
                    + "CAP_SYS_ADMIN. Run the build as root to run the kernel tests.";
            System.err.println("\n************************************************************\n" + msg
                    + "\n************************************************************\n");
        }
        Assumptions.assumeTrue(uid == 0, "fanotify kernel test needs root");
    }

    /** A fresh directory under /dev/shm (tmpfs, exec allowed). */
    static KernelFixture create() throws IOException {
        assumeRoot();
        return new KernelFixture(Files.createTempDirectory(Path.of("/dev/shm"), "vigil-fan-"));
    }

    /** A file holding the marker. */
    Path secret(String name) throws IOException {
        return Files.writeString(dir.resolve(name), marker + "\n");
    }

    /** A copy of a system binary under a new name (a new inode and a new /proc/PID/exe). */
    Path copyBinary(String from, String name) throws IOException {
        Path p = Files.copy(Path.of(from), dir.resolve(name));
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    Path script(String name, String body) throws IOException {
        Path p = Files.writeString(dir.resolve(name), "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    /** A tmpfs mounted at dir/name (in the test's mount namespace), unmounted at close. */
    Path tmpfs(String name) throws Exception {
        Path m = Files.createDirectory(dir.resolve(name));
        Result r = run(List.of("mount", "-t", "tmpfs", "vigil-fan-test", m.toString()));
        assertTrue(r.exit() == 0, "mount tmpfs: " + r);
        mounts.add(m);
        return m;
    }

    record Result(int exit, String stdout, String stderr) {
        boolean mentions(String s) {
            return stdout.contains(s) || stderr.contains(s);
        }
    }

    static Result run(List<String> command) throws Exception {
        return run(command, null);
    }

    /** Runs a command to its end (60 s at most), with optional stdin text. */
    static Result run(List<String> command, String stdin) throws Exception {
        Process p = new ProcessBuilder(command).start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out after 60 s: " + command);
        }
        return new Result(p.exitValue(), out.get(), err.get());
    }

    static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Files under dir, other than the given ones, whose content holds the marker. */
    List<Path> filesWithMarker(Path... except) throws IOException {
        List<Path> skip = List.of(except);
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> !skip.contains(p)).filter(p -> {
                try {
                    return Files.readString(p, StandardCharsets.ISO_8859_1).contains(marker);
                } catch (IOException e) {
                    return false;
                }
            }).toList();
        }
    }

    @Override
    public void close() throws Exception {
        for (Path m : mounts) {
            run(List.of("umount", "-l", m.toString()));
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
