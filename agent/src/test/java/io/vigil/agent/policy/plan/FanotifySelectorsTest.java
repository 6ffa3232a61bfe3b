package io.vigil.agent.policy.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.agent.policy.plan.FanotifySelectors.Match;
import io.vigil.policy.LoadResult;
import io.vigil.policy.PolicyLoader;
import io.vigil.policy.Selector;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The agent's evaluation of a file hook's selectors: Tetragon's first-match, AND-within semantics. */
class FanotifySelectorsTest {
    private static final List<Selector> SELECTORS = selectors("""
            - matchArgs:
              - index: 0
                operator: "Prefix"
                values: ["/models/"]
              - index: 0
                operator: "NotPostfix"
                values: [".json"]
              matchBinaries:
              - operator: "NotIn"
                values: ["/usr/bin/llama-server"]
              matchActions:
              - action: Override
                argError: -1
            - matchArgs:
              - index: 0
                operator: "Prefix"
                values: ["/models/"]
              matchPIDs:
              - operator: NotIn
                values: [1]
              matchActions:
              - action: NoPost
            """);

    private static List<Selector> selectors(String yaml) {
        LoadResult r = PolicyLoader.loadText("""
                apiVersion: cilium.io/v1alpha1
                kind: TracingPolicy
                metadata:
                  name: "p"
                spec:
                  kprobes:
                  - call: "security_file_open"
                    syscall: false
                    args:
                    - index: 0
                      type: "file"
                    selectors:
                """ + yaml.indent(4), Path.of("p.yaml"));
        assertTrue(r.ok(), r.errors()::toString);
        return r.policies().get(0).spec().kprobes().get(0).selectors();
    }

    @Test
    void firstMatchingSelectorWins() {
        assertEquals(Optional.of(new Match(0, true, true)),
                FanotifySelectors.first(SELECTORS, "/models/llama.gguf", "/usr/bin/python3", 4242));
        assertEquals(Optional.of(new Match(1, false, false)),
                FanotifySelectors.first(SELECTORS, "/models/llama.gguf", "/usr/bin/llama-server", 4242),
                "the allowed binary falls through to the NoPost selector");
        assertEquals(Optional.of(new Match(1, false, false)),
                FanotifySelectors.first(SELECTORS, "/models/config.json", "/usr/bin/python3", 4242), "NotPostfix");
    }

    @Test
    void nearMisses() {
        assertEquals(Optional.empty(), FanotifySelectors.first(SELECTORS, "/modelsx/a.gguf", "/usr/bin/python3", 4242));
        assertEquals(Optional.empty(), FanotifySelectors.first(SELECTORS, "/models/config.json", "/usr/bin/python3", 1),
                "matchPIDs NotIn");
        assertEquals(Optional.empty(), FanotifySelectors.first(SELECTORS, "/models/a.gguf", "", 1),
                "an unknown binary matches no binary filter, In or NotIn");
    }
}
