package io.vigil.enforcement.fanotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.enforcement.fanotify.KernelFixture.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * FAN_OPEN_EXEC_PERM on a copy of touch and on a script, a decider that denies every exec: execve
 * fails with EPERM and the marker file is never made. What else reaches the same code is listed
 * by test name: a symlink and a hard link are the marked inode; a copy, `sh script` and running
 * the binary through ld.so are not execs of it.
 */
@Tag("kernel")
class ExecDenyKernelTest {
    static final Set<Access> EXEC = EnumSet.of(Access.EXEC);

    KernelFixture fx;
    Path tool;
    Path made;
    FanotifyGuard guard;
    final List<PermissionRequest> asked = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void setUp() throws Exception {
        fx = KernelFixture.create();
        tool = fx.copyBinary("/usr/bin/touch", "mytouch");
        made = fx.dir.resolve("made-by-exec");
        guard = FanotifyGuard.builder(r -> {
            asked.add(r);
            return r.exec() ? Decision.deny("no exec of " + r.path()) : Decision.allow("read");
        }).start();
        guard.protect(MarkTarget.FILE, tool, EXEC);
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

    /** bash runs the command and prints its exit code. */
    Result sh(String command) throws Exception {
        return KernelFixture.run(List.of("/bin/bash", "-c", command + "; echo rc=$?"));
    }

    @Test
    void execveOfTheMarkedBinaryFailsWithEpermAndMakesNoFile() throws Exception {
        IOException e = assertThrows(IOException.class, () -> new ProcessBuilder(tool.toString(), made.toString()).start());
        assertTrue(e.getMessage().contains("error=1,"), "EPERM from execve: " + e.getMessage());
        Result r = sh(tool + " " + made);
        assertTrue(r.stdout().contains("rc=126") && r.stderr().contains("Operation not permitted"), r.toString());
        assertFalse(Files.exists(made));
        assertTrue(guard.counters().denied() >= 2, guard.counters().toString());
    }

    @Test
    void execThroughASymlinkIsBlockedAndTheDeciderSeesTheTargetPath() throws Exception {
        Path link = Files.createSymbolicLink(fx.dir.resolve("innocent"), tool);
        Result r = sh(link + " " + made);
        assertTrue(r.stdout().contains("rc=126"), r.toString());
        assertFalse(Files.exists(made));
        assertEquals(tool.toString(), asked.get(0).path(), "a symlink is followed before the open");
    }

    @Test
    void execThroughAHardLinkIsBlockedButTheDeciderSeesTheLinksPath() throws Exception {
        Path hard = Files.createLink(fx.dir.resolve("other-name"), tool);
        Result r = sh(hard + " " + made);
        assertTrue(r.stdout().contains("rc=126"), r.toString());
        assertFalse(Files.exists(made));
        PermissionRequest q = asked.get(0);
        assertEquals(hard.toString(), q.path(), "a decider that matches paths is fooled by a hard link; match (dev, ino)");
        assertEquals(Files.getAttribute(tool, "unix:ino"), q.ino());
    }

    @Test
    void aCopyUnderAnotherNameIsAnotherInodeAndRunsGap() throws Exception {
        Path copy = fx.dir.resolve("copy-of-tool");
        Result c = sh("cp " + tool + " " + copy); // a read open: only EXEC is marked
        assertTrue(c.stdout().contains("rc=0"), c.toString());
        Result r = sh(copy + " " + made);
        assertTrue(r.stdout().contains("rc=0"), r.toString());
        assertTrue(Files.exists(made), "the copy ran: inode marks protect the inode, not its content");
    }

    @Test
    void runningTheBinaryThroughTheDynamicLoaderIsAReadOpenGapUnlessOpenIsMarkedToo() throws Exception {
        String ld = Files.exists(Path.of("/lib64/ld-linux-x86-64.so.2")) ? "/lib64/ld-linux-x86-64.so.2" : "/lib/ld-linux-aarch64.so.1";
        Result r = sh(ld + " " + tool + " " + made);
        assertTrue(r.stdout().contains("rc=0") && Files.exists(made), "ld.so opens and mmaps, no execve: " + r);
        Files.delete(made);
        guard.close();
        guard = FanotifyGuard.builder(q -> Decision.deny("no open either")).start();
        guard.protect(MarkTarget.FILE, tool, EnumSet.of(Access.OPEN, Access.EXEC));
        Result r2 = sh(ld + " " + tool + " " + made);
        assertFalse(Files.exists(made), "with FAN_OPEN_PERM denied too, ld.so cannot read it: " + r2);
        assertFalse(r2.stdout().contains("rc=0"), r2.toString());
    }

    @Test
    void aScriptMarkedForExecIsBlockedWhenExecutedButNotWhenReadByShGap() throws Exception {
        Path script = fx.script("tool.sh", "touch " + made);
        guard.protect(MarkTarget.FILE, script, EXEC);
        Result r = sh(script.toString());
        assertTrue(r.stdout().contains("rc=126") && r.stderr().contains("Operation not permitted"), r.toString());
        assertFalse(Files.exists(made));
        Result viaSh = sh("sh " + script);
        assertTrue(viaSh.stdout().contains("rc=0") && Files.exists(made), "sh opens the script for reading: " + viaSh);
    }

    @Test
    void anExecOfAFileMarkedForOpenAndExecAsksTwiceExecFirst() throws Exception {
        guard.close();
        asked.clear();
        guard = FanotifyGuard.builder(r -> {
            asked.add(r);
            return Decision.allow("all");
        }).start();
        guard.protect(MarkTarget.FILE, tool, EnumSet.of(Access.OPEN, Access.EXEC));
        Result r = sh(tool + " " + made);
        assertTrue(r.stdout().contains("rc=0") && Files.exists(made), r.toString());
        assertEquals(List.of(true, false), asked.stream().map(PermissionRequest::exec).toList(),
                "FAN_OPEN_EXEC_PERM, then FAN_OPEN_PERM for the same open");
    }
}
