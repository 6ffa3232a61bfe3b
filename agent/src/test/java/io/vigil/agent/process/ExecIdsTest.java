package io.vigil.agent.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.bpf.wire.ExecveKey;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ExecIdsTest {

    @Test
    void theDocsExampleExecIdsDecodeToNodeKtimePid() {
        // From the example event in Tetragon's docs (shared/reference/tetragon-events.md):
        // base64 -d gives "tetragon-dev-control-plane:16817705012542:64746".
        ExecIds ids = new ExecIds("tetragon-dev-control-plane");
        assertEquals("dGV0cmFnb24tZGV2LWNvbnRyb2wtcGxhbmU6MTY4MTc3MDUwMTI1NDI6NjQ3NDY=", ids.of(64746, 16817705012542L));
        assertEquals("dGV0cmFnb24tZGV2LWNvbnRyb2wtcGxhbmU6MTY4MDE3MDQ3OTQyOTg6NjQ2MTU=",
                ids.of(new ExecveKey(64615, 16801704794298L)));
        assertEquals("tetragon-dev-control-plane:16817705012542:64746",
                new String(Base64.getDecoder().decode(ids.of(64746, 16817705012542L)), StandardCharsets.UTF_8));
    }

    @Test
    void theKernelAsParentIsNamedWithKtimeOne() {
        ExecIds ids = new ExecIds("tetragon-dev-control-plane");
        assertEquals("dGV0cmFnb24tZGV2LWNvbnRyb2wtcGxhbmU6MTow", ids.parentOf(new ExecveKey(0, 0)));
        assertEquals(ids.of(1, 10_000_000L), ids.parentOf(new ExecveKey(1, 10_000_000L)));
    }

    @Test
    void numbersArePrintedUnsignedAsGoDoes() {
        String id = ExecIds.of("n", -1L, -1);
        assertEquals("n:18446744073709551615:4294967295",
                new String(Base64.getDecoder().decode(id), StandardCharsets.UTF_8));
    }

    @Test
    void paddingIsKept() {
        assertEquals("bjoxOjE=", ExecIds.of("n", 1, 1)); // "n:1:1", 5 bytes -> one '='
    }
}
