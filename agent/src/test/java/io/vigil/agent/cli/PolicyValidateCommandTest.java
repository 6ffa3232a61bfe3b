package io.vigil.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
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
