package io.vigil.agent.asset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.bpf.wire.AssetAbi;
import io.vigil.bpf.wire.AssetMsg;
import io.vigil.enforcement.asset.datapath.Taint;
import io.vigil.enforcement.fanotify.Decision;
import io.vigil.enforcement.fanotify.PermissionRequest;
import io.vigil.enforcement.fanotify.Verdict;
import io.vigil.policy.LoadResult;
import io.vigil.policy.PolicyLoader;
import io.vigil.policy.asset.AssetProtectionPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AssetDeciderTest {
    final Map<Integer, Taint> taints = new HashMap<>();
    final List<AssetMsg> records = new ArrayList<>();
    final List<Integer> killed = new ArrayList<>();
    final Map<Integer, String> exes = new HashMap<>(Map.of(10, "/usr/bin/python3.11", 11, "/usr/bin/cat"));

    static AssetProtectionPolicy policy(String name, String action) {
        LoadResult r = PolicyLoader.loadText("""
                apiVersion: vigil.io/v1alpha1
                kind: AssetProtectionPolicy
                metadata:
                  name: %s
                spec:
                  assets:
                    - path: "/models/**"
                  readers:
                    - binary: /usr/bin/python3.11
                  egress:
                    - cidr: 10.0.0.0/8
                  action: %s
                """.formatted(name, action), Path.of("t.yaml"));
        assertTrue(r.errors().isEmpty(), r.errors().toString());
        return r.assetPolicies().get(0);
    }

    AssetDecider decider(AssetProtectionPolicy p) {
        AssetRules rules = new AssetRules(Map.of(3, p));
        ProcFacts proc = new ProcFacts() {
            @Override
            public Optional<String> executable(int pid) {
                return Optional.ofNullable(exes.get(pid));
            }

            @Override
            public String cgroup(int pid) {
                return "/";
            }

            @Override
            public Optional<Long> startBootNanos(int pid) {
                return Optional.of(1000L * pid);
            }
        };
        TaintStore store = new TaintStore() {
            @Override
            public Taint get(int tgid) {
                return taints.get(tgid);
            }

            @Override
            public void put(int tgid, Taint t) {
                taints.put(tgid, t);
            }
        };
        return new AssetDecider(() -> rules, proc, store, records::add, killed::add, pid -> 77L, () -> 5L);
    }

    static PermissionRequest open(int pid, String path) {
        return new PermissionRequest(pid, path, 2051, 131, false);
    }

    @Test
    void aReaderIsTaintedBeforeItsOpenIsAllowedAndOnlyOnce() throws Exception {
        AssetDecider d = decider(policy("p", "Deny"));
        assertEquals(Verdict.ALLOW, d.decide(open(10, "/models/a/w.safetensors")).verdict());
        Taint t = taints.get(10);
        assertEquals(3, t.policy());
        assertEquals(2051, t.assetDev());
        assertEquals(131, t.assetIno());
        assertEquals(10_000L, t.startBoottime());
        assertEquals(1, records.size());
        assertEquals(AssetAbi.Ev.TAINT, records.get(0).kind());
        assertEquals("/models/a/w.safetensors", records.get(0).assetPath());
        assertEquals(77L, records.get(0).process().ktime());
        d.decide(open(10, "/models/a/w2.safetensors"));
        assertEquals(1, records.size(), "a second asset read adds no taint event");
        assertEquals(131, taints.get(10).assetIno(), "the first asset stays");
    }

    @Test
    void anExitedTaintUnderAReusedPidIsReplaced() throws Exception {
        taints.put(10, new Taint(1, 1, 1, 1, 500, 9, AssetAbi.TAINT_EXITED, 2));
        decider(policy("p", "Deny")).decide(open(10, "/models/x"));
        assertEquals(3, taints.get(10).policy());
        assertEquals(0, taints.get(10).bytes());
    }

    @Test
    void anotherBinaryIsRefusedAndNotTainted() throws Exception {
        Decision d = decider(policy("p", "Deny")).decide(open(11, "/models/x"));
        assertEquals(Verdict.DENY, d.verdict());
        assertTrue(taints.isEmpty());
        assertEquals(AssetAbi.Ev.OPEN_DENIED, records.get(0).kind());
        assertEquals(AssetAbi.Action.DENY, records.get(0).action());
        assertTrue(killed.isEmpty());
    }

    @Test
    void killRefusesAndKills() throws Exception {
        Decision d = decider(policy("p", "Kill")).decide(open(11, "/models/x"));
        assertEquals(Verdict.DENY, d.verdict());
        assertEquals(List.of(11), killed);
        assertEquals(List.of(AssetAbi.Ev.OPEN_DENIED, AssetAbi.Ev.KILLED), records.stream().map(AssetMsg::kind).toList());
    }

    @Test
    void monitorLetsItThroughWithAnEvent() throws Exception {
        Decision d = decider(policy("p", "Monitor")).decide(open(11, "/models/x"));
        assertEquals(Verdict.ALLOW, d.verdict());
        assertEquals(AssetAbi.Ev.OPEN_MONITORED, records.get(0).kind());
        assertTrue(taints.isEmpty());
    }

    @Test
    void pathsOutsideTheAssetsAndUnknownOpenersAreHandled() throws Exception {
        AssetDecider d = decider(policy("p", "Deny"));
        assertEquals(Verdict.ALLOW, d.decide(open(11, "/etc/passwd")).verdict());
        assertTrue(records.isEmpty());
        assertEquals(Verdict.DENY, d.decide(open(0, "/models/x")).verdict(), "an opener the agent cannot see");
    }
}
