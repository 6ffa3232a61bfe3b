package io.vigil.agent.policy.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.policy.PolicyMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        assertTrue(s.error().isPresent(), "the listing shows the rejected version's error");
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
        assertTrue(m.delete("a"));
        assertFalse(m.delete("a"));
        assertEquals(List.of(), inst.live);
    }
}
