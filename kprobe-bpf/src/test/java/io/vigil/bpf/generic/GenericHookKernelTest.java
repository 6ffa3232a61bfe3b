package io.vigil.bpf.generic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.bpf.BpfException;
import io.vigil.bpf.KernelTests;
import io.vigil.bpf.RingBuffer;
import io.vigil.bpf.wire.ExitMsg;
import io.vigil.bpf.wire.GenericAbi;
import io.vigil.bpf.wire.GenericAbi.ArgFlag;
import io.vigil.bpf.wire.GenericAbi.ArgType;
import io.vigil.bpf.wire.GenericAbi.Op;
import io.vigil.bpf.wire.GenericAbi.SetOp;
import io.vigil.bpf.wire.MsgDecoder;
import io.vigil.bpf.wire.MsgOp;
import io.vigil.bpf.wire.StatIndex;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Generic hooks in the kernel: hand-built HookImages on syscalls, triggered by a small C helper
 * (compiled here) whose syscalls are exactly the ones each case needs. Every case checks that the
 * event fires when it should and that it does not when it should not: the helper's exit record
 * comes after all of its hook events in the ring buffer, so once it is seen the absence is final.
 * Runs on the tracepoint backend on the host; with -Dvigil.test.backend=kprobe|fentry (the VM
 * harness) on the kprobe backend (__x64_sys_* wrappers).
 */
@Tag("kernel")
class GenericHookKernelTest {
    private static final String HELPER_C = """
            #include <fcntl.h>
            #include <stdlib.h>
            #include <string.h>
            #include <unistd.h>
            #include <arpa/inet.h>
            #include <sys/socket.h>
            int main(int argc, char **argv) {
              for (int i = 1; i < argc; i++) {
                char *c = argv[i];
                if (!strcmp(c, "open")) {
                  const char *p = argv[++i];
                  int fd = openat(AT_FDCWD, p, (int)strtol(argv[++i], 0, 0), 0644);
                  if (fd >= 0) close(fd);
                } else if (!strcmp(c, "write")) {
                  int fd = open(argv[++i], O_WRONLY | O_CREAT | O_TRUNC, 0644);
                  if (write(fd, "hello", 5) != 5) return 2;
                  close(fd);
                } else if (!strcmp(c, "read")) {
                  char b[64];
                  int fd = open(argv[++i], O_RDONLY);
                  if (read(fd, b, sizeof(b)) < 0) return 3;
                  close(fd);
                } else if (!strcmp(c, "connect")) {
                  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[++i])) };
                  int s = socket(AF_INET, SOCK_STREAM, 0);
                  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
                  connect(s, (struct sockaddr *)&a, sizeof(a));
                  close(s);
                }
              }
              return 0;
            }
            """;
    private static final int O_CREAT = 0x40;

    private static Path dir;
    private static Path helper;
    private static KernelTests.Sensors sensors;
    private static GenericHookLoader loader;
    private static TestHook.Backend backend;
    private static int hookIds = 100;

    @BeforeAll
    static void setUp() throws Exception {
        KernelTests.assumeRoot();
        String forced = System.getProperty("vigil.test.backend", "");
        backend = forced.equals("kprobe") || forced.equals("fentry") ? TestHook.Backend.KPROBE : TestHook.Backend.TRACEPOINT;
        dir = Files.createTempDirectory("vigil-gen-");
        Files.createDirectories(dir.resolve("a"));
        Files.createDirectories(dir.resolve("b"));
        Path src = dir.resolve("vhelper.c");
        Files.writeString(src, HELPER_C);
        helper = dir.resolve("vhelper");
        Process cc = new ProcessBuilder("cc", "-O1", "-o", helper.toString(), src.toString()).inheritIO().start();
        assertEquals(0, cc.waitFor(), "cc failed to build the test helper (is a C compiler installed?)");
        sensors = KernelTests.Sensors.loadTracepoint(true);
        loader = new GenericHookLoader(sensors.shared);
        System.err.println("GenericHookKernelTest: backend " + backend);
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (sensors != null) {
            sensors.close();
        }
        if (dir != null) {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted((x, y) -> y.compareTo(x)).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Runs the helper (or another program) and returns the hook events of its process. */
    private static List<TestHook.Event> run(String... cmd) throws Exception {
        List<byte[]> records = new ArrayList<>();
        try (RingBuffer rb = RingBuffer.open(sensors.map("events"), (data, size) -> {
            byte[] b = new byte[size];
            data.get(0, b, 0, size);
            records.add(b);
        })) {
            rb.consume(); // what earlier cases left
            records.clear();
            List<String> argv = new ArrayList<>(List.of(cmd));
            if (argv.get(0).equals("helper")) {
                argv.set(0, helper.toString());
            }
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            long pid = p.pid();
            assertEquals(0, p.waitFor(), "exit status of " + argv);
            List<TestHook.Event> out = new ArrayList<>();
            boolean exited = false;
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!exited && System.nanoTime() < deadline) {
                rb.poll(50);
                rb.consume();
                for (byte[] r : records) {
                    if (r[0] == 4) { // VIGIL_MSG_OP_GENERIC
                        TestHook.Event e = TestHook.Event.parse(r);
                        if (e.pid() == pid) {
                            out.add(e);
                        }
                    } else if (r[0] == MsgOp.EXIT.code() && MsgDecoder.decode(ByteBuffer.wrap(r)) instanceof ExitMsg x
                            && x.process().pid() == pid) {
                        exited = true;
                    }
                }
                records.clear();
            }
            assertTrue(exited, "no exit record of " + argv + " (pid " + pid + ") within 10 s");
            System.err.println("GenericHookKernelTest: " + String.join(" ", List.of(cmd)) + " -> " + out);
            return out;
        }
    }

    private static LoadedHook load(TestHook h) throws BpfException {
        return loader.load(h.build(backend));
    }

    private static int newId() {
        return hookIds++;
    }

    private static List<TestHook.Event> of(List<TestHook.Event> events, int hookId) {
        return events.stream().filter(e -> e.hookId() == hookId).collect(Collectors.toList());
    }

    private static String p(String rel) {
        return dir.resolve(rel).toString();
    }

    @Test
    void stringPrefixOnOpenatFiresForItsDirectoryOnly() throws Exception {
        int id = newId();
        TestHook h = TestHook.syscall("openat", id).arg(ArgType.STRING, ArgFlag.USER, 1)
                .selector().strings(0, Op.PREFIX, p("a/")).done();
        try (LoadedHook l = load(h)) {
            List<TestHook.Event> ev = of(run("helper", "open", p("a/x"), "0x41", "open", p("b/x"), "0x41"), id);
            assertEquals(1, ev.size(), ev.toString());
            assertEquals(p("a/x"), ev.get(0).string(0));
            assertEquals(0, ev.get(0).selector());
        }
    }

    @Test
    void stringEqualAndPostfixPickTheirSelector() throws Exception {
        int id = newId();
        TestHook h = TestHook.syscall("openat", id).arg(ArgType.STRING, ArgFlag.USER, 1)
                .selector().strings(0, Op.EQ, p("a/exact")).done()
                .selector().strings(0, Op.POSTFIX, ".vgx").done();
        try (LoadedHook l = load(h)) {
            List<TestHook.Event> ev = of(run("helper", "open", p("a/exact"), "0x41", "open", p("a/exactly"), "0x41",
                    "open", p("b/f.vgx"), "0x41", "open", p("b/f.vgy"), "0x41"), id);
            assertEquals(List.of(p("a/exact") + "@0", p("b/f.vgx") + "@1"),
                    ev.stream().map(e -> e.string(0) + "@" + e.selector()).collect(Collectors.toList()));
        }
    }

    @Test
    void integerMaskGreaterAndEqualOnOpenFlags() throws Exception {
        int id = newId();
        TestHook h = TestHook.syscall("openat", id).arg(ArgType.STRING, ArgFlag.USER, 1).arg(ArgType.S32, 0, 2)
                .selector().strings(0, Op.PREFIX, p("a/")).filter(1, Op.MASK, O_CREAT).done()
                .selector().strings(0, Op.PREFIX, p("a/")).filter(1, Op.GT, 0x800).done()
                .selector().strings(0, Op.PREFIX, p("a/")).filter(1, Op.EQ, 0x2).done();
        try (LoadedHook l = load(h)) {
            List<TestHook.Event> ev = of(run("helper", "open", p("a/i"), "0x41", "open", p("a/i"), "0x0",
                    "open", p("a/i"), "0x1000", "open", p("a/i"), "0x2", "open", p("a/i"), "0x1"), id);
            assertEquals(List.of("65@0", "4096@1", "2@2"),
                    ev.stream().map(e -> e.integer(1) + "@" + e.selector()).collect(Collectors.toList()));
        }
    }

    @Test
    void fdIsResolvedToItsPathOnWriteAndClose() throws Exception {
        int w = newId();
        int c = newId();
        TestHook write = TestHook.syscall("write", w).arg(ArgType.FD, 0, 0).arg(ArgType.SIZE_T, 0, 2)
                .selector().strings(0, Op.POSTFIX, "/w-a.txt").done();
        TestHook close = TestHook.syscall("close", c).arg(ArgType.FD, 0, 0)
                .selector().strings(0, Op.PREFIX, p("b/")).done();
        try (LoadedHook l1 = load(write); LoadedHook l2 = load(close)) {
            List<TestHook.Event> ev = run("helper", "write", p("a/w-a.txt"), "write", p("b/w-b.txt"));
            List<TestHook.Event> we = of(ev, w);
            assertEquals(1, we.size(), ev.toString());
            assertEquals(p("a/w-a.txt"), we.get(0).string(0));
            assertEquals(5, we.get(0).integer(1));
            List<TestHook.Event> ce = of(ev, c);
            assertEquals(List.of(p("b/w-b.txt")), ce.stream().map(e -> e.string(0)).collect(Collectors.toList()));
        }
    }

    @Test
    void sockaddrDaddrAndDportOnConnect() throws Exception {
        int id = newId();
        int port = 40000 + (int) (ProcessHandle.current().pid() % 20000);
        TestHook h = TestHook.syscall("connect", id).arg(ArgType.SOCKADDR, ArgFlag.USER, 1)
                .selector().addr4(0, Op.DADDR, new byte[] {127, 0, 0, 1}, 32).set(0, Op.DPORT, port).done();
        try (LoadedHook l = load(h)) {
            List<TestHook.Event> ev = of(run("helper", "connect", Integer.toString(port), "connect", Integer.toString(port + 1)), id);
            assertEquals(1, ev.size(), ev.toString());
            ByteBuffer sa = ByteBuffer.wrap(ev.get(0).args().get(0)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            assertEquals(GenericAbi.Sockaddr.SIZEOF, sa.capacity());
            assertEquals(2, sa.getShort(GenericAbi.Sockaddr.FAMILY));
            assertEquals(port, sa.getShort(GenericAbi.Sockaddr.DPORT) & 0xffff);
            byte[] daddr = new byte[4];
            sa.get(GenericAbi.Sockaddr.DADDR, daddr);
            assertArrayEquals(new byte[] {127, 0, 0, 1}, daddr);
        }
        int other = newId();
        TestHook notLocal = TestHook.syscall("connect", other).arg(ArgType.SOCKADDR, ArgFlag.USER, 1)
                .selector().addr4(0, Op.DADDR, new byte[] {10, 0, 0, 0}, 8).done();
        try (LoadedHook l = load(notLocal)) {
            assertEquals(List.of(), of(run("helper", "connect", Integer.toString(port)), other));
        }
    }

    @Test
    void matchPidsFollowForksReachesTheChildOnlyWithFollow() throws Exception {
        int jvm = (int) ProcessHandle.current().pid();
        int follow = newId();
        int direct = newId();
        int notIn = newId();
        TestHook f = TestHook.syscall("openat", follow).arg(ArgType.STRING, ArgFlag.USER, 1)
                .selector().pids(SetOp.IN, GenericAbi.PidFlag.FOLLOW_FORKS, jvm).strings(0, Op.PREFIX, p("a/")).done();
        TestHook d = TestHook.syscall("openat", direct).arg(ArgType.STRING, ArgFlag.USER, 1)
                .selector().pids(SetOp.IN, 0, jvm).strings(0, Op.PREFIX, p("a/")).done();
        TestHook n = TestHook.syscall("openat", notIn).arg(ArgType.STRING, ArgFlag.USER, 1)
                .selector().pids(SetOp.NOT_IN, 0, jvm).strings(0, Op.PREFIX, p("a/")).done();
        try (LoadedHook l1 = load(f); LoadedHook l2 = load(d); LoadedHook l3 = load(n)) {
            List<TestHook.Event> ev = run("helper", "open", p("a/pid"), "0x41");
            assertEquals(1, of(ev, follow).size(), "followForks: the JVM's child matches: " + ev);
            assertEquals(0, of(ev, direct).size(), "without followForks the child is not the JVM: " + ev);
            assertEquals(1, of(ev, notIn).size(), "NotIn the JVM's pid: " + ev);
        }
    }

    @Test
    void matchBinariesUsesTheExecSensorsBits() throws Exception {
        BinaryTables tables = new BinaryTables(sensors.objects.get(0)::map);
        String cat = Path.of("/bin/cat").toRealPath().toString();
        tables.replace(Map.of(helper.toString(), 1L << 5), Map.of(dir.toString() + "/", 1L << 6),
                Map.of("/" + Path.of(cat).getFileName(), 1L << 7), 0);
        int exact = newId();
        int fix = newId();
        TestHook e = TestHook.syscall("openat", exact).arg(ArgType.STRING, ArgFlag.USER, 1)
                .selector().binary(SetOp.IN, 5).strings(0, Op.PREFIX, p("a/")).done();
        TestHook x = TestHook.syscall("openat", fix).arg(ArgType.STRING, ArgFlag.USER, 1)
                .selector().binary(SetOp.IN, 6).strings(0, Op.PREFIX, p("a/")).done()
                .selector().binary(SetOp.IN, 7).strings(0, Op.PREFIX, p("a/")).done()
                .selector().binary(SetOp.NOT_IN, 5).strings(0, Op.PREFIX, p("a/")).done();
        Files.writeString(dir.resolve("a/bin"), "x");
        try (LoadedHook l1 = load(e); LoadedHook l2 = load(x)) {
            List<TestHook.Event> h = run("helper", "open", p("a/bin"), "0");
            assertEquals(1, of(h, exact).size(), h.toString());
            assertEquals(List.of(0), of(h, fix).stream().map(TestHook.Event::selector).collect(Collectors.toList()), "prefix bit");
            List<TestHook.Event> c = run(cat, p("a/bin"));
            assertEquals(0, of(c, exact).size(), "cat is not the helper: " + c);
            assertEquals(List.of(1), of(c, fix).stream().map(TestHook.Event::selector).collect(Collectors.toList()), "postfix bit");
        } finally {
            tables.replace(Map.of(), Map.of(), Map.of(), 0);
        }
        int after = newId();
        try (LoadedHook l = load(TestHook.syscall("openat", after).arg(ArgType.STRING, ArgFlag.USER, 1)
                .selector().binary(SetOp.IN, 5).strings(0, Op.PREFIX, p("a/")).done())) {
            assertEquals(0, of(run("helper", "open", p("a/bin"), "0"), after).size(), "tables emptied: no bits");
        }
    }

    @Test
    void noPostSuppressesAndTheNextSelectorIsNotTried() throws Exception {
        int id = newId();
        TestHook h = TestHook.syscall("openat", id).arg(ArgType.STRING, ArgFlag.USER, 1)
                .selector().strings(0, Op.PREFIX, p("a/")).actions(GenericAbi.Action.NOPOST).done()
                .selector().strings(0, Op.PREFIX, dir + "/").done();
        try (LoadedHook l = load(h)) {
            List<TestHook.Event> ev = of(run("helper", "open", p("a/np"), "0x41", "open", p("b/np"), "0x41"), id);
            assertEquals(List.of(p("b/np") + "@1"), ev.stream().map(e -> e.string(0) + "@" + e.selector()).collect(Collectors.toList()));
        }
    }

    @Test
    void noSelectorsPostsEveryCall() throws Exception {
        int id = newId();
        try (LoadedHook l = load(TestHook.syscall("openat", id).arg(ArgType.STRING, ArgFlag.USER, 1))) {
            List<TestHook.Event> ev = of(run("helper", "open", p("a/all1"), "0x41", "open", p("b/all2"), "0x41"), id);
            List<String> ours = ev.stream().map(e -> e.string(0)).filter(s -> s.startsWith(dir.toString())).collect(Collectors.toList());
            assertEquals(List.of(p("a/all1"), p("b/all2")), ours);
            assertTrue(ev.stream().allMatch(e -> e.selector() == 0xff), ev.toString());
        }
    }

    @Test
    void rateLimitPostsOncePerProcess() throws Exception {
        int id = newId();
        long before = sensors.map("vigil_stats").sumPerCpu(StatIndex.GEN_RATE_LIMITED.index());
        TestHook h = TestHook.syscall("openat", id).arg(ArgType.STRING, ArgFlag.USER, 1)
                .selector().strings(0, Op.PREFIX, p("a/")).rateLimit(60_000_000_000L, GenericAbi.RateScope.PROCESS).done();
        try (LoadedHook l = load(h)) {
            List<TestHook.Event> ev = of(run("helper", "open", p("a/r"), "0x41", "open", p("a/r"), "0x41", "open", p("a/r"), "0x41"), id);
            assertEquals(1, ev.size(), ev.toString());
            assertTrue(sensors.map("vigil_stats").sumPerCpu(StatIndex.GEN_RATE_LIMITED.index()) >= before + 2);
        }
    }

    @Test
    void returnValueAndMatchReturnArgs() throws Exception {
        int id = newId();
        Files.writeString(dir.resolve("a/exists"), "x");
        TestHook h = TestHook.syscall("openat", id).arg(ArgType.STRING, ArgFlag.USER, 1).returns(ArgType.S32)
                .selector().strings(0, Op.PREFIX, p("a/")).filter(GenericAbi.SLOT_RETURN, Op.LT, 0).done();
        try (LoadedHook l = load(h)) {
            List<TestHook.Event> ev = of(run("helper", "open", p("a/missing"), "0", "open", p("a/exists"), "0"), id);
            assertEquals(1, ev.size(), ev.toString());
            assertEquals(p("a/missing"), ev.get(0).string(0));
            assertEquals(-2, ev.get(0).ret(), "ENOENT");
            assertEquals(GenericAbi.MsgFlag.RETURN, ev.get(0).flags());
        }
    }

    @Test
    void charBufSizedByTheReturnValueOfRead() throws Exception {
        int id = newId();
        Files.writeString(dir.resolve("b/data.txt"), "hello world");
        Files.writeString(dir.resolve("a/data.txt"), "other");
        TestHook h = TestHook.syscall("read", id).arg(ArgType.FD, 0, 0)
                .arg(ArgType.CHAR_BUF, ArgFlag.USER | ArgFlag.SIZE_RETURN, 1).returns(ArgType.S64)
                .selector().strings(0, Op.PREFIX, p("b/")).done();
        try (LoadedHook l = load(h)) {
            List<TestHook.Event> ev = of(run("helper", "read", p("b/data.txt"), "read", p("a/data.txt")), id);
            assertEquals(1, ev.size(), ev.toString());
            assertEquals(p("b/data.txt"), ev.get(0).string(0));
            assertEquals("hello world", ev.get(0).string(1));
            assertEquals(11, ev.get(0).ret());
        }
    }
}
