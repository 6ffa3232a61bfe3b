package io.vigil.agent.policy.features;

import static io.vigil.agent.kernel.PolicyKernelTests.exec;
import static io.vigil.agent.kernel.PolicyKernelTests.python;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * matchCapabilityChanges on Tetragon's fd_install_cap_changes.yaml hook (fd_install; on the
 * tracepoint backend the fds openat returns): a python process that drops a capability from its
 * effective set after its exec, then opens a file under the test's directory, against one that
 * changed nothing or changed another capability.
 */
@Tag("kernel")
@Tag("vm-features")
class CapabilityChangesKernelTest extends FeatureKernelTest {
    private static final int CAP_CHOWN = 0;
    private static final int CAP_SYS_ADMIN = 21;

    /** fd_install of a file under dir, with a matchCapabilityChanges on the Effective set. */
    private void fdInstall(String name, Path dir, String operator, boolean namespaceCapability) throws Exception {
        apply(name, """
                kprobes:
                - call: "fd_install"
                  syscall: false
                  args:
                  - index: 0
                    type: int
                  - index: 1
                    type: "file"
                  selectors:
                  - matchArgs:
                    - index: 1
                      operator: "Prefix"
                      values: ["%s/"]
                    matchCapabilityChanges:
                    - type: Effective
                      operator: %s
                      isNamespaceCapability: %s
                      values: ["CAP_SYS_ADMIN"]
                """.formatted(dir, operator, namespaceCapability));
    }

    /** Python that drops cap from its effective set with capset(2) (none: -1), then opens f `opens` times. */
    private static String dropThenOpen(int cap, Path f, int opens) {
        return """
                import ctypes
                libc = ctypes.CDLL(None, use_errno=True)
                hdr = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
                data = (ctypes.c_uint32 * 6)()              # {effective, permitted, inheritable} x 2 words
                assert libc.capget(hdr, data) == 0
                cap = %d
                if cap >= 0:
                    data[0 if cap < 32 else 3] &= ~(1 << (cap %% 32))
                    assert libc.capset(hdr, data) == 0, ctypes.get_errno()
                for _ in range(%d):
                    open('%s').close()
                """.formatted(cap, opens, f);
    }

    @Test
    void aDropIsReportedOnceAndOnlyWhenItConcernsTheValues() throws Exception {
        Path f = file("w/f");
        fdInstall("capc-in", f.getParent(), "In", false);
        fdInstall("capc-notin", f.getParent(), "NotIn", false);
        long dropAdmin = python(dropThenOpen(CAP_SYS_ADMIN, f, 2));
        long dropChown = python(dropThenOpen(CAP_CHOWN, f, 1));
        long unchanged = python(dropThenOpen(-1, f, 1));

        // the first open after the change posts; the entry then takes the new caps, so the second does not
        assertEquals(1, events.awaitCount("capc-in", dropAdmin, 1).size(), events.seen());
        events.awaitOne("capc-notin", dropChown);   // NotIn: a change, but not of CAP_SYS_ADMIN
        events.assertNone("capc-in", dropChown);
        events.assertNone("capc-notin", dropAdmin);
        events.assertNone("capc-in", unchanged);     // no change matches neither operator
        events.assertNone("capc-notin", unchanged);
    }

    /** isNamespaceCapability (as in Tetragon's example): only a process outside the initial user namespace. */
    @Test
    void namespaceCapabilityOnlyInAUserNamespace() throws Exception {
        // the VM harness's root cannot create user namespaces (EPERM): nothing to test there
        assumeTrue(new ProcessBuilder("unshare", "--user", "--map-root-user", "true").start().waitFor() == 0,
                "this machine refuses to create user namespaces");
        Path f = file("w/f");
        fdInstall("capc-ns", f.getParent(), "In", true);
        List<String> inUserNs = new ArrayList<>(List.of("unshare", "--user", "--map-root-user", "python3", "-c"));
        inUserNs.add(dropThenOpen(CAP_SYS_ADMIN, f, 1));
        long userNs = exec(inUserNs);
        long host = python(dropThenOpen(CAP_SYS_ADMIN, f, 1));
        events.awaitOne("capc-ns", userNs);
        events.assertNone("capc-ns", host);
    }
}
