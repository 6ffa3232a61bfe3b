package io.vigil.agent.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.bpf.wire.ExecFlags;
import org.junit.jupiter.api.Test;

class FlagWordsTest {

    @Test
    void tetragonsOrderNotBitOrder() {
        assertEquals("execve rootcwd clone", FlagWords.of(ExecFlags.EXECVE | ExecFlags.CLONE | FlagWords.ROOT_CWD));
        assertEquals("execve truncFilename truncArgs miss errorCWD clone truncCWD",
                FlagWords.of(ExecFlags.EXECVE | ExecFlags.CLONE | ExecFlags.TRUNC_ARGS | ExecFlags.TRUNC_PATH
                        | ExecFlags.ERROR_CWD | ExecFlags.PARENT_GUESSED | ExecFlags.TRUNC_CWD));
        assertEquals("procFS rootcwd errorCWD", FlagWords.of(ExecFlags.PROCFS | FlagWords.ROOT_CWD | ExecFlags.ERROR_CWD));
        assertEquals("unknown", FlagWords.of(FlagWords.UNKNOWN));
        assertEquals("", FlagWords.of(0));
    }

    @Test
    void hasMatchesWholeWords() {
        assertTrue(FlagWords.has("execve miss clone", "miss"));
        assertTrue(!FlagWords.has("execve", "exec"));
    }
}
