package io.vigil.agent.policy.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.agent.policy.HookDescriptor;
import io.vigil.bpf.Backend;
import io.vigil.bpf.generic.HookImage.AttachKind;
import io.vigil.bpf.generic.HookImage.Attachment;
import io.vigil.policy.LoadResult;
import io.vigil.policy.PolicyLoader;
import io.vigil.policy.TracingPolicy;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** `usdts:` placement: generic_usdt on path:provider:name, on every backend; what is refused and why. */
class UsdtPlannerTest {
    private static final HookPlanner TP = new HookPlanner(Backend.TRACEPOINT, FakeHosts.x86());

    private static TracingPolicy policy(String usdts) {
        LoadResult r = PolicyLoader.loadText("""
                apiVersion: cilium.io/v1alpha1
                kind: TracingPolicy
                metadata:
                  name: "u"
                spec:
                  usdts:
                """ + usdts, Path.of("u.yaml"));
        assertTrue(r.ok(), r.errors()::toString);
        return r.policies().get(0);
    }

    @Test
    void usdtIsTheUsdtProgramOnProviderAndName() throws Exception {
        HookPlan p = TP.plan(policy("""
                  - path: "/bin/sh"
                    provider: "test"
                    name: "usdt3"
                    args:
                    - index: 0
                      type: "int32"
                    - index: 1
                      type: "int64"
                """)).hooks().get(0);
        assertEquals("bpf_generic_usdt", p.object());
        assertEquals(java.util.List.of(new Attachment("generic_usdt", AttachKind.USDT, "/bin/sh:test:usdt3")),
                p.attachments());
        assertEquals(HookDescriptor.Kind.USDT, p.kind());
        assertEquals("usdt3", p.functionName());
        assertEquals("/bin/sh", p.subsystem());
        assertEquals("test", p.event());
        assertEquals(1, p.args().get(1).src());
        assertTrue(p.userPointers());
    }

    @Test
    void aMissingBinaryIsNotServedOnThisMachine() {
        PolicyRejectedException e = assertThrows(PolicyRejectedException.class, () -> TP.plan(policy("""
                  - path: "/nonexistent/vigil-usdt"
                    provider: "test"
                    name: "usdt3"
                """)));
        PolicyProblem p = e.problems().get(0);
        assertEquals("spec.usdts[0].path", p.where());
        assertEquals("no file /nonexistent/vigil-usdt on this machine", p.message());
        assertTrue(p.kernelLimit());
    }

    @Test
    void setIsRefusedWithItsReason() {
        PolicyRejectedException e = assertThrows(PolicyRejectedException.class, () -> TP.plan(policy("""
                  - path: "/bin/sh"
                    provider: "test"
                    name: "usdt3"
                    args:
                    - index: 0
                      type: "int32"
                    selectors:
                    - matchActions:
                      - action: Set
                        argIndex: 0
                        argValue: 1
                """)));
        assertTrue(e.problems().get(0).message().startsWith("the Set action (write a USDT argument) is not supported"),
                e.problems().toString());
    }
}
