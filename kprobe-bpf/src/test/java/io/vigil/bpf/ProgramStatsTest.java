package io.vigil.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Decoding struct bpf_prog_info as the kernel writes it. */
class ProgramStatsTest {

    private static byte[] info(int id, String name, long runTimeNs, long runCnt) {
        ByteBuffer b = ByteBuffer.allocate(ProgramStats.INFO_LEN).order(ByteOrder.nativeOrder());
        b.putInt(ProgramStats.ID, id);
        b.put(ProgramStats.NAME, name.getBytes(StandardCharsets.US_ASCII));
        b.putLong(ProgramStats.RUN_TIME_NS, runTimeNs);
        b.putLong(ProgramStats.RUN_CNT, runCnt);
        return b.array();
    }

    @Test
    void idNameAndCounts() {
        assertEquals(new ProgramRun(4711, "vigil_exec_tp", 42, 90_000),
                ProgramStats.decode(info(4711, "vigil_exec_tp", 90_000, 42), ProgramStats.INFO_LEN));
    }

    @Test
    void aFifteenCharacterNameFillsTheFieldUpToItsNul() {
        assertEquals("vigil_fork_rawt", ProgramStats.decode(info(1, "vigil_fork_rawt", 0, 0), ProgramStats.INFO_LEN).name());
    }

    @Test
    void aKernelThatWroteLessHasNoCounts() {
        // before 5.1 struct bpf_prog_info ended before run_time_ns: what is past it is not a count
        ProgramRun r = ProgramStats.decode(info(9, "old", 5, 6), ProgramStats.RUN_TIME_NS);
        assertEquals(new ProgramRun(9, "old", 0, 0), r);
    }
}
