package io.vigil.agent.policy.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.agent.kernel.KernelTestSupport;
import io.vigil.agent.pins.LinkPins;
import io.vigil.agent.policy.compile.CompileContext;
import io.vigil.agent.policy.compile.HostNamespaces;
import io.vigil.agent.policy.compile.SyscallTable;
import io.vigil.agent.policy.events.HookRegistry;
import io.vigil.agent.policy.plan.HookPlanner;
import io.vigil.agent.sensors.BaseSensors;
import io.vigil.agent.sensors.LoadedSensors;
import io.vigil.agent.sensors.SensorLoader;
import io.vigil.bpf.Backend;
import io.vigil.bpf.BpfMap;
import io.vigil.bpf.generic.BinaryTables;
import io.vigil.bpf.generic.DispatchGroup;
import io.vigil.bpf.generic.GenericHookLoader;
import io.vigil.bpf.wire.GenericAbi;
import io.vigil.policy.LoadResult;
import io.vigil.policy.PolicyLoader;
import io.vigil.policy.PolicyMode;
import io.vigil.policy.TracingPolicy;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dispatcher's gate in the kernel: an open the gate lets through starts a chain (the
 * dispatcher writes this CPU's gen_dispatch_state with the thread), an open it refuses returns at
 * once (no CPU's state names the thread). Two gated sys_openat policies, no "always" member.
 */
@Tag("kernel")
class DispatchGateKernelTest {
    private static LoadedSensors sensors;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() throws Exception {
        KernelTestSupport.requireRoot();
        Assumptions.assumeTrue(KernelTestSupport.backend().orElse(Backend.TRACEPOINT) == Backend.TRACEPOINT,
                "dispatchers serve the tracepoint backend only");
        sensors = new SensorLoader(BaseSensors.SHARED_MAPS).load(BaseSensors.ALL, Backend.TRACEPOINT);
    }

    @AfterAll
    static void close() {
        if (sensors != null) {
            sensors.close();
        }
    }

    private static KernelPolicyInstaller installer() {
        return new KernelPolicyInstaller(HookPlanner.forHost(Backend.TRACEPOINT), new GenericHookLoader(sensors.sharedMaps()),
                new BinaryTables(sensors::map), new BinarySeeds(sensors.map("execve_map"), sensors.map("bin_seed"),
                        KernelPolicyInstaller::binaryOf), new HookRegistry(), new CompileContext(5000, 0, HostNamespaces.ofThisProcess(),
                        SyscallTable.forArch(System.getProperty("os.arch"))),
                new FanotifyHooks(r -> false, sensors.map("execve_map"), System::nanoTime), LinkPins.none());
    }

    private static TracingPolicy policy(String name, String operator, String value) {
        LoadResult r = PolicyLoader.loadText("""
                apiVersion: cilium.io/v1alpha1
                kind: TracingPolicy
                metadata:
                  name: "%s"
                spec:
                  kprobes:
                  - call: "sys_openat"
                    syscall: true
                    args:
                    - index: 1
                      type: "string"
                    selectors:
                    - matchArgs:
                      - index: 1
                        operator: "%s"
                        values: ["%s"]
                """.formatted(name, operator, value), Path.of(name + ".yaml"));
        assertTrue(r.ok(), () -> r.errors().toString());
        return r.policies().get(0);
    }

    @Test
    void onlyOpensTheGateLetsThroughStartAChain() throws Exception {
        Path base = tmp.toRealPath();
        Path watched = Files.createDirectories(base.resolve("watched"));
        Path other = Files.createDirectories(base.resolve("other"));
        KernelPolicyInstaller inst = installer();
        PolicyInstaller.Installed a = inst.install(policy("g-prefix", "Prefix", watched + "/"), PolicyMode.ENFORCE);
        PolicyInstaller.Installed b = inst.install(policy("g-equal", "Equal", other + "/exact"), PolicyMode.ENFORCE);
        try {
            BpfMap state = group(a).map("gen_dispatch_state");
            assertEquals(group(a), group(b), "one dispatcher for both");

            assertFalse(chainRan(state, open(base.resolve("outside"))), "an open outside both started a chain");
            assertFalse(chainRan(state, read(Path.of("/etc/hostname"))), "an open whose first 8 bytes no key has started a chain");
            assertFalse(chainRan(state, open(other.resolve("exac"))), "a near miss of the Equal value started a chain");
            assertFalse(chainRan(state, open(Path.of(watched + "x"))), "a near miss of the Prefix value started a chain");
            assertTrue(reached(state, () -> open(watched.resolve("in"))), "an open under the Prefix did not reach its member");
            assertTrue(reached(state, () -> open(other.resolve("exact"))), "an open of the Equal value did not reach its member");
            String longName = "d".repeat(250);   // the path passes 255 bytes: unreadable whole, every member runs
            Path deep = Files.createDirectories(base.resolve(longName)).resolve("f");
            assertTrue(reached(state, () -> open(deep)), "a name longer than a gate key must run every member");
        } finally {
            inst.uninstall(b);
            inst.uninstall(a);
        }
    }

    @Test
    void aValueShorterThanEightBytesIsComparedUpToItsEnd() throws Exception {
        Path base = tmp.toRealPath();
        KernelPolicyInstaller inst = installer();
        // relative names: heads "vq\0" (3 bytes, the NUL included) and "wz" (2 bytes)
        PolicyInstaller.Installed a = inst.install(policy("g-short-equal", "Equal", "vq"), PolicyMode.ENFORCE);
        PolicyInstaller.Installed b = inst.install(policy("g-short-prefix", "Prefix", "wz"), PolicyMode.ENFORCE);
        try {
            BpfMap state = group(a).map("gen_dispatch_state");
            assertTrue(reached(state, () -> openIn(base, "vq")), "the Equal value itself did not reach its member");
            assertFalse(chainRan(state, openIn(base, "vqx")), "a longer name than the Equal value started a chain");
            assertFalse(chainRan(state, openIn(base, "v")), "a shorter name than the Equal value started a chain");
            assertTrue(reached(state, () -> openIn(base, "wzz")), "a name under the short Prefix did not reach its member");
            assertFalse(chainRan(state, openIn(base, "wy")), "a near miss of the short Prefix started a chain");
        } finally {
            inst.uninstall(b);
            inst.uninstall(a);
        }
    }

    private static DispatchGroup group(PolicyInstaller.Installed i) throws Exception {
        Field f = i.getClass().getDeclaredField("loadedHooks");
        f.setAccessible(true);
        return ((DispatchGroup.Member) ((List<?>) f.get(i)).get(0)).group();
    }

    /** python3 opens path (creating it); returns the opening thread's pid_tgid. */
    private static long open(Path path) throws Exception {
        return python(null, path.toString(), "os.O_RDONLY | os.O_CREAT, 0o600");
    }

    /** python3 opens an existing file for reading; returns the opening thread's pid_tgid. */
    private static long read(Path path) throws Exception {
        return python(null, path.toString(), "os.O_RDONLY");
    }

    /** python3 in dir opens the relative name (creating it); returns the opening thread's pid_tgid. */
    private static long openIn(Path dir, String name) throws Exception {
        return python(dir, name, "os.O_RDONLY | os.O_CREAT, 0o600");
    }

    /**
     * The open runs on a thread of its own, and its pid_tgid is returned: python's own opens at
     * start (on the main thread) may start a chain, e.g. a name in a page not yet faulted in, which
     * the dispatcher cannot read, runs every member.
     */
    private static long python(Path cwd, String name, String openArgs) throws Exception {
        String code = """
                import os, threading
                tid = []
                def run():
                    tid.append(threading.get_native_id())
                    os.close(os.open("%s", %s))
                t = threading.Thread(target=run)
                t.start()
                t.join()
                print(tid[0])
                """.formatted(name, openArgs);
        ProcessBuilder pb = new ProcessBuilder("python3", "-c", code);
        if (cwd != null) {
            pb.directory(cwd.toFile());
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        String err = new String(p.getErrorStream().readAllBytes());
        assertEquals(0, p.waitFor(), err);
        return (p.pid() << 32) | Long.parseLong(out);
    }

    /**
     * Whether an open reaches a member, tried up to three times: another thread's chain on the same
     * CPU (e.g. an open whose name the dispatcher cannot read runs every member) may overwrite the
     * state before it is read. A chain that did not start never names the thread, so a refusal is
     * checked once.
     */
    private static boolean reached(BpfMap state, java.util.concurrent.Callable<Long> open) throws Exception {
        for (int i = 0; i < 3; i++) {
            if (chainRan(state, open.call())) {
                return true;
            }
        }
        return false;
    }

    /** Whether any CPU's dispatch state names the thread: the dispatcher let one of its calls through. */
    private static boolean chainRan(BpfMap state, long pidTgid) throws Exception {
        byte[] v = state.lookup(0);
        int stride = (GenericAbi.DispatchState.SIZEOF + 7) & ~7;
        ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN);
        for (int off = 0; off + stride <= v.length; off += stride) {
            if (b.getLong(off + GenericAbi.DispatchState.PID_TGID) == pidTgid) {
                return true;
            }
        }
        return false;
    }
}
