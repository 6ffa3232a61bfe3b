package io.vigil.agent.policy.plan;

import static io.vigil.agent.policy.plan.TestPolicies.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.agent.policy.HookDescriptor;
import io.vigil.bpf.Backend;
import io.vigil.bpf.generic.HookImage.AttachKind;
import io.vigil.bpf.generic.HookImage.Attachment;
import io.vigil.policy.HookSpec;
import io.vigil.policy.TracingPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which file-open hooks ObservationPlanner puts on fanotify FAN_OPEN marks, and why the others stay on BPF. */
class ObservationPlannerTest {
    private static final HostFacts FANOTIFY = FakeHosts.x86WithFanotify();
    private static final Attachment OBSERVE = new Attachment("observe", AttachKind.FANOTIFY, "FAN_OPEN");

    private static final String FILE_OPEN = """
              - call: "security_file_open"
                syscall: false
                args:
                - index: 0
                  type: "file"
                selectors:
                - matchArgs:
                  - index: 0
                    operator: "Prefix"
                    values: ["/srv/data/"]
            """;

    private static HookPlan first(Backend backend, HostFacts host, TracingPolicy p) throws PolicyRejectedException {
        List<HookPlan> plans = new HookPlanner(backend, host).plan(p).hooks();
        if (plans.get(0).object().equals(HookPlanner.FANOTIFY_OBJECT)) {
            assertEquals(1, plans.size(), "one placement, not one per tracepoint: " + plans);
        }
        return plans.get(0);   // the first of a mapped function's tracepoints
    }

    private static List<String> reasons(TracingPolicy p, String function) {
        HookSpec h = p.spec().kprobes().isEmpty() ? p.spec().lsmHooks().get(0) : p.spec().kprobes().get(0);
        return new ObservationPlanner(FANOTIFY).reasons(p, h, function);
    }

    @Test
    void postOnlyFileOpenWithPrefixIsObservedOnEveryBackend() throws Exception {
        for (Backend b : List.of(Backend.TRACEPOINT, Backend.KPROBE, Backend.FENTRY)) {
            HookPlan p = first(b, FANOTIFY, parse("kprobes", FILE_OPEN, ""));
            assertEquals(HookPlanner.FANOTIFY_OBJECT, p.object(), b.toString());
            assertEquals(List.of(OBSERVE), p.attachments(), b.toString());
            assertEquals("security_file_open", p.functionName());
            assertEquals(HookDescriptor.Kind.KPROBE, p.kind());
        }
    }

    @Test
    void lsmFileOpenWithEqualNoPostAndBinariesIsObservedAsProcessLsm() throws Exception {
        TracingPolicy pol = parse("lsmhooks", """
                  - hook: "file_open"
                    args:
                    - index: 0
                      type: "file"
                    selectors:
                    - matchArgs:
                      - index: 0
                        operator: "Equal"
                        values: ["/etc/shadow"]
                      matchBinaries:
                      - operator: "In"
                        values: ["/usr/bin/passwd"]
                      matchActions:
                      - action: NoPost
                    - matchArgs:
                      - index: 0
                        operator: "Equal"
                        values: ["/etc/shadow"]
                      matchBinaries:
                      - operator: "NotIn"
                        values: ["/usr/sbin/sshd"]
                """, "");
        HookPlan p = first(Backend.TRACEPOINT, FANOTIFY, pol);
        assertEquals(List.of(OBSERVE), p.attachments());
        assertEquals("file_open", p.functionName());
        assertEquals(HookDescriptor.Kind.LSM, p.kind());
    }

    @Test
    void syscallOpensStayOnTheTracepoint() throws Exception {
        HookPlan p = first(Backend.TRACEPOINT, FANOTIFY, parse("kprobes", """
                  - call: "sys_openat"
                    syscall: true
                    args:
                    - index: 1
                      type: "string"
                    selectors:
                    - matchArgs:
                      - index: 1
                        operator: "Prefix"
                        values: ["/srv/data/"]
                """, ""));
        assertEquals(HookPlanner.TP_OBJECT, p.object(), "sys_openat also sees failed opens and flags: FAN_OPEN does not");
        assertTrue(reasons(parse("kprobes", FILE_OPEN, ""), "security_file_permission").get(0).contains("other events"));
    }

    @Test
    void withoutFanotifyOrWithTheOptionItStaysOnBpf() throws Exception {
        HookPlan p = first(Backend.TRACEPOINT, FakeHosts.x86(), parse("kprobes", FILE_OPEN, ""));
        assertEquals(HookPlanner.TP_OBJECT, p.object());
        TracingPolicy opted = parse("kprobes", FILE_OPEN, """
                  options:
                  - name: "disable-fanotify-observe"
                    value: "true"
                """);
        assertEquals(HookPlanner.TP_OBJECT, first(Backend.TRACEPOINT, FANOTIFY, opted).object());
        assertEquals(List.of("option disable-fanotify-observe is set"), reasons(opted, "security_file_open"));
    }

    /** Each variant of FILE_OPEN that fanotify cannot reproduce, and a word of the reason it gives. */
    @Test
    void whatFanotifyCannotReproduceStaysOnBpfWithTheReason() throws Exception {
        String selector = """
                    - matchArgs:
                      - index: 0
                        operator: "Prefix"
                        values: ["/srv/data/"]
                """;
        String head = """
                  - call: "security_file_open"
                    syscall: false
                    args:
                    - index: 0
                      type: "file"
                """;
        List<List<String>> cases = List.of(
                List.of("selectors:\n" + selector + "      matchActions:\n      - action: Sigkill\n", "Sigkill"),
                List.of("selectors:\n" + selector + "      matchActions:\n      - action: Post\n        rateLimit: \"1m\"\n",
                        "rateLimit"),
                List.of("selectors:\n    - matchArgs:\n      - index: 0\n        operator: \"NotPrefix\"\n"
                        + "        values: [\"/srv/data/\"]\n", "Prefix (directories)"),
                List.of("selectors:\n" + selector + "      matchNamespaces:\n      - namespace: Pid\n        operator: In\n"
                        + "        values: [\"host_ns\"]\n", "matchBinaries and matchPIDs only"),
                List.of("selectors:\n" + selector + "      matchBinaries:\n      - operator: In\n        values: [\"/bin/cat\"]\n"
                        + "        followChildren: true\n", "followChildren"),
                List.of("return: true\n    returnArg:\n      index: 0\n      type: int\n    selectors:\n" + selector,
                        "return value"),
                List.of("", "no selectors"));
        for (List<String> c : cases) {
            String hook = head + (c.get(0).isEmpty() ? "" : "    " + c.get(0));
            TracingPolicy pol = parse("kprobes", hook, "");
            HookPlan p = first(Backend.KPROBE, FANOTIFY, pol);
            assertEquals(HookPlanner.KPROBE_OBJECT, p.object(), hook);
            List<String> why = reasons(pol, "security_file_open");
            assertTrue(why.stream().anyMatch(w -> w.contains(c.get(1))), c.get(1) + " not in " + why);
        }
    }

    @Test
    void anArgumentTheEventDoesNotCarryKeepsItOnBpf() {
        TracingPolicy pol = parse("kprobes", """
                  - call: "security_file_open"
                    syscall: false
                    args:
                    - index: 0
                      type: "file"
                    - index: 1
                      type: "int"
                    selectors:
                    - matchArgs:
                      - index: 0
                        operator: "Prefix"
                        values: ["/srv/data/"]
                """, "");
        assertTrue(reasons(pol, "security_file_open").get(0).startsWith("argument 1 (int)"));
    }
}
