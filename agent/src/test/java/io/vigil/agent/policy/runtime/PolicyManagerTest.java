package io.vigil.agent.policy.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.policy.PolicyMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyManagerTest {
    @TempDir
    Path dir;

    static String policy(String name, String call) {
        return """
                apiVersion: cilium.io/v1alpha1
                kind: TracingPolicy
                metadata:
                  name: "%s"
                spec:
                  kprobes:
                  - call: "%s"
                    syscall: true
                """.formatted(name, call);
    }

    Path write(String file, String text) throws IOException {
        return Files.writeString(dir.resolve(file), text);
    }

    @Test
    void replaceInstallsTheNewVersionBeforeRemovingTheOld() throws IOException {
        RecordingInstaller inst = new RecordingInstaller();
        PolicyManager m = new PolicyManager(inst);
        Path f = write("a.yaml", policy("a", "sys_openat"));
        assertEquals(List.of(), m.applyFile(f, PolicyManager.Origin.DIRECTORY));
        write("a.yaml", policy("a", "sys_close"));
        assertEquals(List.of(), m.applyFile(f, PolicyManager.Origin.DIRECTORY));
        assertEquals(List.of("install a sys_openat enforce", "install a sys_close enforce", "uninstall a sys_openat"), inst.log);
        assertEquals(1, inst.live.size());
    }

    @Test
    void aBrokenVersionKeepsTheRunningOneAndReportsFileLineColumn() throws IOException {
        RecordingInstaller inst = new RecordingInstaller();
        PolicyManager m = new PolicyManager(inst);
        Path f = write("a.yaml", policy("a", "sys_openat"));
        m.applyFile(f, PolicyManager.Origin.DIRECTORY);
        write("a.yaml", policy("a", "sys_openat").replace("syscall: true", "syscall: maybe"));
        List<String> errors = m.applyFile(f, PolicyManager.Origin.DIRECTORY);
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).startsWith(f + ":8:"), errors.get(0));
        assertEquals(List.of("install a sys_openat enforce"), inst.log);
        PolicyManager.Status s = m.list().get(0);
        assertEquals("a", s.name());
        assertEquals(PolicyManager.State.KEPT_PREVIOUS, s.state());
        assertTrue(s.error().get().startsWith(f + ":8:14: "), "the listing shows the rejected version's error: " + s);

        write("a.yaml", policy("a", "sys_read"));
        assertEquals(List.of(), m.applyFile(f, PolicyManager.Origin.DIRECTORY));
        assertEquals(PolicyManager.State.RUNNING, m.list().get(0).state());
        assertTrue(m.list().get(0).error().isEmpty(), "a good version clears the error");
    }

    @Test
    void aFileThatNeverLoadedIsListedAsFailed() throws IOException {
        PolicyManager m = new PolicyManager(new RecordingInstaller());
        Path f = write("bad.yaml", "kind: TracingPolicy\nspec: [");
        assertEquals(1, m.applyFile(f, PolicyManager.Origin.DIRECTORY).size());
        PolicyManager.Status s = m.list().get(0);
        assertEquals(PolicyManager.State.FAILED, s.state());
        assertEquals("", s.name());
        assertTrue(s.error().get().startsWith(f + ":2:"), s.toString());
        m.removeFile(f);
        assertEquals(List.of(), m.list(), "a deleted file takes its error along");
    }

    @Test
    void aRejectedAddIsAnsweredNotKept() throws IOException {
        PolicyManager m = new PolicyManager(new RecordingInstaller());
        Path f = write("bad.yaml", "kind: TracingPolicy\nspec: [");
        assertEquals(1, m.applyFile(f, PolicyManager.Origin.CONTROL).size());
        assertEquals(List.of(), m.list(), "the caller of `vigil policy add` got the error; nothing lingers");
    }

    @Test
    void namesAreUniqueAcrossFilesButAddReplacesItsOwn() throws IOException {
        RecordingInstaller inst = new RecordingInstaller();
        PolicyManager m = new PolicyManager(inst);
        Path fromDir = write("dir.yaml", policy("a", "sys_openat"));
        Path added = write("added.yaml", policy("a", "sys_close"));
        assertEquals(List.of(), m.applyFile(fromDir, PolicyManager.Origin.DIRECTORY));
        List<String> errors = m.applyFile(added, PolicyManager.Origin.CONTROL);
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).startsWith(added + ":1:1: "), errors.get(0)); // where the document starts
        assertTrue(errors.get(0).contains("already running from " + fromDir + " (directory)"), errors.get(0));
        assertEquals(List.of("install a sys_openat enforce"), inst.log);

        Path b1 = write("b1.yaml", policy("b", "sys_openat"));
        Path b2 = write("b2.yaml", policy("b", "sys_close"));
        assertEquals(List.of(), m.applyFile(b1, PolicyManager.Origin.CONTROL));
        assertEquals(List.of(), m.applyFile(b2, PolicyManager.Origin.CONTROL), "add replaces what add loaded");
        assertEquals(List.of("b1 gone", "b2 runs"), List.of(
                m.list().stream().noneMatch(s -> s.file().get().equals(b1)) ? "b1 gone" : "b1 listed",
                m.list().stream().anyMatch(s -> s.name().equals("b") && s.file().get().equals(b2)) ? "b2 runs" : "b2 missing"));
        m.removeFile(b1); // b1 no longer provides b: b stays
        assertTrue(m.list().stream().anyMatch(s -> s.name().equals("b")), m.list().toString());
        assertEquals(2, inst.live.size());
    }

    @Test
    void theModeComesFromThePolicyOptions() throws IOException {
        RecordingInstaller inst = new RecordingInstaller();
        PolicyManager m = new PolicyManager(inst);
        Path f = write("a.yaml", policy("a", "sys_openat") + """
                  options:
                  - name: "policy-mode"
                    value: "monitor"
                """);
        assertEquals(List.of(), m.applyFile(f, PolicyManager.Origin.DIRECTORY));
        assertEquals(List.of("install a sys_openat monitor"), inst.log);
        assertEquals(PolicyMode.MONITOR, m.list().get(0).mode());
    }

    @Test
    void aRefusedModeChangeKeepsTheRunningInstallation() throws Exception {
        RecordingInstaller inst = new RecordingInstaller();
        PolicyManager m = new PolicyManager(inst);
        Path f = write("a.yaml", policy("a", "sys_openat"));
        m.applyFile(f, PolicyManager.Origin.DIRECTORY);
        inst.refuse.add("a");
        assertThrows(PolicyInstallException.class, () -> m.setMode("a", PolicyMode.MONITOR));
        assertEquals(PolicyMode.ENFORCE, m.list().get(0).mode());
        assertEquals(List.of("install a sys_openat enforce"), inst.log);
        assertEquals(1, inst.live.size());
    }

    @Test
    void setModeSwitchesInPlaceWhenTheInstallerCanAndKeepsTheModeWhenTheSwitchFails() throws Exception {
        RecordingInstaller inst = new RecordingInstaller();
        inst.switchesInPlace = true;
        PolicyManager m = new PolicyManager(inst);
        Path f = write("a.yaml", policy("a", "sys_openat"));
        m.applyFile(f, PolicyManager.Origin.DIRECTORY);
        m.setMode("a", PolicyMode.MONITOR);
        m.setMode("a", PolicyMode.ENFORCE);
        assertEquals(List.of("install a sys_openat enforce", "switch a monitor", "switch a enforce"), inst.log,
                "no reinstall: the running installation is switched");
        inst.refuse.add("a");
        assertThrows(PolicyInstallException.class, () -> m.setMode("a", PolicyMode.MONITOR));
        assertEquals(PolicyMode.ENFORCE, m.list().get(0).mode(), "a failed switch leaves the mode as it was");
        assertEquals(1, inst.live.size());
    }

    @Test
    void concurrentCallersNeverOverlapInTheInstaller() throws Exception {
        RecordingInstaller inst = new RecordingInstaller();
        PolicyManager m = new PolicyManager(inst);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            files.add(write("p" + i + ".yaml", policy("p" + i, "sys_openat")));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Path f = files.get(t);
            String name = "p" + t;
            done.add(pool.submit(() -> {
                for (int i = 0; i < 100; i++) {
                    m.applyFile(f, PolicyManager.Origin.DIRECTORY);
                    m.setMode(name, i % 2 == 0 ? PolicyMode.MONITOR : PolicyMode.ENFORCE);
                    m.list();
                    if (i % 10 == 9) {
                        m.delete(name);
                    }
                }
                return null;
            }));
        }
        for (Future<?> d : done) {
            d.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertEquals(0, inst.overlaps.get(), "the installer was called from two threads at once");
        assertEquals(m.list().size(), inst.live.size(), "every listed policy is installed once, nothing else is");
        m.close();
        assertEquals(List.of(), inst.live);
    }

    @Test
    void aVersionTheKernelRefusesKeepsTheRunningOne() throws IOException {
        RecordingInstaller inst = new RecordingInstaller();
        PolicyManager m = new PolicyManager(inst);
        Path f = write("a.yaml", policy("a", "sys_openat") + "---\n" + policy("b", "sys_close"));
        assertEquals(List.of(), m.applyFile(f, PolicyManager.Origin.DIRECTORY));
        inst.refuse.add("b");
        write("a.yaml", policy("a", "sys_read") + "---\n" + policy("b", "sys_nothing"));
        List<String> errors = m.applyFile(f, PolicyManager.Origin.DIRECTORY);
        assertTrue(errors.get(0).contains("policy b cannot run: hook sys_nothing does not exist"), errors.toString());
        // a's new version was installed, then taken back out: the file is all or nothing
        assertEquals(List.of("install a sys_openat enforce", "install b sys_close enforce", "install a sys_read enforce",
                "uninstall a sys_read"), inst.log);
        assertEquals(2, inst.live.size());
    }

    @Test
    void deleteSetModeAndRemovedPoliciesOfAFile() throws Exception {
        RecordingInstaller inst = new RecordingInstaller();
        PolicyManager m = new PolicyManager(inst);
        Path f = write("a.yaml", policy("a", "sys_openat") + "---\n" + policy("b", "sys_close"));
        m.applyFile(f, PolicyManager.Origin.DIRECTORY);
        m.setMode("a", PolicyMode.MONITOR);
        assertEquals(PolicyMode.MONITOR, m.list().get(0).mode());
        assertThrows(PolicyInstallException.class, () -> m.setMode("zz", PolicyMode.MONITOR));
        write("a.yaml", policy("a", "sys_openat"));
        m.applyFile(f, PolicyManager.Origin.DIRECTORY);
        assertEquals(List.of("a"), m.list().stream().map(PolicyManager.Status::name).toList());
        assertEquals(PolicyMode.MONITOR, m.list().get(0).mode(), "a mode set by the operator survives a file change");
        assertEquals(PolicyManager.Origin.DIRECTORY, m.list().get(0).origin(), "set-mode keeps where it came from");
        assertTrue(m.delete("a"));
        assertFalse(m.delete("a"));
        assertEquals(List.of(), inst.live);
        m.applyFile(f, PolicyManager.Origin.DIRECTORY);
        assertEquals(PolicyMode.ENFORCE, m.list().get(0).mode(), "after a delete the file's own mode applies again");
    }
}
