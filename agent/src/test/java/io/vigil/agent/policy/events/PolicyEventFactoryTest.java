package io.vigil.agent.policy.events;

import static io.vigil.agent.policy.events.Hooks.arg;
import static io.vigil.agent.policy.events.Hooks.raw;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vigil.agent.policy.HookDescriptor;
import io.vigil.agent.policy.HookDescriptor.ArgDescriptor;
import io.vigil.api.ArgValue;
import io.vigil.api.KprobeAction;
import io.vigil.api.KprobeArgument;
import io.vigil.api.ProcessInfo;
import io.vigil.api.ProcessKprobe;
import io.vigil.api.ProcessLsm;
import io.vigil.api.ProcessTracepoint;
import io.vigil.bpf.wire.ExecveKey;
import io.vigil.bpf.wire.GenericAbi;
import io.vigil.bpf.wire.GenericAbi.ArgType;
import io.vigil.bpf.wire.GenericMsg;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** msg_generic arguments of every ABI type, decoded into Tetragon's argument types. */
class PolicyEventFactoryTest {
    private static final ExecveKey KEY = new ExecveKey(100, 5_000L);
    private static final ProcessInfo CAT = ProcessInfo.builder().execId("cat").pid(100).binary("/usr/bin/cat").tid(100).build();
    private final HookRegistry hooks = new HookRegistry();
    private final PolicyEventFactory f = new PolicyEventFactory(hooks);

    private KprobeArgument one(ArgDescriptor d, GenericMsg.RawArg r) {
        HookDescriptor h = new HookDescriptor(1, "p", Optional.empty(), HookDescriptor.Kind.KPROBE, "f", "", "",
                List.of(d), Optional.empty(), Optional.empty(), List.of());
        ProcessKprobe k = (ProcessKprobe) f.body(h, Hooks.msg(KEY, 1, 100, 1, List.of(r)), CAT, null);
        assertEquals(1, k.args().size());
        return k.args().get(0);
    }

    private static GenericMsg.RawArg sockaddr(int family, int type, int proto, int state, int sport, int dport,
                                              byte[] saddr, byte[] daddr) {
        ByteBuffer b = ByteBuffer.allocate(GenericAbi.Sockaddr.SIZEOF).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(0, (short) family).putShort(2, (short) type).putShort(4, (short) proto).putShort(6, (short) state)
                .putShort(8, (short) sport).putShort(10, (short) dport).put(16, saddr).put(32, daddr);
        return new GenericMsg.RawArg(0, b.array());
    }

    @Test
    void integersByTheirAbiType() {
        assertEquals(new ArgValue.IntArg(-1), one(arg(ArgType.S32, "int"), raw(-1)).value());
        assertEquals(new ArgValue.IntArg(-128), one(arg(ArgType.S8, "int8"), raw(-128)).value());
        assertEquals(new ArgValue.UintArg(4294967295L), one(arg(ArgType.U32, "uint32"), raw(0xFFFF_FFFFL)).value());
        assertEquals(new ArgValue.UintArg(65535), one(arg(ArgType.U16, "uint16"), raw(65535)).value());
        assertEquals(new ArgValue.LongArg(-5), one(arg(ArgType.S64, "long"), raw(-5)).value());
        assertEquals(new ArgValue.SizeArg(-1L), one(arg(ArgType.U64, "uint64"), raw(-1L)).value());
        assertEquals(new ArgValue.SizeArg(4096), one(arg(ArgType.SIZE_T, "size_t"), raw(4096)).value());
        assertEquals(new ArgValue.CapabilityArg(21, "CAP_SYS_ADMIN"), one(arg(ArgType.CAP, "capability"), raw(21)).value());
        assertEquals(new ArgValue.CapabilityArg(99, ""), one(arg(ArgType.CAP, "capability"), raw(99)).value());
        assertEquals(new ArgValue.CapSetArg(ArgValue.CapSetArg.Kind.CAP_PERMITTED, 0x3L),
                one(arg(ArgType.CAP_SET, "cap_permitted"), raw(3)).value());
    }

    @Test
    void textPathsAndBuffersWithLabels() {
        KprobeArgument s = one(arg(ArgType.STRING, "string", "pathname"), raw("/etc/passwd"));
        assertEquals(new KprobeArgument(new ArgValue.StringArg("/etc/passwd"), "pathname"), s);
        assertEquals(ArgValue.FileArg.of("/etc/shadow"), one(arg(ArgType.FD, "fd"), raw("/etc/shadow")).value());
        assertEquals(ArgValue.FileArg.of("/tmp/x"), one(arg(ArgType.FILE, "file"), raw("/tmp/x")).value());
        assertEquals(ArgValue.PathArg.of("/mnt"), one(arg(ArgType.PATH, "path"), raw("/mnt")).value());
        assertEquals(ArgValue.LinuxBinprmArg.of("/usr/bin/curl"),
                one(arg(ArgType.LINUX_BINPRM, "linux_binprm"), raw("/usr/bin/curl")).value());
        ArgValue.BytesArg buf = assertInstanceOf(ArgValue.BytesArg.class,
                one(arg(ArgType.CHAR_BUF, "char_buf"), new GenericMsg.RawArg(0, new byte[] {0, 1, 2})).value());
        assertArrayEquals(new byte[] {0, 1, 2}, buf.value());
    }

    /** Kernel objects sent as a string (generic_kobj.h), under Tetragon's JSON keys for them. */
    @Test
    void kernelObjectsSentAsText() {
        assertEquals(ArgValue.PathArg.of("/tmp/link"), one(arg(ArgType.DENTRY, "dentry"), raw("/tmp/link")).value());
        assertEquals(ArgValue.FileArg.of("/dev/pts/0"), one(arg(ArgType.KIOCB, "kiocb"), raw("/dev/pts/0")).value());
        assertEquals(new ArgValue.NetDevArg("lo"), one(arg(ArgType.NET_DEVICE, "net_device"), raw("lo")).value());
    }

    @Test
    void bpfObjects() {
        ByteBuffer a = ByteBuffer.allocate(GenericAbi.GenBpfAttr.SIZEOF).order(ByteOrder.LITTLE_ENDIAN);
        a.putInt(0, 2).putInt(4, 17).put(8, "vigil_prog".getBytes(StandardCharsets.US_ASCII));
        assertEquals(new ArgValue.BpfAttrArg("BPF_PROG_TYPE_KPROBE", 17, "vigil_prog"),
                one(arg(ArgType.BPF_ATTR, "bpf_attr"), new GenericMsg.RawArg(0, a.array())).value());
        ByteBuffer m = ByteBuffer.allocate(GenericAbi.GenBpfMap.SIZEOF).order(ByteOrder.LITTLE_ENDIAN);
        m.putInt(0, 1).putInt(4, 4).putInt(8, 8).putInt(12, 1024).put(16, "0123456789abcde".getBytes(StandardCharsets.US_ASCII));
        assertEquals(new ArgValue.BpfMapArg("BPF_MAP_TYPE_HASH", 4, 8, 1024, "0123456789abcde"),
                one(arg(ArgType.BPF_MAP, "bpf_map"), new GenericMsg.RawArg(0, m.array())).value());
        m.putInt(0, 999);   // a map type newer than the table: its number
        assertEquals("999", ((ArgValue.BpfMapArg) one(arg(ArgType.BPF_MAP, "bpf_map"),
                new GenericMsg.RawArg(0, m.array())).value()).mapType());
    }

    @Test
    void userNamespace() {
        ByteBuffer n = ByteBuffer.allocate(GenericAbi.GenUserNs.SIZEOF).order(ByteOrder.LITTLE_ENDIAN);
        n.putInt(0, 0).putInt(4, 0).putInt(8, 0).putInt(12, 0xEFFFFFFD);
        assertEquals(new ArgValue.UserNsArg(0, 0, 0, 4026531837L, true),
                one(arg(ArgType.USER_NS, "user_namespace"), new GenericMsg.RawArg(0, n.array())).value());
        n.putInt(0, 1).putInt(4, 1000).putInt(8, 1001).putInt(12, 0xF0000123);
        assertEquals(new ArgValue.UserNsArg(1, 1000, 1001, 0xF0000123L, false),
                one(arg(ArgType.USER_NS, "user_namespace"), new GenericMsg.RawArg(0, n.array())).value());
    }

    /** msg_gen_perf_event: a kprobe event by name; a software event (no kprobe_func); a dynamic PMU type in decimal. */
    @Test
    void perfEvent() {
        ByteBuffer k = ByteBuffer.allocate(GenericAbi.GenPerfEvent.SIZEOF).order(ByteOrder.LITTLE_ENDIAN);
        k.put(0, "commit_creds".getBytes(StandardCharsets.US_ASCII)).putLong(128, 1).putLong(136, 0x10).putInt(144, 2);
        assertEquals(new ArgValue.PerfEventArg("commit_creds", "PERF_TYPE_TRACEPOINT", 1, 0x10),
                one(arg(ArgType.PERF_EVENT, "perf_event"), new GenericMsg.RawArg(0, k.array())).value());
        ByteBuffer d = ByteBuffer.allocate(GenericAbi.GenPerfEvent.SIZEOF).order(ByteOrder.LITTLE_ENDIAN);
        d.putLong(128, 9).putInt(144, 8);   // the kprobe PMU's type on some host
        assertEquals(new ArgValue.PerfEventArg("", "8", 9, 0),
                one(arg(ArgType.PERF_EVENT, "perf_event"), new GenericMsg.RawArg(0, d.array())).value());
    }

    /** iov_iter: the bytes the sensor read, as char_buf's. */
    @Test
    void iovIter() {
        assertEquals(new ArgValue.BytesArg(new byte[] {'h', 'i', 0, 1}),
                one(arg(ArgType.IOV_ITER, "iov_iter"), new GenericMsg.RawArg(0, new byte[] {'h', 'i', 0, 1})).value());
    }

    @Test
    void kernelModule() {
        ByteBuffer m = ByteBuffer.allocate(GenericAbi.GenModule.SIZEOF).order(ByteOrder.LITTLE_ENDIAN);
        m.putLong(0, 4096L | 8192L | (1L << 9)).put(8, "kernel_module_hello".getBytes(StandardCharsets.US_ASCII));
        // bit 9 (TAINT_WARN) has no TaintedBitsType name: left out, as Tetragon does
        assertEquals(new ArgValue.ModuleArg("kernel_module_hello", List.of("TAINT_OUT_OF_TREE_MODULE", "TAINT_UNSIGNED_MODULE")),
                one(arg(ArgType.MODULE, "module"), new GenericMsg.RawArg(0, m.array())).value());
    }

    @Test
    void sockets() {
        byte[] lo = {127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        byte[] dst = {(byte) 93, (byte) 184, (byte) 216, 34, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        assertEquals(new ArgValue.SockArg("AF_INET", "SOCK_STREAM", "IPPROTO_TCP", 0, 0, "127.0.0.1", "93.184.216.34",
                        40000, 443, 0, "TCP_SYN_SENT"),
                one(arg(ArgType.SOCK, "sock"), sockaddr(2, 1, 6, 2, 40000, 443, lo, dst)).value());
        byte[] v6 = new byte[16];
        v6[0] = 0x20;
        v6[1] = 0x01;
        v6[2] = 0x0d;
        v6[3] = (byte) 0xb8;
        v6[15] = 1;
        assertEquals(new ArgValue.SockaddrArg("AF_INET6", "2001:db8::1", 53),
                one(arg(ArgType.SOCKADDR, "sockaddr"), sockaddr(10, 0, 0, 0, 0, 53, new byte[16], v6)).value());
        assertEquals(new ArgValue.SkbArg("127.0.0.1", "127.0.0.1", 5000, 53, 17, "IPPROTO_UDP", "AF_INET"),
                one(arg(ArgType.SKB, "skb"), sockaddr(2, 0, 17, 0, 5000, 53, lo, lo)).value());
        assertEquals(new ArgValue.SockArg("AF_UNIX", "SOCK_DGRAM", "IPPROTO_IP", 0, 0, "", "", 0, 0, 0, "0"),
                one(arg(ArgType.SOCKET, "socket"), sockaddr(1, 2, 0, 0, 0, 0, lo, lo)).value());
    }

    @Test
    void ipv6TextAsGoWritesIt() {
        byte[] a = new byte[16];
        assertEquals("::", Inet.ipv6(a, 0));
        a[15] = 1;
        assertEquals("::1", Inet.ipv6(a, 0));
        byte[] m = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 0, 0, 1};
        assertEquals("10.0.0.1", Inet.ipv6(m, 0));
        byte[] two = {0x20, 0x01, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1}; // 2001:0:0:1:0:0:0:1
        assertEquals("2001:0:0:1::1", Inet.ipv6(two, 0));
        byte[] single = {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1}; // one zero group stays
        assertEquals("2001:db8:0:1:1:1:1:1", Inet.ipv6(single, 0));
    }

    @Test
    void credentials() {
        ByteBuffer c = ByteBuffer.allocate(GenericAbi.GenCred.SIZEOF).order(ByteOrder.LITTLE_ENDIAN);
        c.putInt(0, 1000).putInt(4, 1001).putInt(8, 2).putInt(12, 3).putInt(16, 0).putInt(20, 0).putInt(24, 4).putInt(28, 5)
                .putLong(32, 1L << 21).putLong(40, 0b11L);
        assertEquals(new ArgValue.CredArg(1000, 1001, 0, 0, 2, 3, 4, 5, List.of("CAP_CHOWN", "DAC_OVERRIDE"),
                        List.of("CAP_SYS_ADMIN"), List.of()),
                one(arg(ArgType.CRED, "cred"), new GenericMsg.RawArg(0, c.array())).value());
    }

    @Test
    void unreadableArgumentsGetTheEmptyValueAndAreCounted() {
        assertEquals(new ArgValue.StringArg(""), one(arg(ArgType.STRING, "string"), Hooks.unreadable()).value());
        assertEquals(new ArgValue.IntArg(0), one(arg(ArgType.S32, "int"), Hooks.unreadable()).value());
        assertEquals(ArgValue.FileArg.of(""), one(arg(ArgType.FD, "fd"), Hooks.unreadable()).value());
        assertEquals(3, f.stats().unreadableArgs());
    }

    @Test
    void bytesThatDoNotFitTheTypeDropTheEvent() {
        HookDescriptor h = Hooks.openat(3);
        GenericMsg shortInt = Hooks.msg(KEY, 1, 100, 3,
                List.of(new GenericMsg.RawArg(0, new byte[4]), raw("/x"), raw(0)));
        assertNull(f.body(h, shortInt, CAT, null));
        GenericMsg tooMany = Hooks.msg(KEY, 1, 100, 3, List.of(raw(1), raw("/x"), raw(0), raw(0)));
        assertNull(f.body(h, tooMany, CAT, null));
        assertEquals(2, f.stats().badArgs());
        assertEquals(0, f.stats().events());
    }

    @Test
    void kprobeWithReturnNopSkippedAndCallingThread() {
        HookDescriptor h = new HookDescriptor(4, "p", Optional.empty(), HookDescriptor.Kind.KPROBE, "__x64_sys_read",
                "", "", List.of(arg(ArgType.FD, "fd"), arg(ArgType.NOP, "nop"), arg(ArgType.SIZE_T, "size_t")),
                Optional.of(arg(ArgType.S64, "long", "ret")), Optional.of("m"), List.of("a", "b"));
        GenericMsg m = new GenericMsg(1, KEY, 123, 4, 17, 0, GenericAbi.MsgFlag.RETURN, GenericAbi.Action.POST,
                List.of(raw("/etc/hosts"), new GenericMsg.RawArg(0, new byte[0]), raw(4096)));
        ProcessKprobe k = (ProcessKprobe) f.body(h, m, CAT, null);
        assertEquals(List.of(KprobeArgument.of(ArgValue.FileArg.of("/etc/hosts")), KprobeArgument.of(new ArgValue.SizeArg(4096))),
                k.args());
        assertEquals(new KprobeArgument(new ArgValue.LongArg(17), "ret"), k.returnArg());
        assertEquals(KprobeAction.POST, k.returnAction());
        assertEquals(123, k.process().tid());
        assertEquals(100, CAT.tid(), "the cached process is not changed");
        assertEquals("m", k.message());
        assertEquals(List.of("a", "b"), k.tags());
    }

    @Test
    void tracepointAndLsmBodies() {
        HookDescriptor tp = new HookDescriptor(5, "tp", Optional.empty(), HookDescriptor.Kind.TRACEPOINT, "", "syscalls",
                "sys_enter_openat", List.of(arg(ArgType.S64, "int64")), Optional.empty(), Optional.empty(), List.of());
        ProcessTracepoint t = (ProcessTracepoint) f.body(tp, new GenericMsg(1, KEY, 100, 5, 0, 0, 0,
                GenericAbi.Action.POST, List.of(raw(-100))), CAT, null);
        assertEquals("syscalls", t.subsys());
        assertEquals("sys_enter_openat", t.event());
        assertEquals(List.of(KprobeArgument.of(new ArgValue.LongArg(-100))), t.args());
        HookDescriptor lsm = new HookDescriptor(6, "lsm", Optional.empty(), HookDescriptor.Kind.LSM, "file_open", "", "",
                List.of(arg(ArgType.FILE, "file")), Optional.empty(), Optional.empty(), List.of());
        ProcessLsm l = (ProcessLsm) f.body(lsm, new GenericMsg(1, KEY, 100, 6, 0, 0, 0, GenericAbi.Action.POST,
                List.of(raw("/etc/passwd"))), CAT, CAT);
        assertEquals("file_open", l.functionName());
        assertEquals(CAT, l.parent());
    }

    @Test
    void actionIsTheStrongestOneTakenAndPostInMonitorMode() {
        GenericMsg kill = new GenericMsg(1, KEY, 1, 1, 0, 0, 0, GenericAbi.Action.POST | GenericAbi.Action.SIGKILL, List.of());
        assertEquals(KprobeAction.SIGKILL, PolicyEventFactory.action(kill));
        GenericMsg override = new GenericMsg(1, KEY, 1, 1, 0, 0, 0, GenericAbi.Action.OVERRIDE, List.of());
        assertEquals(KprobeAction.OVERRIDE, PolicyEventFactory.action(override));
        GenericMsg monitored = new GenericMsg(1, KEY, 1, 1, 0, 0, GenericAbi.MsgFlag.MONITORED, GenericAbi.Action.SIGKILL,
                List.of());
        assertEquals(KprobeAction.POST, PolicyEventFactory.action(monitored));
    }

    @Test
    void unknownHookIsCounted() {
        hooks.register(Hooks.openat(9));
        assertEquals(9, f.hookOf(Hooks.openatMsg(KEY, 1, 9, "/a")).hookId());
        assertNull(f.hookOf(Hooks.openatMsg(KEY, 1, 10, "/a")));
        assertEquals(1, f.stats().unknownHook());
        assertEquals(1, f.stats().hooks());
    }
}
