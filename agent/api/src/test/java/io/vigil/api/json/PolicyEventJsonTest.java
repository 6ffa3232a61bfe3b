package io.vigil.api.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.api.ArgValue;
import io.vigil.api.Event;
import io.vigil.api.KprobeAction;
import io.vigil.api.KprobeArgument;
import io.vigil.api.ProcessInfo;
import io.vigil.api.ProcessKprobe;
import io.vigil.api.ProcessLsm;
import io.vigil.api.ProcessTracepoint;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Golden lines of process_kprobe, process_tracepoint and process_lsm, and of every argument type. */
class PolicyEventJsonTest {
    private final EventJsonWriter writer = new EventJsonWriter();

    private static final ProcessInfo VI = EventJsonWriterTest.VI.withRefcnt(1);
    private static final ProcessInfo SH = EventJsonWriterTest.SH;
    private static final String VI_JSON = "{\"exec_id\":\"dGV0cmFnb24tZGV2LWNvbnRyb2wtcGxhbmU6MTY4MTc3MDUwMTI1NDI6NjQ3NDY=\","
            + "\"pid\":64746,\"uid\":0,\"cwd\":\"/\",\"binary\":\"/bin/vi\",\"arguments\":\"/etc/passwd\",\"flags\":\"execve rootcwd clone\","
            + "\"start_time\":\"2024-04-14T02:18:02.240856427Z\",\"auid\":4294967295,"
            + "\"parent_exec_id\":\"dGV0cmFnb24tZGV2LWNvbnRyb2wtcGxhbmU6MTY4MDE3MDQ3OTQyOTg6NjQ2MTU=\",\"refcnt\":1,\"tid\":64746}";
    private static final String SH_JSON = "{\"exec_id\":\"dGV0cmFnb24tZGV2LWNvbnRyb2wtcGxhbmU6MTY4MDE3MDQ3OTQyOTg6NjQ2MTU=\",\"pid\":64615,\"uid\":0,"
            + "\"cwd\":\"/\",\"binary\":\"/bin/sh\",\"flags\":\"execve rootcwd clone\",\"start_time\":\"2024-04-14T02:17:46.240638141Z\","
            + "\"auid\":4294967295,\"tid\":64615}";
    private static final Instant T = Instant.parse("2024-04-14T02:18:14.376304204Z");
    private static final String TAIL = ",\"node_name\":\"tetragon-dev-control-plane\",\"time\":\"2024-04-14T02:18:14.376304204Z\"}";

    private String json(Object body) {
        return writer.toJson(new Event("tetragon-dev-control-plane", T, (io.vigil.api.EventBody) body));
    }

    private String argJson(KprobeArgument a) {
        String line = json(new ProcessKprobe(SH, null, "f", List.of(a), null, KprobeAction.POST, "p",
                KprobeAction.UNKNOWN, "", List.of()));
        String prefix = "{\"process_kprobe\":{\"process\":" + SH_JSON + ",\"function_name\":\"f\",\"args\":[";
        String suffix = "],\"action\":\"KPROBE_ACTION_POST\",\"policy_name\":\"p\"}" + TAIL;
        assertEquals(prefix, line.substring(0, prefix.length()));
        assertEquals(suffix, line.substring(line.length() - suffix.length()));
        return line.substring(prefix.length(), line.length() - suffix.length());
    }

    /** The event of shared/reference/tetragon-events.md, from Tetragon's filename-access docs, byte for byte. */
    @Test
    void tetragonsDocumentedKprobeEvent() {
        ProcessKprobe k = new ProcessKprobe(VI, SH, "security_file_permission",
                List.of(KprobeArgument.of(new ArgValue.FileArg("/etc/passwd", "", "-rw-r--r--")),
                        KprobeArgument.of(new ArgValue.IntArg(2))),
                KprobeArgument.of(new ArgValue.IntArg(0)), KprobeAction.POST, "file-monitoring", KprobeAction.POST, "",
                List.of());
        assertEquals("{\"process_kprobe\":{\"process\":" + VI_JSON + ",\"parent\":" + SH_JSON + ","
                + "\"function_name\":\"security_file_permission\","
                + "\"args\":[{\"file_arg\":{\"path\":\"/etc/passwd\",\"permission\":\"-rw-r--r--\"}},{\"int_arg\":2}],"
                + "\"return\":{\"int_arg\":0},\"action\":\"KPROBE_ACTION_POST\",\"policy_name\":\"file-monitoring\","
                + "\"return_action\":\"KPROBE_ACTION_POST\"}" + TAIL, json(k));
    }

    @Test
    void kprobeWithMessageTagsLabelAndNoParent() {
        ProcessKprobe k = new ProcessKprobe(SH, null, "__x64_sys_openat",
                List.of(new KprobeArgument(new ArgValue.IntArg(-100), "dirfd"),
                        new KprobeArgument(new ArgValue.StringArg("/etc/shadow"), "pathname")),
                null, KprobeAction.SIGKILL, "deny-shadow", KprobeAction.UNKNOWN, "shadow read",
                List.of("observability.filesystem", "cred"));
        assertEquals("{\"process_kprobe\":{\"process\":" + SH_JSON + ",\"function_name\":\"__x64_sys_openat\","
                + "\"args\":[{\"int_arg\":-100,\"label\":\"dirfd\"},{\"string_arg\":\"/etc/shadow\",\"label\":\"pathname\"}],"
                + "\"action\":\"KPROBE_ACTION_SIGKILL\",\"policy_name\":\"deny-shadow\",\"message\":\"shadow read\","
                + "\"tags\":[\"observability.filesystem\",\"cred\"]}" + TAIL, json(k));
    }

    @Test
    void tracepointGoldenLine() {
        ProcessTracepoint t = new ProcessTracepoint(VI, SH, "syscalls", "sys_enter_openat",
                List.of(KprobeArgument.of(new ArgValue.LongArg(-100)), KprobeArgument.of(new ArgValue.StringArg("/etc/passwd"))),
                "tp-open", KprobeAction.POST, "", List.of("t"));
        assertEquals("{\"process_tracepoint\":{\"process\":" + VI_JSON + ",\"parent\":" + SH_JSON + ","
                + "\"subsys\":\"syscalls\",\"event\":\"sys_enter_openat\","
                + "\"args\":[{\"long_arg\":\"-100\"},{\"string_arg\":\"/etc/passwd\"}],"
                + "\"policy_name\":\"tp-open\",\"action\":\"KPROBE_ACTION_POST\",\"tags\":[\"t\"]}" + TAIL, json(t));
    }

    /** process_lsm declares policy_name and message before args. */
    @Test
    void lsmGoldenLine() {
        ProcessLsm l = new ProcessLsm(VI, SH, "file_open", "lsm-open", "file opened",
                List.of(KprobeArgument.of(ArgValue.FileArg.of("/etc/passwd"))), KprobeAction.POST, List.of());
        assertEquals("{\"process_lsm\":{\"process\":" + VI_JSON + ",\"parent\":" + SH_JSON + ","
                + "\"function_name\":\"file_open\",\"policy_name\":\"lsm-open\",\"message\":\"file opened\","
                + "\"args\":[{\"file_arg\":{\"path\":\"/etc/passwd\"}}],\"action\":\"KPROBE_ACTION_POST\"}" + TAIL, json(l));
    }

    @Test
    void integerArgumentsFollowProtojson() {
        assertEquals("{\"int_arg\":0}", argJson(KprobeArgument.of(new ArgValue.IntArg(0))));
        assertEquals("{\"uint_arg\":4294967295}", argJson(KprobeArgument.of(new ArgValue.UintArg(4294967295L))));
        assertEquals("{\"size_arg\":\"18446744073709551615\"}", argJson(KprobeArgument.of(new ArgValue.SizeArg(-1L))));
        assertEquals("{\"size_arg\":\"0\"}", argJson(KprobeArgument.of(new ArgValue.SizeArg(0))));
        assertEquals("{\"long_arg\":\"-9223372036854775808\"}",
                argJson(KprobeArgument.of(new ArgValue.LongArg(Long.MIN_VALUE))));
    }

    @Test
    void stringAndBytesArguments() {
        assertEquals("{\"string_arg\":\"\"}", argJson(KprobeArgument.of(new ArgValue.StringArg(""))));
        assertEquals("{\"string_arg\":\"a\\\"b\\n\\u001b\"}", argJson(KprobeArgument.of(new ArgValue.StringArg("a\"b\n\u001b"))));
        assertEquals("{\"bytes_arg\":\"aGVsbG8K\",\"label\":\"buf\"}",
                argJson(new KprobeArgument(new ArgValue.BytesArg("hello\n".getBytes(StandardCharsets.UTF_8)), "buf")));
        assertEquals("{\"bytes_arg\":\"AP8=\"}", argJson(KprobeArgument.of(new ArgValue.BytesArg(new byte[] {0, -1}))));
    }

    @Test
    void pathLikeArguments() {
        assertEquals("{\"file_arg\":{}}", argJson(KprobeArgument.of(ArgValue.FileArg.of(""))));
        assertEquals("{\"path_arg\":{\"path\":\"/tmp\"}}", argJson(KprobeArgument.of(ArgValue.PathArg.of("/tmp"))));
        assertEquals("{\"linux_binprm_arg\":{\"path\":\"/usr/bin/curl\"}}",
                argJson(KprobeArgument.of(ArgValue.LinuxBinprmArg.of("/usr/bin/curl"))));
    }

    @Test
    void netDeviceArgument() {
        assertEquals("{\"net_dev_arg\":{\"name\":\"eth0\"},\"label\":\"dev\"}",
                argJson(new KprobeArgument(new ArgValue.NetDevArg("eth0"), "dev")));
        assertEquals("{\"net_dev_arg\":{}}", argJson(KprobeArgument.of(new ArgValue.NetDevArg(""))));
    }

    @Test
    void bpfArgumentsWithTetragonsFieldNames() {
        assertEquals("{\"bpf_attr_arg\":{\"ProgType\":\"BPF_PROG_TYPE_KPROBE\",\"InsnCnt\":17,\"ProgName\":\"vigil\"}}",
                argJson(KprobeArgument.of(new ArgValue.BpfAttrArg("BPF_PROG_TYPE_KPROBE", 17, "vigil"))));
        assertEquals("{\"bpf_map_arg\":{\"MapType\":\"BPF_MAP_TYPE_HASH\",\"KeySize\":4,\"ValueSize\":8,"
                + "\"MaxEntries\":1024,\"MapName\":\"m\"}}",
                argJson(KprobeArgument.of(new ArgValue.BpfMapArg("BPF_MAP_TYPE_HASH", 4, 8, 1024, "m"))));
    }

    @Test
    void userNamespaceArgument() {
        assertEquals("{\"user_ns_arg\":{\"level\":0,\"uid\":0,\"gid\":0,\"ns\":{\"inum\":4026531837,\"is_host\":true}}}",
                argJson(KprobeArgument.of(new ArgValue.UserNsArg(0, 0, 0, 4026531837L, true))));
        assertEquals("{\"user_ns_arg\":{\"level\":1,\"uid\":1000,\"gid\":1000,\"ns\":{\"inum\":4026532000}}}",
                argJson(KprobeArgument.of(new ArgValue.UserNsArg(1, 1000, 1000, 4026532000L, false))));
    }

    /** Tetragon's KprobePerfEvent: uint64 config and probe_offset as strings, zero fields left out. */
    @Test
    void perfEventArgument() {
        assertEquals("{\"perf_event_arg\":{\"kprobe_func\":\"commit_creds\",\"type\":\"PERF_TYPE_TRACEPOINT\"}}",
                argJson(KprobeArgument.of(new ArgValue.PerfEventArg("commit_creds", "PERF_TYPE_TRACEPOINT", 0, 0))));
        assertEquals("{\"perf_event_arg\":{\"type\":\"PERF_TYPE_SOFTWARE\",\"config\":\"9\"}}",
                argJson(KprobeArgument.of(new ArgValue.PerfEventArg("", "PERF_TYPE_SOFTWARE", 9, 0))));
        assertEquals("{\"perf_event_arg\":{\"kprobe_func\":\"do_nanosleep\",\"type\":\"8\",\"probe_offset\":\"18446744073709551615\"}}",
                argJson(KprobeArgument.of(new ArgValue.PerfEventArg("do_nanosleep", "8", 0, -1L))));
    }

    /** Tetragon's documented do_init_module event (the module_arg part). */
    @Test
    void moduleArgument() {
        assertEquals("{\"module_arg\":{\"name\":\"kernel_module_hello\",\"tainted\":[\"TAINT_OUT_OF_TREE_MODULE\","
                + "\"TAINT_UNSIGNED_MODULE\"]}}", argJson(KprobeArgument.of(new ArgValue.ModuleArg("kernel_module_hello",
                List.of("TAINT_OUT_OF_TREE_MODULE", "TAINT_UNSIGNED_MODULE")))));
        assertEquals("{\"module_arg\":{\"name\":\"veth\"}}", argJson(KprobeArgument.of(new ArgValue.ModuleArg("veth", List.of()))));
    }

    @Test
    void socketArguments() {
        assertEquals("{\"sock_arg\":{\"family\":\"AF_INET\",\"type\":\"SOCK_STREAM\",\"protocol\":\"IPPROTO_TCP\","
                        + "\"saddr\":\"192.168.1.20\",\"daddr\":\"1.2.3.4\",\"sport\":51234,\"dport\":4444,"
                        + "\"cookie\":\"1234567\",\"state\":\"TCP_SYN_SENT\"}}",
                argJson(KprobeArgument.of(new ArgValue.SockArg("AF_INET", "SOCK_STREAM", "IPPROTO_TCP", 0, 0,
                        "192.168.1.20", "1.2.3.4", 51234, 4444, 1234567, "TCP_SYN_SENT"))));
        assertEquals("{\"skb_arg\":{\"saddr\":\"::1\",\"daddr\":\"::1\",\"dport\":53,\"proto\":17,"
                        + "\"protocol\":\"IPPROTO_UDP\",\"family\":\"AF_INET6\"}}",
                argJson(KprobeArgument.of(new ArgValue.SkbArg("::1", "::1", 0, 53, 17, "IPPROTO_UDP", "AF_INET6"))));
        assertEquals("{\"sockaddr_arg\":{\"family\":\"AF_INET\",\"addr\":\"10.0.0.1\",\"port\":443}}",
                argJson(KprobeArgument.of(new ArgValue.SockaddrArg("AF_INET", "10.0.0.1", 443))));
    }

    @Test
    void credentialAndCapabilityArguments() {
        assertEquals("{\"process_credentials_arg\":{\"uid\":1000,\"gid\":1000,\"euid\":0,\"egid\":0,\"suid\":0,"
                        + "\"sgid\":0,\"fsuid\":0,\"fsgid\":0,\"caps\":{\"permitted\":[\"CAP_CHOWN\",\"DAC_OVERRIDE\"],"
                        + "\"effective\":[\"CAP_SYS_ADMIN\"]}}}",
                argJson(KprobeArgument.of(new ArgValue.CredArg(1000, 1000, 0, 0, 0, 0, 0, 0,
                        List.of("CAP_CHOWN", "DAC_OVERRIDE"), List.of("CAP_SYS_ADMIN"), List.of()))));
        assertEquals("{\"process_credentials_arg\":{\"uid\":0,\"gid\":0,\"euid\":0,\"egid\":0,\"suid\":0,\"sgid\":0,"
                        + "\"fsuid\":0,\"fsgid\":0,\"caps\":{}}}",
                argJson(KprobeArgument.of(new ArgValue.CredArg(0, 0, 0, 0, 0, 0, 0, 0, List.of(), List.of(), List.of()))));
        assertEquals("{\"capability_arg\":{\"value\":0,\"name\":\"CAP_CHOWN\"}}",
                argJson(KprobeArgument.of(new ArgValue.CapabilityArg(0, "CAP_CHOWN"))));
        assertEquals("{\"cap_effective_arg\":\"000001ffffffffff\"}",
                argJson(KprobeArgument.of(new ArgValue.CapSetArg(ArgValue.CapSetArg.Kind.CAP_EFFECTIVE, 0x1ffffffffffL))));
        assertEquals("{\"kernel_cap_t_arg\":\"0000000000000000\"}",
                argJson(KprobeArgument.of(new ArgValue.CapSetArg(ArgValue.CapSetArg.Kind.KERNEL_CAP_T, 0))));
    }
}
