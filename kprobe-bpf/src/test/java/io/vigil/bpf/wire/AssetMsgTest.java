package io.vigil.bpf.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class AssetMsgTest {

    private static AssetMsg sample(String path) {
        byte[] addr = {10, 1, 2, 3};
        return new AssetMsg(123456789L, new ExecveKey(4242, 99L), 4243, 3, AssetAbi.Ev.CONNECT_DENIED,
                AssetAbi.Action.DENY, 2, 6, 8443, addr, 1_000_000L, 0L, 0x803L, 77L, path);
    }

    @Test
    void agentRecordsDecodeAsTheKernelsDo() throws Exception {
        AssetMsg m = sample("/models/llama.safetensors");
        byte[] rec = m.encode();
        assertEquals(AssetAbi.MsgAsset.SIZEOF + "/models/llama.safetensors".length(), rec.length);
        assertEquals(m, MsgDecoder.decode(ByteBuffer.wrap(rec)));
    }

    @Test
    void fieldsSitWhereTheHeaderSays() {
        ByteBuffer b = ByteBuffer.wrap(sample("").encode()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(5, b.get(0));
        assertEquals(AssetAbi.MsgAsset.SIZEOF, b.getInt(4));
        assertEquals(4242, b.getInt(16));
        assertEquals(AssetAbi.Ev.CONNECT_DENIED, b.getShort(40));
        assertEquals(8443, b.getShort(44) & 0xffff);
        assertEquals(10, b.get(48));
        assertEquals(0x803L, b.getLong(80));
    }

    @Test
    void aPathLengthThatDisagreesWithTheRecordIsMalformed() {
        byte[] rec = sample("/m").encode();
        ByteBuffer.wrap(rec).order(ByteOrder.LITTLE_ENDIAN).putInt(AssetAbi.MsgAsset.PATH_LEN, 50);
        assertThrows(MalformedRecordException.class, () -> MsgDecoder.decode(ByteBuffer.wrap(rec)));
    }

    @Test
    void dnsRecordCarriesThePacket() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(AssetAbi.MsgDns.SIZEOF + 3).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, (byte) 6).putInt(4, b.capacity()).putLong(8, 7L).putInt(AssetAbi.MsgDns.LEN, 3);
        b.put(24, (byte) 0x45).put(25, (byte) 1).put(26, (byte) 2);
        DnsMsg m = (DnsMsg) MsgDecoder.decode(b);
        assertEquals(7L, m.ktime());
        assertEquals(3, m.packet().length);
        assertEquals(0x45, m.packet()[0]);
        b.putInt(AssetAbi.MsgDns.LEN, 4);
        assertThrows(MalformedRecordException.class, () -> MsgDecoder.decode(b));
    }
}
