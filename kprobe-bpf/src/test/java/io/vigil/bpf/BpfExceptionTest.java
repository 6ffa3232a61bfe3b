package io.vigil.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Error messages, and libbpf's log captured through the print callback (no root needed). */
class BpfExceptionTest {

    @Test
    void messageHasErrnoTextNameAndHint() {
        BpfException e = new BpfException("attaching program 'x'", 1, "run vigil as root", null);
        assertEquals("attaching program 'x': Operation not permitted (EPERM, errno 1). Run vigil as root", e.getMessage());
        assertEquals(1, e.errno());
        assertEquals("EPERM", e.errnoName());
        assertEquals("Operation not supported by this kernel (ENOTSUPP, errno 524)",
                new BpfException("x", 524).getMessage().substring(3));
    }

    @Test
    void loadExceptionEndsWithTheLast40LinesOfTheLog() {
        String log = IntStream.rangeClosed(1, 100).mapToObj(i -> "line " + i).collect(Collectors.joining("\n", "", "\n"));
        BpfLoadException e = new BpfLoadException("cannot load program 'p' (fentry/f) of o.bpf.o", "p", 1, "do this", log);
        String msg = e.getMessage();
        assertTrue(msg.startsWith("cannot load program 'p' (fentry/f) of o.bpf.o: Operation not permitted (EPERM, errno 1). Do this\n"), msg);
        assertTrue(msg.contains("libbpf/verifier log, last 40 of 100 lines:\nline 61\n"), msg);
        assertTrue(msg.endsWith("\nline 100"), msg);
        assertFalse(msg.contains("line 60\n"), msg);
        assertEquals(log, e.log());
        assertEquals("p", e.program());
        assertTrue(new BpfLoadException("w", null, 22, null, "").getMessage().endsWith("(libbpf printed nothing)"));
    }

    @Test
    void openOfAMissingFileCarriesLibbpfsFormattedWarning(@TempDir Path dir) {
        Path missing = dir.resolve("nothing-here.bpf.o");
        BpfException e = assertThrows(BpfException.class, () -> BpfObject.open(missing));
        assertEquals(2, e.errno(), e.getMessage());
        // libbpf: "elf: failed to open %s: %s" — formatted by vsnprintf from the va_list
        assertTrue(e.getMessage().contains("libbpf: elf: failed to open " + missing + ": No such file or directory"), e.getMessage());
        assertTrue(e.getMessage().contains("build kprobe-bpf"), e.getMessage());
    }

    /** A libbpf message longer than the 8 KiB first buffer: formatted again from a copy of the va_list. */
    @Test
    void longLibbpfMessagesAreFormattedWhole(@TempDir Path dir) {
        String longName = "d".repeat(200);
        StringBuilder p = new StringBuilder(dir.toString());
        while (p.length() < 10_000) {
            p.append('/').append(longName);
        }
        p.append("/x.bpf.o");
        BpfException e = assertThrows(BpfException.class, () -> BpfObject.open(Path.of(p.toString())));
        assertEquals(36, e.errno(), e.getMessage()); // ENAMETOOLONG
        assertTrue(e.getMessage().contains("failed to open " + p + ": File name too long"), e.getMessage());
    }

    @Test
    void missingResourceSaysToBuild() {
        BpfException e = assertThrows(BpfException.class, () -> BpfObject.openResource("/bpf/no_such.bpf.o"));
        assertEquals(2, e.errno());
        assertTrue(e.getMessage().contains("mvn install"), e.getMessage());
    }

    @Test
    void corruptObjectIsRefusedAtOpen(@TempDir Path dir) throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.bpf.o"), "not an ELF file");
        BpfException e = assertThrows(BpfException.class, () -> BpfObject.open(junk));
        assertTrue(e.getMessage().startsWith("cannot open BPF object " + junk + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("libbpf"), e.getMessage());
    }
}
