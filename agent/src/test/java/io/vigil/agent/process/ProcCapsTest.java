package io.vigil.agent.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProcCapsTest {
    @Test
    void readsTheThreeSetsOfAStatusFile() {
        String status = """
                Name:	bash
                Uid:	0	0	0	0
                CapInh:	0000000000000000
                CapPrm:	000001ffffffffff
                CapEff:	000001ffffdfffff
                CapBnd:	000001ffffffffff
                """;
        assertEquals(Optional.of(new ProcCaps(0x1ffffdfffffL, 0, 0x1ffffffffffL)), ProcCaps.parse(status));
    }

    @Test
    void aMissingSetIsNoAnswer() {
        assertEquals(Optional.empty(), ProcCaps.parse("Name:\tbash\nCapInh:\t0\nCapEff:\t0\n"));
    }
}
