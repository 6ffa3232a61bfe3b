package io.vigil.bpf.wire;

/**
 * The model-theft guard's maps and records. C side: kprobe-bpf/src/main/bpf/lib/asset_abi.h (every
 * constant and offset here is written there once; StructLayoutTest compares the structs' BTF with
 * these offsets).
 */
public final class AssetAbi {
    private AssetAbi() {}

    public static final int MAX_POLICIES = 64;
    public static final int MAX_PORTS = 16;
    public static final int DNS_BYTES = 512;

    /** enum vigil_asset_action */
    public static final class Action {
        private Action() {}
        public static final int MONITOR = 0;
        public static final int DENY = 1;
        public static final int KILL = 2;
    }

    /** enum vigil_asset_event: msg_asset.kind */
    public static final class Ev {
        private Ev() {}
        public static final int TAINT = 1;
        public static final int OPEN_DENIED = 2;
        public static final int CONNECT_DENIED = 3;
        public static final int SEND_DENIED = 4;
        public static final int EGRESS_MONITORED = 5;
        public static final int BUDGET_EXCEEDED = 6;
        public static final int OPEN_MONITORED = 7;
        public static final int KILLED = 8;
    }

    public static final int CFG_ACTIVE = 0x1;
    public static final int TAINT_BUDGET_REPORTED = 0x1;
    public static final int TAINT_EXITED = 0x2;
    public static final int TAINT_KILL_PENDING = 0x4;
    public static final int PROTO_TCP = 0x1;
    public static final int PROTO_UDP = 0x2;

    /** struct asset_policy_cfg */
    public static final class PolicyCfg {
        private PolicyCfg() {}
        public static final int BUDGET_PROCESS = 0;
        public static final int BUDGET_DESTINATION = 8;
        public static final int ACTION = 16;
        public static final int FLAGS = 20;
        public static final int SIZEOF = 24;
    }

    /** struct asset_ports */
    public static final class Ports {
        private Ports() {}
        public static final int PORT = 0;
        public static final int COUNT = 32;
        public static final int PROTO = 33;
        public static final int SIZEOF = 40;
    }

    /** struct asset_allow4_key */
    public static final class Allow4Key {
        private Allow4Key() {}
        public static final int PREFIXLEN = 0;
        public static final int POLICY = 4;
        public static final int ADDR = 8;
        public static final int SIZEOF = 12;
    }

    /** struct asset_allow6_key */
    public static final class Allow6Key {
        private Allow6Key() {}
        public static final int PREFIXLEN = 0;
        public static final int POLICY = 4;
        public static final int ADDR = 8;
        public static final int SIZEOF = 24;
    }

    /** struct asset_learned_key */
    public static final class LearnedKey {
        private LearnedKey() {}
        public static final int POLICY = 0;
        public static final int FAMILY = 4;
        public static final int ADDR = 8;
        public static final int SIZEOF = 24;
    }

    /** struct asset_learned_value */
    public static final class LearnedValue {
        private LearnedValue() {}
        public static final int EXPIRES = 0;
        public static final int PORTS = 8;
        public static final int SIZEOF = 48;
    }

    /** struct asset_taint */
    public static final class Taint {
        private Taint() {}
        public static final int START_BOOTTIME = 0;
        public static final int TAINTED_AT = 8;
        public static final int ASSET_DEV = 16;
        public static final int ASSET_INO = 24;
        public static final int BYTES = 32;
        public static final int POLICY = 40;
        public static final int FLAGS = 44;
        public static final int EXITED_AT = 48;
        public static final int SIZEOF = 56;
    }

    /** struct asset_sock */
    public static final class Sock {
        private Sock() {}
        public static final int TGID = 0;
        public static final int POLICY = 4;
        public static final int SIZEOF = 8;
    }

    /** struct asset_dest_key */
    public static final class DestKey {
        private DestKey() {}
        public static final int TGID = 0;
        public static final int FAMILY = 4;
        public static final int PORT = 6;
        public static final int ADDR = 8;
        public static final int SIZEOF = 24;
    }

    /** struct asset_dest_value */
    public static final class DestValue {
        private DestValue() {}
        public static final int BYTES = 0;
        public static final int FLAGS = 8;
        public static final int SIZEOF = 16;
    }

    /** struct msg_asset; path_len bytes of asset path follow. */
    public static final class MsgAsset {
        private MsgAsset() {}
        public static final int PROCESS = 16;
        public static final int TID = 32;
        public static final int POLICY = 36;
        public static final int KIND = 40;
        public static final int FAMILY = 42;
        public static final int PROTOCOL = 43;
        public static final int PORT = 44;
        public static final int ACTION = 46;
        public static final int ADDR = 48;
        public static final int BYTES = 64;
        public static final int BUDGET = 72;
        public static final int ASSET_DEV = 80;
        public static final int ASSET_INO = 88;
        public static final int PATH_LEN = 96;
        public static final int SIZEOF = 104;
    }

    /** struct msg_dns; len bytes of IP packet follow. */
    public static final class MsgDns {
        private MsgDns() {}
        public static final int LEN = 16;
        public static final int SIZEOF = 24;
    }
}
