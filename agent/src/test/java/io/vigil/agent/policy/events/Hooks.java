package io.vigil.agent.policy.events;

import io.vigil.agent.policy.HookDescriptor;
import io.vigil.agent.policy.HookDescriptor.ArgDescriptor;
import io.vigil.bpf.wire.ExecveKey;
import io.vigil.bpf.wire.GenericAbi;
import io.vigil.bpf.wire.GenericMsg;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/** Hand-made hooks and records for the policy event tests. */
public final class Hooks {
    private Hooks() {}

    public static ArgDescriptor arg(int abi, String type) {
        return new ArgDescriptor(abi, type, Optional.empty());
    }

    public static ArgDescriptor arg(int abi, String type, String label) {
        return new ArgDescriptor(abi, type, Optional.of(label));
    }

    /** sys_openat as a kprobe hook: int dfd, string filename, int flags; returns int. */
    public static HookDescriptor openat(int id) {
        return new HookDescriptor(id, "file-monitoring", Optional.empty(), HookDescriptor.Kind.KPROBE,
                "__x64_sys_openat", "", "",
                List.of(arg(GenericAbi.ArgType.S32, "int"), arg(GenericAbi.ArgType.STRING, "string", "path"),
                        arg(GenericAbi.ArgType.S32, "int")),
                Optional.of(arg(GenericAbi.ArgType.S32, "int")), Optional.of("open seen"), List.of("fs"));
    }

    public static GenericMsg.RawArg raw(long v) {
        return new GenericMsg.RawArg(0, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, v).array());
    }

    public static GenericMsg.RawArg raw(String s) {
        return new GenericMsg.RawArg(0, s.getBytes(StandardCharsets.UTF_8));
    }

    public static GenericMsg.RawArg unreadable() {
        return new GenericMsg.RawArg(GenericAbi.ArgMsgFlag.ERROR, new byte[0]);
    }

    public static GenericMsg msg(ExecveKey process, long ktime, int tid, int hookId, List<GenericMsg.RawArg> args) {
        return new GenericMsg(ktime, process, tid, hookId, 0, GenericMsg.NO_SELECTOR, GenericAbi.MsgFlag.RETURN,
                GenericAbi.Action.POST, args);
    }

    public static GenericMsg openatMsg(ExecveKey process, long ktime, int hookId, String path) {
        return msg(process, ktime, process.pid() + 1, hookId, List.of(raw(-100), raw(path), raw(0)));
    }
}
