package io.vigil.agent.policy.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.agent.policy.HookDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HookRegistryTest {

    @Test
    void registerLookUpUnregister() {
        HookRegistry r = new HookRegistry();
        HookDescriptor d = Hooks.openat(7);
        r.register(d);
        r.register(d); // the same descriptor again: no-op
        assertSame(d, r.get(7));
        assertNull(r.get(8));
        assertEquals(1, r.size());
        assertTrue(r.unregister(7));
        assertFalse(r.unregister(7));
        assertNull(r.get(7));
    }

    @Test
    void anIdTakenByAnotherHookIsRefusedAndRegisterAllIsAllOrNothing() {
        HookRegistry r = new HookRegistry();
        r.register(Hooks.openat(2));
        HookDescriptor other = new HookDescriptor(2, "other", Optional.empty(), HookDescriptor.Kind.LSM, "file_open",
                "", "", List.of(), Optional.empty(), Optional.empty(), List.of());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> r.register(other));
        assertTrue(e.getMessage().contains("file-monitoring"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> r.registerAll(List.of(Hooks.openat(1), other)));
        assertNull(r.get(1), "the first hook of a refused batch is taken out again");
        assertEquals("file-monitoring", r.get(2).policyName(), "the hook that held the id stays");
        r.unregisterAll(List.of(other)); // not the registered one: stays
        assertEquals(1, r.size());
    }

    @Test
    void readersSeeConsistentHooksWhileWritersChurn() throws Exception {
        HookRegistry r = new HookRegistry();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong seen = new AtomicLong();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            int base = w * 1000;
            writers.add(new Thread(() -> {
                for (int n = 0; n < 20_000; n++) {
                    int id = base + n % 100;
                    r.register(Hooks.openat(id));
                    r.unregister(id);
                }
            }));
        }
        Thread reader = new Thread(() -> {
            while (!stop.get()) {
                for (int id = 0; id < 4000; id++) {
                    HookDescriptor d = r.get(id);
                    if (d != null) {
                        if (d.hookId() != id) {
                            throw new AssertionError("id " + id + " gave hook " + d.hookId());
                        }
                        seen.incrementAndGet();
                    }
                }
            }
        });
        reader.start();
        writers.forEach(Thread::start);
        for (Thread t : writers) {
            t.join();
        }
        stop.set(true);
        reader.join();
        assertEquals(0, r.size());
    }
}
