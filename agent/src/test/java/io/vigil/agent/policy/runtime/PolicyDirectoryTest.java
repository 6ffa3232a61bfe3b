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
            assertTrue(manager.list().stream().anyMatch(s -> s.error().isPresent()
                    && s.error().get().startsWith(dir.resolve("b.yml").toString() + ":")), manager.list().toString());

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
