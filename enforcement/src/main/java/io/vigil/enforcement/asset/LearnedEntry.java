package io.vigil.enforcement.asset;

import io.vigil.bpf.wire.AssetAbi;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * struct asset_learned_key / asset_learned_value (asset_abi.h; offsets from AssetAbi). Pure.
 *
 * <pre>
 * key   := policy:u32le  family:u8 (AF_INET 2, AF_INET6 10)  pad:3  addr:16 (IPv4 in the first 4)
 * value := expires:u64le (boot-clock ns)  asset_ports (40 bytes, see AllowListEncoder.portsValue)
 * </pre>
 */
final class LearnedEntry {
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;

    private LearnedEntry() {}

    static byte[] key(int policy, byte[] address) {
        ByteBuffer b = ByteBuffer.allocate(AssetAbi.LearnedKey.SIZEOF).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(AssetAbi.LearnedKey.POLICY, policy);
        b.put(AssetAbi.LearnedKey.FAMILY, (byte) (address.length == 4 ? AF_INET : AF_INET6));
        b.put(AssetAbi.LearnedKey.ADDR, address);
        return b.array();
    }

    static byte[] value(long expiresNanos, PortSet ports) {
        ByteBuffer b = ByteBuffer.allocate(AssetAbi.LearnedValue.SIZEOF).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(AssetAbi.LearnedValue.EXPIRES, expiresNanos);
        b.put(AssetAbi.LearnedValue.PORTS, AllowListEncoder.portsValue(ports.ports(), ports.protoBits()));
        return b.array();
    }
}
