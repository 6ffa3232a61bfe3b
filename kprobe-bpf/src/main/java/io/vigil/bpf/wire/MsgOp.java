package io.vigil.bpf.wire;

/** Record types of the event ring buffer. C side: kprobe-bpf/src/main/bpf/lib/vigil_msg.h, enum vigil_msg_op. */
public enum MsgOp {
    EXEC(1),
    EXIT(2),
    CLONE(3),
    /** A policy hook fired: struct msg_generic (generic_abi.h, {@link GenericAbi.MsgGeneric}). */
    GENERIC(4),
    /** A model-theft guard decision: struct msg_asset (asset_abi.h, {@link AssetAbi}). */
    ASSET(5),
    /** A DNS answer copied for the FQDN allow list: struct msg_dns (asset_abi.h, {@link AssetAbi}). */
    DNS(6),
    BENCH(100);

    private final int code;

    MsgOp(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The op for a wire code, or null when the code is unknown (a newer sensor, or garbage). */
    public static MsgOp of(int code) {
        switch (code) {
            case 1: return EXEC;
            case 2: return EXIT;
            case 3: return CLONE;
            case 4: return GENERIC;
            case 5: return ASSET;
            case 6: return DNS;
            case 100: return BENCH;
            default: return null;
        }
    }
}
