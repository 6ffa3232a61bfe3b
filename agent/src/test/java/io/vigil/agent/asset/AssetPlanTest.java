package io.vigil.agent.asset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.agent.policy.runtime.PolicyInstallException;
import io.vigil.bpf.wire.AssetAbi;
import io.vigil.policy.PolicyLoader;
import io.vigil.policy.asset.AssetProtectionPolicy;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AssetPlanTest {
    static AssetProtectionPolicy policy(String name, String egress) {
        return PolicyLoader.loadText("""
                apiVersion: vigil.io/v1alpha1
                kind: AssetProtectionPolicy
                metadata:
                  name: %s
                spec:
                  assets:
                    - path: "/models/%s/**"
                  egress:
                %s
                  budget:
                    bytesPerProcess: 1Mi
                    bytesPerDestination: 64Ki
                  action: Kill
                """.formatted(name, name, egress.indent(4)), Path.of(name + ".yaml")).assetPolicies().get(0);
    }

    @Test
    void indexesStayWithTheirPolicyAcrossChanges() throws Exception {
        AssetProtectionPolicy a = policy("a", "- cidr: 10.0.0.0/8\n  ports: [443]");
        AssetProtectionPolicy b = policy("b", "- fqdn: \"*.example.com\"");
        Map<Path, List<AssetProtectionPolicy>> files = new LinkedHashMap<>();
        files.put(Path.of("a.yaml"), List.of(a));
        files.put(Path.of("b.yaml"), List.of(b));
        AssetPlan first = AssetPlan.of(files, Map.of());
        assertEquals(Map.of("a", 1, "b", 2), first.indexes());
        files.remove(Path.of("a.yaml"));
        files.put(Path.of("c.yaml"), List.of(policy("c", "- cidr: 192.0.2.1")));
        AssetPlan second = AssetPlan.of(files, first.indexes());
        assertEquals(Map.of("b", 2, "c", 1), second.indexes(), "b keeps its index; c takes the lowest free one");
    }

    @Test
    void kernelConfigurationAndEntries() throws Exception {
        AssetProtectionPolicy a = policy("a", "- cidr: 10.0.0.0/8\n  ports: [443]\n  protocol: TCP\n- fqdn: \"*.example.com\"\n  ports: [443]");
        AssetPlan plan = AssetPlan.of(Map.of(Path.of("a.yaml"), List.of(a)), Map.of());
        var cfg = plan.config(a);
        assertEquals(1 << 20, cfg.budgetProcess());
        assertEquals(64 << 10, cfg.budgetDestination());
        assertEquals(AssetAbi.Action.KILL, cfg.action());
        assertEquals(1, plan.allow().v4().size());
        // prefixlen 32+8, policy 1 big-endian, 10.0.0.0; port 443, count 1, TCP
        assertEquals("28000000" + "00000001" + "0a000000", HexFormat.of().formatHex(plan.allow().v4().get(0).key()));
        assertTrue(plan.allow().v6().isEmpty());
        assertEquals(1, plan.nameRules().size());
        assertTrue(plan.nameRules().get(0).names().matches("api.example.com"));
        assertEquals(1, plan.patterns().size());
    }

    @Test
    void aNameInTwoFilesIsRefused() {
        AssetProtectionPolicy a = policy("a", "- cidr: 10.0.0.0/8");
        Map<Path, List<AssetProtectionPolicy>> files = new LinkedHashMap<>();
        files.put(Path.of("one.yaml"), List.of(a));
        files.put(Path.of("two.yaml"), List.of(a));
        PolicyInstallException e = assertThrows(PolicyInstallException.class, () -> AssetPlan.of(files, Map.of()));
        assertTrue(e.getMessage().contains("a.yaml:"), e.getMessage());
        assertTrue(e.getMessage().contains("names are unique"), e.getMessage());
    }
}
