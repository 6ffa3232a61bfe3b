package io.vigil.agent.policy.features;

import static io.vigil.agent.kernel.PolicyKernelTests.bash;
import static io.vigil.agent.kernel.PolicyKernelTests.python;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * One syscall hook per argument type, end to end (policy YAML to the agent's JSON): the value is
 * read and written with the type's JSON key, and a filter on it lets the hit through and not the
 * near miss. Syscall hooks only, so the same test runs on the tracepoint and the kprobe backend.
 * Types only kernel functions carry (file, path, sock, skb, linux_binprm, cred, capability ...)
 * are not here: see MappedHooksKernelTest.
 */
@Tag("kernel")
@Tag("vm-features")   // in the VM on one kernel and backend only (kprobe-bpf/vm/run-kernel-tests.sh)
class ArgTypesKernelTest extends FeatureKernelTest {

    /** umask's argument as int and as uint32: the same 32 bits, signed and unsigned. */
    @Test
    void intAndUint32() throws Exception {
        String hook = """
                kprobes:
                - call: "sys_umask"
                  syscall: true
                  args:
                  - index: 0
                    type: "%s"
                  selectors:
                  - matchArgs:
                    - index: 0
                      operator: "%s"
                      values: ["%s"]
                """;
        apply("types-int", hook.formatted("int", "LT", "0"));
        apply("types-uint32", hook.formatted("uint32", "GT", "4000000000"));
        String umask = "import ctypes\nctypes.CDLL(None).umask(ctypes.c_uint(%s))\n";
        long hit = python(umask.formatted("0xFFFFFFF0"));
        long miss = python(umask.formatted("0o22"));
        assertEquals(-16, events.awaitOne("types-int", hit).at("/args/0/int_arg").asInt());
        JsonNode u = events.awaitOne("types-uint32", hit);
        assertEquals(4294967280L, u.at("/args/0/uint_arg").asLong(), u.toString());
        events.assertNone("types-int", miss);
        events.assertNone("types-uint32", miss);
    }

    /** lseek's offset as int64: values past 32 bits and negative ones. */
    @Test
    void int64() throws Exception {
        apply("types-int64", """
                kprobes:
                - call: "sys_lseek"
                  syscall: true
                  args:
                  - index: 1
                    type: "int64"
                  selectors:
                  - matchArgs:
                    - index: 1
                      operator: "Equal"
                      values: ["1099511627776"]
                  - matchArgs:
                    - index: 1
                      operator: "LT"
                      values: ["-1000000000"]
                """);
        Path f = file("f");
        String seek = """
                import os
                fd = os.open("%s", os.O_RDONLY)
                for off in (%s):
                    try:
                        os.lseek(fd, off, os.SEEK_CUR)
                    except OSError:
                        pass
                """;
        long big = python(seek.formatted(f, "1 << 40,"));
        long negative = python(seek.formatted(f, "-5000000000,"));
        long miss = python(seek.formatted(f, "(1 << 40) + 1, (1 << 32), -999999999, 5"));
        assertEquals("1099511627776", events.awaitOne("types-int64", big).at("/args/0/long_arg").asText());
        assertEquals("-5000000000", events.awaitOne("types-int64", negative).at("/args/0/long_arg").asText());
        events.assertNone("types-int64", miss);
    }

    /** write's count as size_t; its fd resolved to the file's path in the kernel. */
    @Test
    void sizeTAndFd() throws Exception {
        Path watched = dir("watched");
        Path other = dir("other");
        apply("types-size", """
                kprobes:
                - call: "sys_write"
                  syscall: true
                  args:
                  - index: 0
                    type: "fd"
                  - index: 2
                    type: "size_t"
                  selectors:
                  - matchArgs:
                    - index: 0
                      operator: "Prefix"
                      values: ["%s/"]
                    - index: 2
                      operator: "GT"
                      values: ["1000"]
                """.formatted(watched));
        long hit = bash("exec head -c 4096 /dev/zero > " + watched.resolve("big"));
        long small = bash("exec head -c 10 /dev/zero > " + watched.resolve("small"));
        long elsewhere = bash("exec head -c 4096 /dev/zero > " + other.resolve("big"));
        JsonNode e = events.awaitOne("types-size", hit);
        assertEquals(watched.resolve("big").toString(), e.at("/args/0/file_arg/path").asText(), e.toString());
        assertEquals("4096", e.at("/args/1/size_arg").asText(), e.toString());
        events.assertNone("types-size", small);
        events.assertNone("types-size", elsewhere);
    }

    /** read's fd alone: the path the fd stands for, filtered in the kernel. */
    @Test
    void fd() throws Exception {
        Path watched = file("watched/f");
        Path other = file("other/f");
        apply("types-fd", """
                kprobes:
                - call: "sys_read"
                  syscall: true
                  args:
                  - index: 0
                    type: "fd"
                  selectors:
                  - matchArgs:
                    - index: 0
                      operator: "Equal"
                      values: ["%s"]
                """.formatted(watched));
        long hit = bash("read -r x < " + watched);
        long miss = bash("read -r x < " + other);
        assertEquals(watched.toString(), events.awaitOne("types-fd", hit).at("/args/0/file_arg/path").asText());
        events.assertNone("types-fd", miss);
    }

    /** write's buffer as char_buf sized by its count (sizeArgIndex is 1-based), filtered by content. */
    @Test
    void charBuf() throws Exception {
        Path watched = dir("watched");
        apply("types-charbuf", """
                kprobes:
                - call: "sys_write"
                  syscall: true
                  args:
                  - index: 0
                    type: "fd"
                  - index: 1
                    type: "char_buf"
                    sizeArgIndex: 3
                  selectors:
                  - matchArgs:
                    - index: 0
                      operator: "Prefix"
                      values: ["%s/"]
                    - index: 1
                      operator: "Prefix"
                      values: ["VIGIL-MAGIC"]
                """.formatted(watched));
        long hit = bash("printf 'VIGIL-MAGIC payload' > " + watched.resolve("a"));
        long miss = bash("printf 'VIGIL-MAGI payload' > " + watched.resolve("b"));
        JsonNode e = events.awaitOne("types-charbuf", hit);
        assertEquals("VIGIL-MAGIC payload",
                new String(Base64.getDecoder().decode(e.at("/args/1/bytes_arg").asText()), StandardCharsets.UTF_8), e.toString());
        events.assertNone("types-charbuf", miss);
    }

    /** openat's pathname as string, and its return value as int filtered by matchReturnArgs. */
    @Test
    void stringAndReturnArgs() throws Exception {
        Path d = dir("d");
        Path exists = file("d/exists");
        apply("types-return", """
                kprobes:
                - call: "sys_openat"
                  syscall: true
                  return: true
                  args:
                  - index: 1
                    type: "string"
                  returnArg:
                    index: 0
                    type: "int"
                  selectors:
                  - matchArgs:
                    - index: 1
                      operator: "Prefix"
                      values: ["%s/"]
                    matchReturnArgs:
                    - index: 0
                      operator: "Equal"
                      values: ["-2"]
                """.formatted(d));
        long hit = bash("read -r x < " + d.resolve("missing") + " 2>/dev/null; true");
        long miss = bash("read -r x < " + exists);
        JsonNode e = events.awaitOne("types-return", hit);
        assertEquals(d.resolve("missing").toString(), e.at("/args/0/string_arg").asText(), e.toString());
        assertEquals(-2, e.at("/return/int_arg").asInt(), e.toString());
        events.assertNone("types-return", miss);
    }
}
