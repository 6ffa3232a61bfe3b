package io.vigil.enforcement.asset.datapath;

import io.vigil.bpf.wire.AssetAbi;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * What the kernel needs of one policy: struct asset_policy_cfg (asset_abi.h).
 *
 * @param budgetProcess     egress bytes a tainted process may send; 0 = unlimited
 * @param budgetDestination egress bytes per (process, address, port); 0 = unlimited
 * @param action            AssetAbi.Action value
 */
public record PolicyConfig(long budgetProcess, long budgetDestination, int action) {

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(AssetAbi.PolicyCfg.SIZEOF).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(AssetAbi.PolicyCfg.BUDGET_PROCESS, budgetProcess);
        b.putLong(AssetAbi.PolicyCfg.BUDGET_DESTINATION, budgetDestination);
        b.putInt(AssetAbi.PolicyCfg.ACTION, action);
        b.putInt(AssetAbi.PolicyCfg.FLAGS, AssetAbi.CFG_ACTIVE);
        return b.array();
    }
}
