// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loader's contract and the model it builds, on inline policies. */
class PolicyLoaderTest {

    private static final Path FILE = Path.of("policy.yaml");

    private static LoadResult load(String yaml) {
        return PolicyLoader.loadText(yaml, FILE);
    }

    private static TracingPolicy loadOne(String yaml) {
        LoadResult r = load(yaml);
        assertTrue(r.ok(), () -> "errors: " + r.errors());
        assertEquals(1, r.policies().size());
        return r.policies().get(0);
    }

    private static final String WRITE_TO_STDOUT = """
            apiVersion: cilium.io/v1alpha1
            kind: TracingPolicy
            metadata:
              name: "sys-write"
              labels: {team: sec}
            spec:
              options:
              - name: "policy-mode"
                value: "monitor"
              kprobes:
              - call: "sys_write"
                args:
                - index: 0
                  type: "int"
                  label: "fd"
                - index: 1
                  type: "char_buf"
                  sizeArgIndex: 3      # 1-based: the size_t at index 2
                  returnCopy: true
                - index: 2
                  type: "size_t"
                message: "write to stdout"
                tags: ["observability.io"]
                selectors:
                - matchPIDs:
                  - operator: NotIn
                    followForks: true
                    isNamespacePID: true
                    values: [0, 1]
                  matchArgs:
                  - index: 0
                    operator: "Equal"
                    values: ["1"]
                  matchBinaries:
                  - operator: "In"
                    values: ["/usr/sbin/sshd"]
                    followChildren: true
                  matchCapabilities:
                  - operator: In
                    values: ["cap_sys_admin", "DAC_OVERRIDE"]
                  matchActions:
                  - action: Post
                    rateLimit: "1m"
                    rateLimitScope: process
            """;

    @Test
    void bindsEveryFieldWithTetragonsDefaults() {
        TracingPolicy p = loadOne(WRITE_TO_STDOUT);

        assertEquals(PolicyKind.TRACING_POLICY, p.kind());
        assertEquals("sys-write", p.name());
        assertEquals("sec", p.labels().get("team"));
        assertEquals(PolicyMode.MONITOR, p.mode());
        assertEquals(new SourceLocation(FILE, 1, 1), p.source());

        KprobeSpec k = p.spec().kprobes().get(0);
        assertEquals("sys_write", k.call());
        assertTrue(k.syscall(), "syscall defaults to true, as in Tetragon's CRD");
        assertFalse(k.returns());
        assertEquals(List.of("observability.io"), k.tags());
        assertEquals("write to stdout", k.message().orElseThrow());
        ArgSpec buf = k.args().get(1);
        assertEquals(ArgType.CHAR_BUF, buf.type());
        assertEquals(3, buf.sizeArgIndex());
        assertTrue(buf.returnCopy());
        assertEquals("fd", k.args().get(0).label().orElseThrow());

        Selector s = k.selectors().get(0);
        assertEquals(new MatchPids(SetOperator.NOT_IN, List.of(0L, 1L), true, true), s.matchPids().get(0));
        assertEquals(new MatchArgs(OptionalInt.of(0), List.of(), ArgOperator.EQUAL, List.of("1")), s.matchArgs().get(0));
        assertEquals(new MatchBinaries(BinaryOperator.IN, List.of("/usr/sbin/sshd"), true), s.matchBinaries().get(0));
        MatchCapabilities caps = s.matchCapabilities().get(0);
        assertEquals(CapabilitySet.EFFECTIVE, caps.type(), "type defaults to Effective");
        assertEquals(List.of(Capability.CAP_SYS_ADMIN, Capability.DAC_OVERRIDE), caps.values());
        MatchAction post = s.matchActions().get(0);
        assertEquals(ActionType.POST, post.action());
        assertEquals(Duration.ofMinutes(1), post.rateLimit().orElseThrow());
        assertEquals(RateLimitScope.PROCESS, post.rateLimitScope().orElseThrow());
    }

    @Test
    void aFileLoadsWholeOrNotAtAll() {
        String good = WRITE_TO_STDOUT;
        String bad = good.replace("sys-write", "other").replace("\"Equal\"", "\"Equals\"");

        LoadResult r = load(good + "---\n" + bad);

        assertFalse(r.ok());
        assertTrue(r.policies().isEmpty(), "the good document is not loaded either");
        assertEquals(1, r.errors().size());
        assertEquals(good.lines().count() + 1 + 32, r.errors().get(0).line());
    }

    @Test
    void everyDocumentIsAPolicy() {
        String second = WRITE_TO_STDOUT.replace("sys-write", "sys-write-2");
        LoadResult r = load(WRITE_TO_STDOUT + "---\n" + second + "---\n");

        assertTrue(r.ok(), () -> r.errors().toString());
        assertEquals(List.of("sys-write", "sys-write-2"), r.policies().stream().map(TracingPolicy::name).toList());
        assertEquals(WRITE_TO_STDOUT.lines().count() + 2, r.policies().get(1).source().line());
    }

    @Test
    void allErrorsOfAFileAreReportedInPositionOrder() {
        String yaml = WRITE_TO_STDOUT.replace("\"Equal\"", "\"Equals\"").replace("action: Post", "action: Psot")
                .replace("name: \"sys-write\"", "nam: \"sys-write\"");

        LoadResult r = load(yaml);

        assertEquals(List.of(4, 4, 32, 42), r.errors().stream().map(PolicyError::line).toList(), r.errors().toString());
        assertEquals("policy.yaml:4:3: metadata is missing required field 'name'", r.errors().get(1).toString());
        assertEquals("policy.yaml:4:3: unknown field 'nam' in metadata; allowed: name, namespace, labels, annotations,"
                + " generateName, uid, resourceVersion, generation, creationTimestamp, deletionTimestamp,"
                + " deletionGracePeriodSeconds, ownerReferences, finalizers, managedFields, selfLink",
                r.errors().get(0).toString());
    }

    @Test
    void namesAreUniqueAcrossTheFilesOfOneLoad(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("a.yaml"), WRITE_TO_STDOUT);
        Files.createDirectories(dir.resolve("more"));
        Files.writeString(dir.resolve("more/b.yml"), WRITE_TO_STDOUT);
        Files.writeString(dir.resolve("notes.txt"), "not a policy");

        LoadResult r = PolicyLoader.loadDirectory(dir);

        assertEquals(1, r.policies().size(), "a.yaml loads, more/b.yml does not");
        assertEquals(dir.resolve("a.yaml"), r.policies().get(0).source().file());
        assertEquals(dir.resolve("more/b.yml") + ":4:9: policy name 'sys-write' is already used by "
                + dir.resolve("a.yaml") + ":4:9; names must be unique in one load", r.errors().get(0).toString());
    }

    @Test
    void namespacedPoliciesAreUniqueWithinTheirNamespace() {
        String ns = WRITE_TO_STDOUT.replace("kind: TracingPolicy", "kind: TracingPolicyNamespaced")
                .replace("  name: \"sys-write\"", "  name: \"sys-write\"\n  namespace: pizza");
        LoadResult r = load(ns + "---\n" + ns.replace("pizza", "pasta"));

        assertTrue(r.ok(), () -> r.errors().toString());
        assertEquals(List.of("pizza/sys-write", "pasta/sys-write"),
                r.policies().stream().map(TracingPolicy::qualifiedName).toList());
    }

    @Test
    void fileProblemsAreReportedAtTheFileStart(@TempDir Path dir) throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.yaml"), "# nothing here\n");
        Path missing = dir.resolve("missing.yaml");
        Path latin1 = Files.write(dir.resolve("latin1.yaml"), new byte[] {'a', ':', ' ', (byte) 0xE9, '\n'});

        LoadResult r = PolicyLoader.loadAll(List.of(empty, missing, latin1));

        assertEquals(List.of(
                empty + ":1:1: no policy in file: it holds no YAML document",
                missing + ":1:1: cannot read file: no such file",
                latin1 + ":1:1: cannot read file: it is not UTF-8 text"),
                r.errors().stream().map(PolicyError::toString).toList());
    }

    @Test
    void anchorsAndAliasesAreResolved() {
        String yaml = """
                apiVersion: cilium.io/v1alpha1
                kind: TracingPolicy
                metadata: {name: "aliases"}
                spec:
                  kprobes:
                  - call: "sys_setuid"
                    args: &uidArgs
                    - index: 0
                      type: "int"
                  - call: "sys_setgid"
                    args: *uidArgs
                """;
        TracingPolicy p = loadOne(yaml);
        assertEquals(p.spec().kprobes().get(0).args(), p.spec().kprobes().get(1).args());
    }

    @Test
    void theSpellingOfTetragonsDocsForNotSportPrivLoadsWithAWarning() {
        String yaml = """
                apiVersion: cilium.io/v1alpha1
                kind: TracingPolicy
                metadata: {name: "unprivileged-listen"}
                spec:
                  kprobes:
                  - call: "inet_csk_listen_start"
                    syscall: false
                    args: [{index: 0, type: "sock"}]
                    selectors:
                    - matchArgs:
                      - {index: 0, operator: "NotSPortPriv"}
                """;
        LoadResult r = load(yaml);
        assertTrue(r.ok(), () -> r.errors().toString());
        assertEquals(ArgOperator.NOT_SPORT_PRIV,
                r.policies().get(0).spec().kprobes().get(0).selectors().get(0).matchArgs().get(0).operator());
        assertTrue(r.warnings().get(0).message().contains("'NotSportPriv' in Tetragon's schema"), r.warnings().toString());
    }

    @Test
    void warningsDoNotStopALoad() {
        String yaml = """
                apiVersion: cilium.io/v1alpha1
                kind: TracingPolicy
                metadata: {name: "kill-ptrace"}
                spec:
                  kprobes:
                  - call: "sys_ptrace"
                    selectors:
                    - matchActions:
                      - action: Sigkill
                        argSig: 9
                """;
        LoadResult r = load(yaml);
        assertTrue(r.ok(), () -> r.errors().toString());
        assertEquals(List.of("policy.yaml:10:9: warning: argSig is ignored by Sigkill"),
                r.warnings().stream().map(PolicyWarning::toString).toList());
    }

    @Test
    void aPolicyUsingMostFeaturesLoadsWithoutFalseAlarms() throws Exception {
        Path file = Path.of(PolicyLoaderTest.class.getResource("/good/every-feature.yaml").toURI());

        LoadResult r = PolicyLoader.load(file);

        assertTrue(r.ok(), () -> r.errors().toString());
        TracingPolicy p = r.policies().get(0);
        assertEquals("pizza/every-feature", p.qualifiedName());
        assertEquals(5, p.spec().kprobes().size());
        assertEquals(2, p.spec().tracepoints().size());
        assertEquals(1, p.spec().lsmHooks().size());
        assertEquals(List.of(file + ":15:3: warning: containerSelector is kept but not applied: Vigil runs on the host,"
                + " outside Kubernetes"), r.warnings().stream().map(PolicyWarning::toString).toList());
    }

    @Test
    void theModelIsImmutable() {
        KprobeSpec k = loadOne(WRITE_TO_STDOUT).spec().kprobes().get(0);
        try {
            k.args().clear();
        } catch (UnsupportedOperationException expected) {
            return;
        }
        throw new AssertionError("args() must be unmodifiable");
    }
}
