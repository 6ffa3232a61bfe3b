package io.vigil.agent.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class TetragonArgsTest {

    @Test
    void execArgumentsFollowTetragonsArgsDecoderTests() {
        // The cases of Tetragon's pkg/process/args_test.go (TestArgsDecoder), with argv[0] added.
        assertEquals("a b", TetragonArgs.ofExec(List.of("x", "a", "b")));
        assertEquals("-c \"echo a b\"", TetragonArgs.ofExec(List.of("sh", "-c", "echo a b")));
        assertEquals(" \"a b\" c", TetragonArgs.ofExec(List.of("x", "a b", "c")));
        assertEquals("b", TetragonArgs.ofExec(List.of("x", "", "b")));
    }

    @Test
    void execArgumentEdgeCases() {
        assertEquals("", TetragonArgs.ofExec(List.of("ls")));
        assertEquals("", TetragonArgs.ofExec(List.of()));
        assertEquals("/etc/passwd", TetragonArgs.ofExec(List.of("vi", "/etc/passwd")));
        assertEquals("a  b", TetragonArgs.ofExec(List.of("x", "a", "", "b")));
        assertEquals("say \"it's\"", TetragonArgs.ofExec(List.of("x", "say", "\"it's\"")), "quotes without space: as is");
        assertEquals("-c \"echo \"hi there\"\"", TetragonArgs.ofExec(List.of("sh", "-c", "echo \"hi there\"")),
                "a space and quotes: wrapped, inner quotes not escaped");
    }

    @Test
    void procFsArgumentsFollowTetragonsProcArgs() {
        assertEquals("a b", TetragonArgs.ofProcFs(List.of("x", "a", "b")));
        assertEquals("\"a b\" c", TetragonArgs.ofProcFs(List.of("x", "a b", "c")), "no leading space");
        assertEquals("\"\" b", TetragonArgs.ofProcFs(List.of("x", "", "b")), "empty argument shown as \"\"");
        assertEquals("", TetragonArgs.ofProcFs(List.of("x", "")));
        assertEquals("", TetragonArgs.ofProcFs(List.of("x")));
    }
}
