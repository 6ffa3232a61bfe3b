package io.vigil.enforcement.fanotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.enforcement.fanotify.KernelFixture.Result;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A file marked for FAN_OPEN_PERM, a decider that denies one binary (a copy of bash, told apart by
 * /proc/PID/exe): that binary's opens fail with EPERM and never read a byte; other binaries read.
 */
@Tag("kernel")
class OpenDenyKernelTest {
    static final Set<Access> OPEN = EnumSet.of(Access.OPEN);

    KernelFixture fx;
    Path secret;
    Path deniedBash;
    FanotifyGuard guard;

    @BeforeEach
    void setUp() throws Exception {
        fx = KernelFixture.create();
        secret = fx.secret("secret.txt");
        deniedBash = fx.copyBinary("/bin/bash", "denied-bash");
        guard = FanotifyGuard.builder(new ExeDecider(deniedBash)).start();
        guard.protect(MarkTarget.FILE, secret, OPEN);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (guard != null) {
            guard.close();
        }
        if (fx != null) {
            fx.close();
        }
    }

    /** Runs a bash script with the denied copy of bash; F is the secret, D the scratch directory. */
    Result denied(String script) throws Exception {
        return KernelFixture.run(List.of(deniedBash.toString(), "-c", "F=" + secret + "; D=" + fx.dir + "; " + script));
    }

    @Test
    void deniedBinaryOpensTheFile10000TimesAndReadsNothing() throws Exception {
        Result r = denied("ok=0; fail=0\n"
                + "for ((i=0; i<10000; i++)); do\n"
                + "  if IFS= read -r line < \"$F\" 2>/dev/null; then ok=$((ok+1)); echo \"$line\"; echo \"$line\" >> \"$D/out.txt\";\n"
                + "  else fail=$((fail+1)); fi\n"
                + "done\n"
                + "echo \"ok=$ok fail=$fail\"\n"
                + "read -r line < \"$F\"; echo \"$line\" >> \"$D/out.txt\"\n"
                + "cat < \"$F\" > \"$D/cat.txt\"\n");
        assertTrue(r.stdout().contains("ok=0 fail=10000"), r.toString());
        assertTrue(r.stderr().contains("Operation not permitted"), "EPERM, as bash reports it: " + r.stderr());
        assertFalse(r.mentions(fx.marker), "the marker leaked into the output");
        assertEquals(List.of(), fx.filesWithMarker(secret), "files written by the denied process hold the marker");
        assertTrue(guard.counters().denied() >= 10_002, guard.counters().toString());
        assertEquals(0, guard.counters().errors(), guard.counters().toString());
    }

    @Test
    void allowedBinaryReadsTheFile() throws Exception {
        Result r = KernelFixture.run(List.of("/usr/bin/head", "-c", "200", secret.toString()));
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.stdout().contains(fx.marker), r.toString());
        assertEquals(1, guard.counters().allowed(), guard.counters().toString());
        assertEquals(0, guard.counters().denied(), guard.counters().toString());
    }

    @Test
    void theDeniedBinaryStillOpensUnmarkedFiles() throws Exception {
        Path other = fx.secret("other.txt");
        Result r = denied("read -r line < " + other + " && echo \"$line\"");
        assertTrue(r.stdout().contains(fx.marker), r.toString());
        assertEquals(0, guard.counters().requests(), "an unmarked file makes no event: " + guard.counters());
    }

    @Test
    void openatWithARelativePathFromAnotherCwdIsBlocked() throws Exception {
        Path sub = java.nio.file.Files.createDirectory(fx.dir.resolve("sub"));
        Result r = denied("cd " + sub + " && read -r line < ../secret.txt && echo \"$line\"");
        assertFalse(r.mentions(fx.marker), r.toString());
        assertTrue(r.stderr().contains("Operation not permitted"), r.toString());
    }

    @Test
    void openThroughASymlinkIsBlocked() throws Exception {
        Path link = java.nio.file.Files.createSymbolicLink(fx.dir.resolve("link"), secret);
        Result r = denied("read -r line < " + link + " && echo \"$line\"");
        assertFalse(r.mentions(fx.marker), r.toString());
        assertTrue(r.stderr().contains("Operation not permitted"), r.toString());
    }

    @Test
    void openThroughAHardLinkIsBlockedTheMarkIsOnTheInode() throws Exception {
        Path hard = java.nio.file.Files.createLink(fx.dir.resolve("hard"), secret);
        Result r = denied("read -r line < " + hard + " && echo \"$line\"");
        assertFalse(r.mentions(fx.marker), r.toString());
        assertTrue(r.stderr().contains("Operation not permitted"), r.toString());
    }

    @Test
    void openThroughABindMountInAPrivateMountNamespaceIsBlocked() throws Exception {
        Path bind = java.nio.file.Files.createDirectory(fx.dir.resolve("bind"));
        Result r = KernelFixture.run(List.of("unshare", "-m", "--propagation", "private", deniedBash.toString(), "-c",
                "mount --bind " + fx.dir + " " + bind + " || exit 99; read -r line < " + bind + "/secret.txt && echo \"$line\""));
        assertFalse(r.exit() == 99, "bind mount failed: " + r);
        assertFalse(r.mentions(fx.marker), r.toString());
        assertTrue(r.stderr().contains("Operation not permitted"), r.toString());
    }

    @Test
    void reopenThroughProcSelfFdIsBlockedButReadingAnFdOpenedBeforeTheMarkIsAGap() throws Exception {
        guard.unprotect(MarkTarget.FILE, secret, OPEN);
        // fd 3 is opened while the file is unmarked; the file is marked once "opened" is printed.
        Process p = new ProcessBuilder(deniedBash.toString(), "-c", "exec 3< " + secret + "; echo opened; read go; "
                + "if read -r l < /proc/self/fd/3; then echo \"reopen:$l\"; else echo reopen-denied; fi; "
                + "if read -r l <&3; then echo \"inherited:$l\"; else echo inherited-denied; fi").start();
        java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
        assertEquals("opened", out.readLine());
        guard.protect(MarkTarget.FILE, secret, OPEN);
        p.getOutputStream().write("go\n".getBytes());
        p.getOutputStream().close();
        String rest = KernelFixture.read(p.getInputStream()) + KernelFixture.read(p.getErrorStream());
        p.waitFor();
        assertTrue(rest.contains("reopen-denied"), "open(/proc/self/fd/3) is a new open: " + rest);
        assertTrue(rest.contains("inherited:" + fx.marker), "read(3) is no open: the known gap: " + rest);
    }
}
