package io.vigil.api.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.api.Event;
import io.vigil.api.ProcessAsset;
import io.vigil.api.ProcessInfo;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Golden lines of process_asset, Vigil's model-theft guard event. */
class ProcessAssetJsonTest {
    private final EventJsonWriter writer = new EventJsonWriter();
    private static final ProcessInfo SH = EventJsonWriterTest.SH;
    private static final String SH_JSON = "{\"exec_id\":\"dGV0cmFnb24tZGV2LWNvbnRyb2wtcGxhbmU6MTY4MDE3MDQ3OTQyOTg6NjQ2MTU=\",\"pid\":64615,\"uid\":0,"
            + "\"cwd\":\"/\",\"binary\":\"/bin/sh\",\"flags\":\"execve rootcwd clone\",\"start_time\":\"2024-04-14T02:17:46.240638141Z\","
            + "\"auid\":4294967295,\"tid\":64615}";
    private static final Instant T = Instant.parse("2024-04-14T02:18:14.376304204Z");
    private static final String TAIL = ",\"node_name\":\"n1\",\"time\":\"2024-04-14T02:18:14.376304204Z\"}";

    @Test
    void connectDeniedCarriesAssetAndDestination() {
        ProcessAsset a = new ProcessAsset(SH, null, "protect-llama", "CONNECT_DENIED", "DENY",
                new ProcessAsset.Asset("/models/llama.safetensors", 2051, 131), new ProcessAsset.Destination("10.251.61.2",
                        7302, "TCP", List.of()), 4096, 0);
        assertEquals("{\"process_asset\":{\"process\":" + SH_JSON + ",\"policy_name\":\"protect-llama\","
                + "\"event\":\"CONNECT_DENIED\",\"action\":\"DENY\","
                + "\"asset\":{\"path\":\"/models/llama.safetensors\",\"dev\":2051,\"inode\":131},"
                + "\"destination\":{\"address\":\"10.251.61.2\",\"port\":7302,\"protocol\":\"TCP\"},"
                + "\"bytes_sent\":4096}" + TAIL, writer.toJson(new Event("n1", T, a)));
    }

    @Test
    void taintHasNoDestinationAndBudgetShowsWhenCrossed() {
        ProcessAsset taint = new ProcessAsset(SH, SH, "p", "TAINT", "DENY", new ProcessAsset.Asset("/m/w.gguf", 1, 2),
                null, 0, 0);
        assertEquals("{\"process_asset\":{\"process\":" + SH_JSON + ",\"parent\":" + SH_JSON + ",\"policy_name\":\"p\","
                + "\"event\":\"TAINT\",\"action\":\"DENY\",\"asset\":{\"path\":\"/m/w.gguf\",\"dev\":1,\"inode\":2}}" + TAIL,
                writer.toJson(new Event("n1", T, taint)));
        ProcessAsset over = new ProcessAsset(SH, null, "p", "BUDGET_EXCEEDED", "MONITOR", null,
                new ProcessAsset.Destination("fd00::2", 443, "TCP", List.of("api.example.com")), 1048577, 1048576);
        assertEquals("{\"process_asset\":{\"process\":" + SH_JSON + ",\"policy_name\":\"p\","
                + "\"event\":\"BUDGET_EXCEEDED\",\"action\":\"MONITOR\","
                + "\"destination\":{\"address\":\"fd00::2\",\"port\":443,\"protocol\":\"TCP\",\"names\":[\"api.example.com\"]},"
                + "\"bytes_sent\":1048577,\"budget\":1048576}" + TAIL, writer.toJson(new Event("n1", T, over)));
        assertEquals(false, over.enforced());
    }
}
