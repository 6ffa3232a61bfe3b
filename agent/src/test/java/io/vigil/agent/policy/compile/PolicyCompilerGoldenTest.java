package io.vigil.agent.policy.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.bpf.Backend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Policies in src/test/resources/compile -> the dump of what they compile to (every gen_config
 * field by name, every map entry decoded, the matchBinaries map entries), compared with the
 * committed golden file. The kernel is the fake x86_64 one of FakeHosts. Regenerate after a
 * deliberate change and review the diff:
 * {@code mvn -o -pl agent -am test -Dtest=PolicyCompilerGoldenTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dvigil.golden.update=true} (or VIGIL_GOLDEN_UPDATE=1).
 */
class PolicyCompilerGoldenTest {
    private static final Path GOLDEN = Path.of("src/test/resources/compile/golden");

    @ParameterizedTest
    @CsvSource({
        "openat.yaml, TRACEPOINT", "openat.yaml, KPROBE",
        "readwrite.yaml, TRACEPOINT", "readwrite.yaml, KPROBE",
        "connect.yaml, TRACEPOINT", "connect-deny.yaml, TRACEPOINT", "connect-deny.yaml, KPROBE",
        "tracepoints.yaml, TRACEPOINT", "tracepoints.yaml, FENTRY",
        "functions.yaml, KPROBE",
        "mapped.yaml, TRACEPOINT", "mapped.yaml, KPROBE",
        "lsm.yaml, TRACEPOINT", "lsm.yaml, FENTRY",
        "lists.yaml, TRACEPOINT", "lists.yaml, KPROBE"})
    void matchesGolden(String policy, Backend backend) throws Exception {
        String actual = render(Fixtures.compile(Fixtures.policy(policy), backend));
        Path golden = GOLDEN.resolve(policy.replace(".yaml", "") + "." + backend.displayName() + ".txt");
        if (Boolean.getBoolean("vigil.golden.update") || "1".equals(System.getenv("VIGIL_GOLDEN_UPDATE"))) {
            Files.createDirectories(GOLDEN);
            Files.writeString(golden, actual);
        }
        assertEquals(read(golden), actual, "compiled " + policy + " for " + backend + " differs from " + golden);
    }

    private static String read(Path p) throws IOException {
        return Files.exists(p) ? Files.readString(p) : "(no golden file " + p + ": run with -Dvigil.golden.update=true)";
    }

    static String render(CompiledPolicy c) {
        StringBuilder s = new StringBuilder();
        s.append("policy ").append(c.policyName()).append(" binary_bits=0x").append(Long.toHexString(c.binaryBits()))
                .append(" next_hook_id=").append(c.nextHookId()).append('\n');
        s.append("binaries exact=").append(new TreeMap<>(c.binaries().exact())).append(" prefixes=")
                .append(new TreeMap<>(c.binaries().prefixes())).append(" postfixes=")
                .append(new TreeMap<>(c.binaries().postfixes())).append(" follow=0x")
                .append(Long.toHexString(c.binaries().followMask())).append('\n');
        s.append(HookImageDump.dumpBinaries(c.binaries().mapEntries()));
        for (CompiledHook h : c.hooks()) {
            s.append("\n").append(h.descriptor()).append('\n').append(HookImageDump.dump(h.image()));
        }
        return s.toString();
    }
}
