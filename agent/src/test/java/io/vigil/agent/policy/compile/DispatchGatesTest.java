package io.vigil.agent.policy.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.agent.policy.compile.DispatchGates.Dispatch;
import io.vigil.bpf.Backend;
import io.vigil.bpf.generic.GateEncoder.Gate;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which compiled hooks join their tracepoint's dispatcher, and with what gate. */
class DispatchGatesTest {
    private static Optional<Dispatch> dispatch(String call, String args, String selectors, Backend backend) throws Exception {
        String yaml = """
                apiVersion: cilium.io/v1alpha1
                kind: TracingPolicy
                metadata:
                  name: "g"
                spec:
                  kprobes:
                  - call: "%s"
                    syscall: true
                %s
                %s""".formatted(call, args, selectors);
        return Fixtures.compile(Fixtures.parse(yaml, Path.of("g.yaml")), backend).hooks().get(0).dispatch();
    }

    private static final String NAME_ARG = "    args:\n    - index: 1\n      type: \"string\"\n    - index: 2\n      type: \"int\"";

    private static String sel(String... matchArgs) {
        StringBuilder b = new StringBuilder("    selectors:\n");
        for (String m : matchArgs) {
            b.append("    - matchArgs:\n").append(m);
        }
        return b.toString();
    }

    private static String arg(int index, String op, String... values) {
        return "      - index: %d\n        operator: \"%s\"\n        values: [%s]\n".formatted(index, op,
                String.join(", ", List.of(values).stream().map(v -> "\"" + v + "\"").toList()));
    }

    @Test
    void prefixAndEqualOnTheNameAreAGateAtItsRecordOffset() throws Exception {
        Dispatch d = dispatch("sys_openat", NAME_ARG, sel(arg(1, "Prefix", "/etc/", "/srv/"), arg(1, "Equal", "/x")), Backend.TRACEPOINT)
                .orElseThrow();
        assertEquals("syscalls/sys_enter_openat", d.tracepoint());
        assertEquals(Optional.of(new Gate(List.of("/x"), List.of("/etc/", "/srv/"))), d.gate());
        assertEquals(24, d.ctxOff(), "openat's filename: 16 + 8 * 1");
    }

    @Test
    void aSelectorWithoutSuchAFilterMakesTheHookRunAlways() throws Exception {
        assertEquals(Optional.empty(), dispatch("sys_openat", NAME_ARG, sel(arg(1, "Prefix", "/etc/"), arg(1, "Postfix", ".so")),
                Backend.TRACEPOINT).orElseThrow().gate());
        assertEquals(Optional.empty(), dispatch("sys_openat", NAME_ARG, sel(arg(2, "Equal", "0")), Backend.TRACEPOINT)
                .orElseThrow().gate(), "a filter on an int argument");
        assertEquals(Optional.empty(), dispatch("sys_openat", NAME_ARG, "", Backend.TRACEPOINT).orElseThrow().gate(),
                "no selectors: every call");
        assertEquals(Optional.empty(), dispatch("sys_openat", NAME_ARG, sel(arg(1, "NotPrefix", "/etc/")), Backend.TRACEPOINT)
                .orElseThrow().gate());
    }

    @Test
    void returnHooksAndOtherBackendsStayStandalone() throws Exception {
        assertTrue(dispatch("sys_openat", "    return: true\n    returnArg:\n      index: 0\n      type: \"int\"\n" + NAME_ARG,
                sel(arg(1, "Prefix", "/etc/")), Backend.TRACEPOINT).isEmpty(), "a return hook keeps its sys_exit pairing");
        assertTrue(dispatch("sys_openat", NAME_ARG, sel(arg(1, "Prefix", "/etc/")), Backend.KPROBE).isEmpty());
    }

    @Test
    void optionDisableDispatchKeepsHooksStandalone() throws Exception {
        String yaml = """
                apiVersion: cilium.io/v1alpha1
                kind: TracingPolicy
                metadata:
                  name: "g"
                spec:
                  options:
                  - name: "disable-dispatch"
                    value: "true"
                  kprobes:
                  - call: "sys_openat"
                    syscall: true
                """;
        assertTrue(Fixtures.compile(Fixtures.parse(yaml, Path.of("g.yaml")), Backend.TRACEPOINT).hooks().get(0).dispatch().isEmpty());
    }
}
