package io.vigil.agent.policy.features;

import static io.vigil.agent.kernel.PolicyKernelTests.bash;
import static io.vigil.agent.kernel.PolicyKernelTests.python;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * matchArgs operator families on strings (openat's pathname) and integers (lseek's offset,
 * openat's flags), and InMap over a syscalls list on a raw tracepoint: each fires for the hit
 * and not for the near miss. Triggers are bash builtins or python, so the process that does the
 * syscall is the one started.
 */
@Tag("kernel")
@Tag("vm-features")   // in the VM on one kernel and backend only (kprobe-bpf/vm/run-kernel-tests.sh)
class MatchArgsKernelTest extends FeatureKernelTest {

    /** openat(2) with its pathname, filtered by the given matchArgs (YAML list items, from column 0). */
    private void openat(String name, String filters) throws Exception {
        apply(name, """
                kprobes:
                - call: "sys_openat"
                  syscall: true
                  args:
                  - index: 1
                    type: "string"
                  - index: 2
                    type: "int"
                  selectors:
                  - matchArgs:
                """ + filters.indent(4));
    }

    private static long read(Path f) throws Exception {
        return bash("read -r x < " + f + " 2>/dev/null; true");
    }

    @Test
    void equalAndNotEqual() throws Exception {
        Path d = dir("d");
        Path a = file("d/a");
        Path b = file("d/b");
        openat("op-equal", """
                - index: 1
                  operator: "Equal"
                  values: ["%s"]
                """.formatted(a));
        openat("op-notequal", """
                - index: 1
                  operator: "Prefix"
                  values: ["%s/"]
                - index: 1
                  operator: "NotEqual"
                  values: ["%s"]
                """.formatted(d, a));
        long pa = read(a);
        long pb = read(b);
        assertEquals(a.toString(), events.awaitOne("op-equal", pa).at("/args/0/string_arg").asText());
        assertEquals(b.toString(), events.awaitOne("op-notequal", pb).at("/args/0/string_arg").asText());
        events.assertNone("op-equal", pb);
        events.assertNone("op-notequal", pa);
    }

    @Test
    void prefixAndNotPrefix() throws Exception {
        Path root = dir("root");
        Path in = file("root/in/f");
        Path out = file("root/out/f");
        openat("op-prefix", """
                - index: 1
                  operator: "Prefix"
                  values: ["%s/in/"]
                """.formatted(root));
        openat("op-notprefix", """
                - index: 1
                  operator: "Prefix"
                  values: ["%1$s/"]
                - index: 1
                  operator: "NotPrefix"
                  values: ["%1$s/in/", "%1$s/elsewhere/"]
                """.formatted(root));
        long pin = read(in);
        long pout = read(out);
        events.awaitOne("op-prefix", pin);
        events.awaitOne("op-notprefix", pout);
        events.assertNone("op-prefix", pout);
        events.assertNone("op-notprefix", pin);
    }

    @Test
    void postfixAndNotPostfix() throws Exception {
        Path d = dir("d");
        Path key = file("d/id.key");
        Path txt = file("d/id.txt");
        openat("op-postfix", """
                - index: 1
                  operator: "Prefix"
                  values: ["%s/"]
                - index: 1
                  operator: "Postfix"
                  values: [".key", ".pem"]
                """.formatted(d));
        openat("op-notpostfix", """
                - index: 1
                  operator: "Prefix"
                  values: ["%s/"]
                - index: 1
                  operator: "NotPostfix"
                  values: [".key"]
                """.formatted(d));
        long pkey = read(key);
        long ptxt = read(txt);
        events.awaitOne("op-postfix", pkey);
        events.awaitOne("op-notpostfix", ptxt);
        events.assertNone("op-postfix", ptxt);
        events.assertNone("op-notpostfix", pkey);
    }

    /** O_CREAT (0x40) in openat's flags: a create fires, a plain read of the same directory does not. */
    @Test
    void mask() throws Exception {
        Path d = dir("d");
        Path existing = file("d/existing");
        openat("op-mask", """
                - index: 1
                  operator: "Prefix"
                  values: ["%s/"]
                - index: 2
                  operator: "Mask"
                  values: ["0x40"]
                """.formatted(d));
        long create = bash("echo x > " + d.resolve("new"));
        long plain = read(existing);
        JsonNode e = events.awaitOne("op-mask", create);
        assertEquals(0x40, e.at("/args/1/int_arg").asInt() & 0x40, e.toString());
        events.assertNone("op-mask", plain);
    }

    /** lseek(2)'s offset, filtered by the given matchArgs. */
    private void lseek(String name, String filters) throws Exception {
        apply(name, """
                kprobes:
                - call: "sys_lseek"
                  syscall: true
                  args:
                  - index: 1
                    type: "int64"
                  selectors:
                  - matchArgs:
                """ + filters.indent(4));
    }

    /** A python process that seeks an open file to each offset (SEEK_SET); its pid. */
    private long seek(String offsets) throws Exception {
        Path f = file("seek-me");
        return python("""
                import os
                fd = os.open("%s", os.O_RDONLY)
                for off in (%s,):
                    os.lseek(fd, off, os.SEEK_SET)
                """.formatted(f, offsets));
    }

    /** GT and LT bound an interval together; both bounds are exclusive. */
    @Test
    void greaterAndLessThan() throws Exception {
        lseek("op-gtlt", """
                - index: 1
                  operator: "GT"
                  values: ["1000000"]
                - index: 1
                  operator: "LT"
                  values: ["1000010"]
                """);
        long hit = seek("1000005");
        long miss = seek("1000000, 1000010, 999999, 2000000");
        assertEquals("1000005", events.awaitOne("op-gtlt", hit).at("/args/0/long_arg").asText());
        events.assertNone("op-gtlt", miss);
    }

    /** InMap/NotInMap with values and min:max ranges. */
    @Test
    void inMapAndNotInMap() throws Exception {
        lseek("op-inmap", """
                - index: 1
                  operator: "InMap"
                  values: ["2000002", "3000000:3000004"]
                """);
        lseek("op-notinmap", """
                - index: 1
                  operator: "GT"
                  values: ["4000000"]
                - index: 1
                  operator: "LT"
                  values: ["4000100"]
                - index: 1
                  operator: "NotInMap"
                  values: ["4000010:4000020", "4000050"]
                """);
        long in = seek("3000003");
        long in2 = seek("2000002");
        long out = seek("3000005, 2000001, 2999999");
        long notIn = seek("4000030");
        long notInMiss = seek("4000015, 4000050");
        assertEquals("3000003", events.awaitOne("op-inmap", in).at("/args/0/long_arg").asText());
        events.awaitOne("op-inmap", in2);
        assertEquals("4000030", events.awaitOne("op-notinmap", notIn).at("/args/0/long_arg").asText());
        events.assertNone("op-inmap", out);
        events.assertNone("op-notinmap", notInMiss);
    }

    /**
     * Tetragon's list example: InMap over a `syscalls` list compares raw_syscalls/sys_enter's id with
     * the list's syscall numbers. dup(2) is in the list, dup2(2) is not.
     */
    @Test
    void inMapOverASyscallsList() throws Exception {
        apply("op-list", """
                lists:
                - name: "dups"
                  type: "syscalls"
                  values: ["sys_dup"]
                tracepoints:
                - subsystem: "raw_syscalls"
                  event: "sys_enter"
                  args:
                  - index: 4
                    type: "syscall64"
                  selectors:
                  - matchArgs:
                    - index: 0
                      operator: "InMap"
                      values: ["list:dups"]
                """);
        // libc's, not os.dup: python's dup is fcntl(F_DUPFD_CLOEXEC)
        long dup = python("import ctypes\nctypes.CDLL(None).dup(0)\n");
        long dup2 = python("import ctypes\nctypes.CDLL(None).dup2(0, 9)\n");
        events.awaitOne("op-list", dup);
        assertEquals("process_tracepoint", events.kindOf("op-list"));
        events.assertNone("op-list", dup2);
    }
}
