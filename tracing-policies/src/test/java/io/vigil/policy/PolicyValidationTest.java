// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code vigil policy validate FILE...} prints and returns. */
class PolicyValidationTest {

    private static final String GOOD = """
            apiVersion: cilium.io/v1alpha1
            kind: TracingPolicy
            metadata:
              name: "%s"
            spec:
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
                    operator: "Equal"
                    values: ["/etc/passwd"]
            """;

    @Test
    void goodFilesExitZero(@TempDir Path dir) throws IOException {
        Path a = Files.writeString(dir.resolve("a.yaml"), GOOD.formatted("a"));
        Path b = Files.writeString(dir.resolve("b.yaml"), GOOD.formatted("b") + "---\n" + GOOD.formatted("c"));

        ValidationReport report = PolicyValidation.validate(List.of(a, b));

        assertEquals(0, report.exitCode());
        assertEquals(List.of("2 files: ok, 3 policies"), report.lines());
    }

    @Test
    void errorsAndWarningsArePrintedPerFileThenSummarised(@TempDir Path dir) throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), GOOD.formatted("bad").replace("\"Equal\"", "\"Equals\""));
        Path warn = Files.writeString(dir.resolve("warn.yaml"), GOOD.formatted("warn").replace("kprobes:", "loader: true\n  kprobes:"));

        ValidationReport report = PolicyValidation.validate(List.of(bad, warn));

        assertEquals(1, report.exitCode());
        assertEquals(3, report.lines().size(), report.text());
        assertEquals(bad + ":17:19: operator 'Equals' not known; allowed: Equal, NotEqual, Prefix, NotPrefix, Postfix,"
                + " NotPostfix, GreaterThan, LessThan, GT, LT, Mask, SPort, NotSPort, SPortPriv, NotSportPriv, DPort,"
                + " NotDPort, DPortPriv, NotDPortPriv, SAddr, NotSAddr, DAddr, NotDAddr, Protocol, Family, State, InMap,"
                + " NotInMap, CapabilitiesGained, InRange, NotInRange, SubString, SubStringIgnCase, FileType, NotFileType",
                report.lines().get(0));
        assertEquals(warn + ":6:3: warning: loader: true (loader events) is parsed but Vigil will not produce loader events",
                report.lines().get(1));
        assertEquals("2 files: 1 failed with 1 error, 1 loaded (1 policy); 1 warning", report.lines().get(2));
    }

    @Test
    void directoriesAreExpanded(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("a.yaml"), GOOD.formatted("a"));
        Files.writeString(dir.resolve("b.yml"), GOOD.formatted("a"));

        ValidationReport report = PolicyValidation.validate(List.of(dir));

        assertEquals(1, report.exitCode());
        assertEquals(dir.resolve("b.yml") + ":4:9: policy name 'a' is already used by " + dir.resolve("a.yaml")
                + ":4:9; names must be unique in one load", report.lines().get(0));
        assertEquals("2 files: 1 failed with 1 error, 1 loaded (1 policy)", report.lines().get(1));
    }
}
