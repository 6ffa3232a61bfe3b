package io.vigil.agent.policy.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyDirectoryTest {
    @TempDir
    Path dir;

    final RecordingInstaller inst = new RecordingInstaller();
    final PolicyManager manager = new PolicyManager(inst);
    final AtomicLong clock = new AtomicLong();

    List<String> names() {
        return manager.list().stream().filter(s -> !s.name().isEmpty()).map(PolicyManager.Status::name).sorted().toList();
    }

    /** Steps until the watcher applied something (events take a moment to arrive), with the clock past settling. */
    void settle(PolicyDirectory d) throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            d.step(100);
            clock.addAndGet(1_000_000_000L);
            if (d.step(0) > 0) {
                return;
            }
        }
        throw new AssertionError("no change was applied within 5 s of events");
    }

    @Test
    void addChangeBreakRenameDelete() throws Exception {
        Files.writeString(dir.resolve("a.yaml"), PolicyManagerTest.policy("a", "sys_openat"));
        Files.writeString(dir.resolve("notes.txt"), "not a policy");
        try (PolicyDirectory d = new PolicyDirectory(dir, manager, clock::get, 500_000_000L)) {
            assertEquals(0, d.loadAll().size());
            assertEquals(List.of("a"), names());

            Files.writeString(dir.resolve("b.yml"), PolicyManagerTest.policy("b", "sys_close"));
            settle(d);
            assertEquals(List.of("a", "b"), names());

            Files.writeString(dir.resolve("b.yml"), "kind: TracingPolicy\nspec: [");
            settle(d);
            assertEquals(List.of("a", "b"), names(), "the broken file leaves b running");
            PolicyManager.Status b = manager.list().stream().filter(s -> s.name().equals("b")).findFirst().orElseThrow();
            assertEquals(PolicyManager.State.KEPT_PREVIOUS, b.state());
            assertTrue(b.error().get().startsWith(dir.resolve("b.yml") + ":2:8: YAML syntax error"), b.toString());
            assertEquals(List.of("install a sys_openat enforce", "install b sys_close enforce"), inst.log,
                    "nothing was installed or removed for the broken version");

            // an editor's save: write a temporary file, rename it over the old one
            Path tmp = dir.resolve(".b.yml.swp");
            Files.writeString(tmp, PolicyManagerTest.policy("b", "sys_read"));
            Files.move(tmp, dir.resolve("b.yml"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            settle(d);
            assertTrue(inst.log.contains("install b sys_read enforce"), inst.log.toString());
            assertTrue(manager.list().stream().allMatch(s -> s.error().isEmpty()));

            Files.delete(dir.resolve("a.yaml"));
            settle(d);
            assertEquals(List.of("b"), names());

            // moved aside (disabled): its policy stops, and the new name is no policy file
            Files.move(dir.resolve("b.yml"), dir.resolve("b.yml.off"));
            settle(d);
            assertEquals(List.of(), names());
            assertEquals(List.of(), inst.live);
        }
    }

    @Test
    void aBrokenNewFileIsListedWithItsPositionAndRunsNothing() throws Exception {
        try (PolicyDirectory d = new PolicyDirectory(dir, manager, clock::get, 500_000_000L)) {
            d.loadAll();
            Path bad = Files.writeString(dir.resolve("bad.yaml"),
                    PolicyManagerTest.policy("bad", "sys_openat").replace("syscall: true", "sycall: true"));
            settle(d);
            PolicyManager.Status s = manager.list().get(0);
            assertEquals(PolicyManager.State.FAILED, s.state());
            assertTrue(s.error().get().startsWith(bad + ":8:5: "), s.toString());
            assertEquals(List.of(), inst.log);

            Files.writeString(bad, PolicyManagerTest.policy("bad", "sys_openat"));
            settle(d);
            assertEquals(List.of("bad"), names(), "the fixed file runs");
            assertTrue(manager.list().stream().allMatch(x -> x.error().isEmpty()), manager.list().toString());
        }
    }

    @Test
    void loadAllAtStartReportsEveryBrokenFile() throws Exception {
        Files.writeString(dir.resolve("a.yaml"), PolicyManagerTest.policy("a", "sys_openat"));
        Files.writeString(dir.resolve("b.yaml"), "kind: TracingPolicy\nspec: [");
        Files.writeString(dir.resolve("c.yml"), PolicyManagerTest.policy("c", "sys_close"));
        try (PolicyDirectory d = new PolicyDirectory(dir, manager, clock::get, 500_000_000L)) {
            var errors = d.loadAll();
            assertEquals(List.of(dir.resolve("b.yaml")), List.copyOf(errors.keySet()));
            assertTrue(errors.get(dir.resolve("b.yaml")).get(0).startsWith(dir.resolve("b.yaml") + ":2:"), errors.toString());
            assertEquals(List.of("a", "c"), names());
        }
    }

    @Test
    void changesSettleBeforeTheyApply() throws Exception {
        try (PolicyDirectory d = new PolicyDirectory(dir, manager, clock::get, 500_000_000L)) {
            Files.writeString(dir.resolve("a.yaml"), PolicyManagerTest.policy("a", "sys_openat"));
            for (int i = 0; i < 20 && d.step(100) == 0; i++) {
                // the clock stands still: nothing may apply
            }
            assertEquals(List.of(), names());
            clock.addAndGet(600_000_000L);
            assertEquals(1, d.step(0));
            assertEquals(List.of("a"), names());
        }
    }
}
