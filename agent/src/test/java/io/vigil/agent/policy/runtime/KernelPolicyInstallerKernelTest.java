package io.vigil.agent.policy.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.agent.kernel.KernelTestSupport;
import io.vigil.agent.policy.compile.CompileContext;
import io.vigil.agent.policy.compile.HostNamespaces;
import io.vigil.agent.policy.compile.SyscallTable;
import io.vigil.agent.policy.events.HookRegistry;
import io.vigil.agent.policy.plan.HookPlanner;
import io.vigil.agent.policy.plan.HostFacts;
import io.vigil.agent.policy.plan.TracefsHostFacts;
import io.vigil.agent.sensors.BaseSensors;
import io.vigil.agent.sensors.LoadedSensors;
import io.vigil.agent.sensors.SensorLoader;
import io.vigil.bpf.Backend;
import io.vigil.bpf.generic.BinaryTables;
import io.vigil.bpf.generic.GenericHookLoader;
import io.vigil.policy.LoadResult;
import io.vigil.policy.PolicyLoader;
import io.vigil.policy.PolicyMode;
import io.vigil.policy.TracingPolicy;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The installer against the real kernel: all or nothing when a hook fails to load (no link left,
 * no descriptor registered, matchBinaries tables as before), a clean uninstall, ids that only grow.
 * The failing hook is a syscall tracepoint the planner is told exists and the kernel does not have.
 */
@Tag("kernel")
class KernelPolicyInstallerKernelTest {
    private static final String MISSING = "vigil_nosuch";
    private static LoadedSensors sensors;
    private static HookPlanner planner;

    @BeforeAll
    static void load() throws Exception {
        KernelTestSupport.requireRoot();
        Backend backend = KernelTestSupport.backend().orElse(Backend.TRACEPOINT);
        sensors = new SensorLoader(BaseSensors.SHARED_MAPS).load(BaseSensors.ALL, backend);
        HostFacts real = TracefsHostFacts.forHost();
        HostFacts lying = new HostFacts() {   // the kernel has no such syscall: loading its hook fails
            @Override
            public String arch() {
                return real.arch();
            }

            @Override
            public Optional<String> tracepointFormat(String ev) {
                return real.tracepointFormat(ev.replace(MISSING, "openat"));
            }

            @Override
            public boolean functionExists(String name) {
                return name.contains(MISSING) || real.functionExists(name);
            }
        };
        planner = new HookPlanner(backend, lying);
    }

    @AfterAll
    static void close() {
        if (sensors != null) {
            sensors.close();
        }
    }

    private final HookRegistry registry = new HookRegistry();

    private KernelPolicyInstaller installer() {
        return new KernelPolicyInstaller(planner, new GenericHookLoader(sensors.sharedMaps()),
                new BinaryTables(sensors::map), new BinarySeeds(sensors.map("execve_map"), sensors.map("bin_seed"),
                        KernelPolicyInstaller::binaryOf), registry, new CompileContext(1000, 0, HostNamespaces.ofThisProcess(),
                        SyscallTable.forArch(System.getProperty("os.arch"))),
                new FanotifyHooks(r -> false, sensors.map("execve_map"), System::nanoTime), io.vigil.agent.pins.LinkPins.none());
    }

    static TracingPolicy policy(String name, String secondCall) {
        String yaml = """
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
                    - matchBinaries:
                      - operator: "In"
                        values: ["/usr/bin/vigil-installer-test"]
                  - call: "%s"
                    syscall: true
                    args:
                    - index: 1
                      type: "string"
                """.formatted(name, secondCall);
        LoadResult r = PolicyLoader.loadText(yaml, Path.of(name + ".yaml"));
        assertTrue(r.ok(), () -> r.errors().toString());
        return r.policies().get(0);
    }

    @Test
    void aHookThatFailsToLoadTakesTheWholePolicyOut() throws Exception {
        int links = bpfLinks();
        KernelPolicyInstaller inst = installer();
        PolicyInstallException e = assertThrows(PolicyInstallException.class,
                () -> inst.install(policy("broken", "sys_" + MISSING), PolicyMode.ENFORCE));
        assertTrue(e.getMessage().contains(MISSING), e.getMessage());
        assertEquals(links, bpfLinks(), "the first hook was attached and must be detached again");
        assertEquals(0, registry.size(), "no descriptor stays registered");
        assertEquals(0L, binAlloc(), "the matchBinaries tables are back to empty");
    }

    @Test
    void uninstallDetachesUnregistersAndFreesTheBinaryBits() throws Exception {
        int links = bpfLinks();
        KernelPolicyInstaller inst = installer();
        PolicyInstaller.Installed a = inst.install(policy("a", "sys_openat"), PolicyMode.ENFORCE);
        assertEquals(2, a.hooks());
        assertTrue(bpfLinks() >= links + 1, "both sys_openat hooks run behind one attached dispatcher");
        assertEquals(2, registry.size());
        assertTrue(binAlloc() != 0, "the matchBinaries filter took a bit");
        int firstId = registry.get(1000) != null ? 1000 : -1;
        assertEquals(1000, firstId, "ids start at the context's first id");
        inst.uninstall(a);
        assertEquals(links, bpfLinks());
        assertEquals(0, registry.size());
        assertEquals(0L, binAlloc());

        PolicyInstaller.Installed b = inst.install(policy("b", "sys_openat"), PolicyMode.MONITOR);
        assertEquals(null, registry.get(1000), "a new policy never reuses the ids of an uninstalled one");
        assertTrue(registry.get(1002) != null && registry.get(1003) != null);
        inst.uninstall(b);
        inst.uninstall(b);   // twice: a no-op
        assertEquals(links, bpfLinks());
    }

    private static long binAlloc() throws Exception {
        return sensors.map("bin_alloc").lookupLong(0).orElseThrow();
    }

    /** BPF links this process holds open. */
    private static int bpfLinks() throws IOException {
        int n = 0;
        File[] fds = new File("/proc/self/fd").listFiles();
        for (File f : fds == null ? new File[0] : fds) {
            try {
                if (Files.readSymbolicLink(f.toPath()).toString().equals("anon_inode:bpf_link")) {
                    n++;
                }
            } catch (IOException e) {
                // closed meanwhile
            }
        }
        return n;
    }
}
