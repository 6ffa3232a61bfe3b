package io.vigil.enforcement.asset.datapath;

import io.vigil.bpf.wire.AssetAbi;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One tainted process as the kernel keeps it: struct asset_taint (asset_abi.h).
 *
 * @param startBoottime task->start_boottime of the process (ns): tells a reused pid from the one tainted
 * @param taintedAt     boot-clock ns of the read that tainted it (or its ancestor)
 * @param assetDev      st_dev of the asset read
 * @param assetIno      st_ino of the asset read
 * @param bytes         egress bytes counted so far
 * @param policy        index of the AssetProtectionPolicy
 * @param flags         AssetAbi.TAINT_* bits
 * @param exitedAt      boot-clock ns of its exit, with {@link AssetAbi#TAINT_EXITED}
 */
public record Taint(long startBoottime, long taintedAt, long assetDev, long assetIno, long bytes, int policy,
                    int flags, long exitedAt) {

    /** A fresh taint: nothing sent yet, running. */
    public static Taint of(long startBoottime, long taintedAt, long assetDev, long assetIno, int policy) {
        return new Taint(startBoottime, taintedAt, assetDev, assetIno, 0, policy, 0, 0);
    }

    public boolean exited() {
        return (flags & AssetAbi.TAINT_EXITED) != 0;
    }

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(AssetAbi.Taint.SIZEOF).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(AssetAbi.Taint.START_BOOTTIME, startBoottime);
        b.putLong(AssetAbi.Taint.TAINTED_AT, taintedAt);
        b.putLong(AssetAbi.Taint.ASSET_DEV, assetDev);
        b.putLong(AssetAbi.Taint.ASSET_INO, assetIno);
        b.putLong(AssetAbi.Taint.BYTES, bytes);
        b.putInt(AssetAbi.Taint.POLICY, policy);
        b.putInt(AssetAbi.Taint.FLAGS, flags);
        b.putLong(AssetAbi.Taint.EXITED_AT, exitedAt);
        return b.array();
    }

    public static Taint decode(byte[] v) {
        ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN);
        return new Taint(b.getLong(AssetAbi.Taint.START_BOOTTIME), b.getLong(AssetAbi.Taint.TAINTED_AT),
                b.getLong(AssetAbi.Taint.ASSET_DEV), b.getLong(AssetAbi.Taint.ASSET_INO),
                b.getLong(AssetAbi.Taint.BYTES), b.getInt(AssetAbi.Taint.POLICY), b.getInt(AssetAbi.Taint.FLAGS),
                b.getLong(AssetAbi.Taint.EXITED_AT));
    }
}
