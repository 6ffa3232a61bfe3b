package io.vigil.agent.policy.runtime;

import io.vigil.bpf.wire.GenericAbi;
import io.vigil.bpf.wire.Layout;
import io.vigil.bpf.wire.MsgOp;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The record a fanotify decision puts on the event path: a struct msg_generic exactly as the hook
 * programs write it (generic_abi.h), so the decoder, the process model and the JSON are the kernel
 * events' own. Pure.
 */
final class FileDenyRecords {
    private FileDenyRecords() {}

    /**
     * @param nargs    arguments the hook declares: each is the file, as the path
     * @param monitored an Override was due but the policy is in monitor mode
     */
    static byte[] encode(long ktime, int pid, long processKtime, int hookId, int selector, int nargs, int actions,
            boolean monitored, String path) {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        int len = Math.min(p.length, GenericAbi.ARG_BYTES);
        int size = GenericAbi.MsgGeneric.SIZEOF + nargs * (GenericAbi.MsgArg.SIZEOF + len);
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.put(Layout.Common.OP, (byte) MsgOp.GENERIC.code());
        b.putInt(Layout.Common.SIZE, size);
        b.putLong(Layout.Common.KTIME, ktime);
        b.putInt(GenericAbi.MsgGeneric.PROCESS + Layout.ExecveKey.PID, pid);
        b.putLong(GenericAbi.MsgGeneric.PROCESS + Layout.ExecveKey.KTIME, processKtime);
        b.putInt(GenericAbi.MsgGeneric.TID, pid);
        b.putInt(GenericAbi.MsgGeneric.HOOK_ID, hookId);
        b.put(GenericAbi.MsgGeneric.SELECTOR, (byte) selector);
        b.put(GenericAbi.MsgGeneric.NARGS, (byte) nargs);
        b.putShort(GenericAbi.MsgGeneric.FLAGS, (short) (monitored ? GenericAbi.MsgFlag.MONITORED : 0));
        b.putInt(GenericAbi.MsgGeneric.ACTIONS, actions);
        int off = GenericAbi.MsgGeneric.SIZEOF;
        for (int i = 0; i < nargs; i++) {
            b.putInt(off + GenericAbi.MsgArg.LEN, len);
            b.putInt(off + GenericAbi.MsgArg.FLAGS, len < p.length ? GenericAbi.ArgMsgFlag.TRUNCATED : 0);
            b.put(off + GenericAbi.MsgArg.SIZEOF, p, 0, len);
            off += GenericAbi.MsgArg.SIZEOF + len;
        }
        return b.array();
    }
}
