package io.vigil.bpf.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A model-theft guard decision: struct msg_asset (asset_abi.h). Made by the kernel (connect,
 * sendmsg, budget) or by the agent (taint, open refused), which then also names the asset.
 *
 * @param kind     AssetAbi.Ev value
 * @param action   AssetAbi.Action of the policy
 * @param family   2 (IPv4) or 10 (IPv6); 0 without a destination
 * @param address  destination in network order, 16 bytes (IPv4 in the first 4)
 * @param port     destination port
 * @param bytes    the process's counted egress bytes
 * @param budget   the budget crossed, or 0
 * @param assetPath the asset's path when the record names it, else empty
 */
public record AssetMsg(long ktime, ExecveKey process, int tid, int policy, int kind, int action, int family,
                       int protocol, int port, byte[] address, long bytes, long budget, long assetDev, long assetIno,
                       String assetPath) implements Msg {
    public AssetMsg {
        address = Arrays.copyOf(address, 16);
        assetPath = assetPath == null ? "" : assetPath;
    }

    @Override
    public byte[] address() {
        return address.clone();
    }

    /** The record as the ring buffer would carry it: the agent's decisions join the kernel's this way. */
    public byte[] encode() {
        byte[] path = assetPath.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(AssetAbi.MsgAsset.SIZEOF + path.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(Layout.Common.OP, (byte) MsgOp.ASSET.code());
        b.putInt(Layout.Common.SIZE, b.capacity());
        b.putLong(Layout.Common.KTIME, ktime);
        b.putInt(AssetAbi.MsgAsset.PROCESS + Layout.ExecveKey.PID, process.pid());
        b.putLong(AssetAbi.MsgAsset.PROCESS + Layout.ExecveKey.KTIME, process.ktime());
        b.putInt(AssetAbi.MsgAsset.TID, tid);
        b.putInt(AssetAbi.MsgAsset.POLICY, policy);
        b.putShort(AssetAbi.MsgAsset.KIND, (short) kind);
        b.put(AssetAbi.MsgAsset.FAMILY, (byte) family);
        b.put(AssetAbi.MsgAsset.PROTOCOL, (byte) protocol);
        b.putShort(AssetAbi.MsgAsset.PORT, (short) port);
        b.putShort(AssetAbi.MsgAsset.ACTION, (short) action);
        b.put(AssetAbi.MsgAsset.ADDR, address, 0, Math.min(16, address.length));
        b.putLong(AssetAbi.MsgAsset.BYTES, bytes);
        b.putLong(AssetAbi.MsgAsset.BUDGET, budget);
        b.putLong(AssetAbi.MsgAsset.ASSET_DEV, assetDev);
        b.putLong(AssetAbi.MsgAsset.ASSET_INO, assetIno);
        b.putInt(AssetAbi.MsgAsset.PATH_LEN, path.length);
        b.put(AssetAbi.MsgAsset.SIZEOF, path);
        return b.array();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AssetMsg m && ktime == m.ktime && process.equals(m.process) && tid == m.tid
                && policy == m.policy && kind == m.kind && action == m.action && family == m.family
                && protocol == m.protocol && port == m.port && Arrays.equals(address, m.address) && bytes == m.bytes
                && budget == m.budget && assetDev == m.assetDev && assetIno == m.assetIno
                && assetPath.equals(m.assetPath);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(ktime) * 31 + process.hashCode() * 17 + kind;
    }
}
