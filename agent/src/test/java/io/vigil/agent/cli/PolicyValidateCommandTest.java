package io.vigil.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class PolicyValidateCommandTest {
    @TempDir
    Path dir;

    record Run(int exit, String out) {}

    static Run run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int exit = new CommandLine(new VigilCli()).execute(args);
            return new Run(exit, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
        }
    }

    static final Path RESOURCES = Path.of("../tracing-policies/src/test/resources").toAbsolutePath().normalize();

    /**
     * Each broken example of the policy module prints exactly its golden messages (the .errors file
     * beside it, there without the file name), each prefixed with the file, then a summary; exit 1.
     */
    @TestFactory
    Stream<DynamicTest> everyBrokenExampleFailsWithItsMessages() throws Exception {
        List<Path> broken;
        try (Stream<Path> s = Files.list(RESOURCES.resolve("broken"))) {
            broken = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertTrue(broken.size() >= 10, "the broken examples are where they were: " + broken);
        return broken.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            Run r = run("policy", "validate", f.toString());
            assertEquals(1, r.exit(), r.out());
            List<String> expected = Files.readAllLines(Path.of(f.toString().replaceAll("\\.yaml$", ".errors")))
                    .stream().map(l -> f + ":" + l).toList();
            List<String> lines = r.out().lines().toList();
            assertEquals(expected, lines.subList(0, lines.size() - 1));
            assertTrue(lines.get(lines.size() - 1).startsWith("1 file: 1 failed with "), r.out());
        }));
    }

    @Test
    void goodAndBrokenTogetherFailAndNameOnlyTheBrokenFile() {
        Path good = RESOURCES.resolve("good/every-feature.yaml");
        Path bad = RESOURCES.resolve("broken/yaml-syntax.yaml");
        Run alone = run("policy", "validate", good.toString());
        assertEquals(0, alone.exit(), "a warning does not fail validation: " + alone.out());
        assertEquals(good + ":15:3: warning: containerSelector is kept but not applied: Vigil runs on the host, "
                + "outside Kubernetes\n1 file: ok, 1 policy; 1 warning\n", alone.out());

        Run both = run("policy", "validate", good.toString(), bad.toString());
        assertEquals(1, both.exit(), both.out());
        assertTrue(both.out().startsWith(bad + ":13:4: YAML syntax error"), both.out());
        assertTrue(both.out().lines().filter(l -> l.startsWith(good.toString())).allMatch(l -> l.contains(": warning: ")),
                both.out());
        assertTrue(both.out().contains("2 files: 1 failed with 1 error, 1 loaded"), both.out());
    }

    @Test
    void aMissingFileIsAnError() {
        Run r = run("policy", "validate", dir.resolve("nope.yaml").toString());
        assertEquals(1, r.exit(), r.out());
        assertTrue(r.out().startsWith(dir.resolve("nope.yaml").toString()), r.out());
    }

    @Test
    void theShippedLibraryValidates() {
        Run r = run("policy", "validate", "../tracing-policies/library");
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains("ok, "), r.out());
    }

    @Test
    void aBrokenFileFailsWithFileLineColumn() throws Exception {
        Path f = Files.writeString(dir.resolve("bad.yaml"), """
                apiVersion: cilium.io/v1alpha1
                kind: TracingPolicy
                metadata:
                  name: "bad"
                spec:
                  kprobes:
                  - call: "sys_openat"
                    selectors:
                    - matchArgs:
                      - index: 0
                        operator: "Equals"
                        values: ["x"]
                """);
        Run r = run("policy", "validate", f.toString());
        assertEquals(1, r.exit(), r.out());
        assertTrue(r.out().startsWith(f + ":11:"), r.out());
        assertTrue(r.out().contains("Equal"), "the message names what is allowed: " + r.out());
    }
}
