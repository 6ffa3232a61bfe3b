package io.vigil.agent.policy.features;

import static io.vigil.agent.kernel.PolicyKernelTests.bash;
import static io.vigil.agent.kernel.PolicyKernelTests.python;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Actions (Post with rateLimit, NoPost), the policy mode in the event's action field, and hooks
 * without a kprobe: a `tracepoints:` hook on a syscall tracepoint and a hook without selectors.
 */
@Tag("kernel")
@Tag("vm-features")   // in the VM on one kernel and backend only (kprobe-bpf/vm/run-kernel-tests.sh)
class ActionsAndHooksKernelTest extends FeatureKernelTest {

    /** Reads f count times with bash builtins (one openat each). */
    private static long reads(Path f, int count) throws Exception {
        return bash(("read -r x < " + f + "; ").repeat(count));
    }

    /** rateLimit: five opens in one process post once; another process (thread scope) posts its own. */
    @Test
    void postRateLimit() throws Exception {
        Path f = file("w/f");
        String policy = """
                kprobes:
                - call: "sys_openat"
                  syscall: true
                  args:
                  - index: 1
                    type: "string"
                  selectors:
                  - matchArgs:
                    - index: 1
                      operator: "Prefix"
                      values: ["%s/"]
                    matchActions:
                    - action: Post
                """.formatted(f.getParent());
        apply("act-ratelimit", policy + "      rateLimit: \"1m\"\n");
        apply("act-unlimited", policy);
        long first = reads(f, 5);
        long second = reads(f, 1);
        assertEquals(5, events.awaitCount("act-unlimited", first, 5).size(), "the control without rateLimit");
        assertEquals(1, events.awaitCount("act-ratelimit", first, 1).size(), events.seen());
        assertEquals(1, events.awaitCount("act-ratelimit", second, 1).size(), events.seen());
    }

    /** NoPost in the first selector that matches wins over a Post in a later one. */
    @Test
    void noPost() throws Exception {
        Path quiet = file("w/quiet/f");
        Path loud = file("w/loud/f");
        apply("act-nopost", """
                kprobes:
                - call: "sys_openat"
                  syscall: true
                  args:
                  - index: 1
                    type: "string"
                  selectors:
                  - matchArgs:
                    - index: 1
                      operator: "Prefix"
                      values: ["%s/"]
                    matchActions:
                    - action: NoPost
                  - matchArgs:
                    - index: 1
                      operator: "Prefix"
                      values: ["%s/"]
                """.formatted(quiet.getParent(), quiet.getParent().getParent()));
        long hit = reads(loud, 1);
        long miss = reads(quiet, 1);
        assertEquals(loud.toString(), events.awaitOne("act-nopost", hit).at("/args/0/string_arg").asText());
        events.assertNone("act-nopost", miss);
    }

    /** Sigkill in enforce mode: the event says SIGKILL and the process dies; in monitor mode: POST, and it lives. */
    @Test
    void policyModeInTheActionField() throws Exception {
        Path enforced = file("enforced/f");
        Path monitored = file("monitored/f");
        String policy = """
                options:
                - name: "policy-mode"
                  value: "%s"
                kprobes:
                - call: "sys_openat"
                  syscall: true
                  args:
                  - index: 1
                    type: "string"
                  selectors:
                  - matchArgs:
                    - index: 1
                      operator: "Prefix"
                      values: ["%s/"]
                    matchActions:
                    - action: Sigkill
                """;
        apply("mode-enforce", policy.formatted("enforce", enforced.getParent()));
        apply("mode-monitor", policy.formatted("monitor", monitored.getParent()));
        Process killed = new ProcessBuilder("/bin/bash", "-c", "read -r x < " + enforced + "; exit 3").start();
        long lives = bash("read -r x < " + monitored);
        assertEquals(128 + 9, killed.waitFor(), "killed by SIGKILL before the read returned (exit 3 otherwise)");
        assertEquals("KPROBE_ACTION_SIGKILL", events.awaitOne("mode-enforce", killed.pid()).path("action").asText());
        assertEquals("KPROBE_ACTION_POST", events.awaitOne("mode-monitor", lives).path("action").asText());
        events.assertNone("mode-enforce", lives);
    }

    /** A `tracepoints:` hook: fields by their index in the tracepoint's format, filtered as kprobe arguments are. */
    @Test
    void syscallTracepoint() throws Exception {
        Path d = dir("d");
        Path f = file("d/f");
        Path other = file("other/f");
        apply("tp-openat", """
                tracepoints:
                - subsystem: "syscalls"
                  event: "sys_enter_openat"
                  args:
                  - index: 6
                    type: "string"
                  - index: 7
                    type: "int"
                  selectors:
                  - matchArgs:
                    - index: 0
                      operator: "Prefix"
                      values: ["%s/"]
                """.formatted(d));
        long hit = reads(f, 1);
        long miss = reads(other, 1);
        JsonNode e = events.awaitOne("tp-openat", hit);
        assertEquals(f.toString(), e.at("/args/0/string_arg").asText(), e.toString());
        assertEquals("process_tracepoint", events.kindOf("tp-openat"));
        assertEquals("syscalls", e.path("subsys").asText(), e.toString());
        assertEquals("sys_enter_openat", e.path("event").asText(), e.toString());
        events.assertNone("tp-openat", miss);
    }

    /** No selectors: every call posts (the near miss is another syscall). */
    @Test
    void noSelectorsPostsEveryCall() throws Exception {
        apply("hook-noselectors", """
                kprobes:
                - call: "sys_umask"
                  syscall: true
                  args:
                  - index: 0
                    type: "int"
                """);
        long hit = python("import os\nos.umask(0o27)\n");
        long miss = bash("true");
        assertEquals(027, events.awaitOne("hook-noselectors", hit).at("/args/0/int_arg").asInt());
        events.assertNone("hook-noselectors", miss);
    }
}
