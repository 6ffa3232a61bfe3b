package io.vigil.bpf.wire;

/**
 * Byte offsets of the structs in vigil_msg.h (C side: kprobe-bpf/src/main/bpf/lib/vigil_msg.h).
 * StructLayoutTest checks every constant here against the BTF of the compiled sensors.
 * All integers are little-endian (the sensors run on the host's byte order; x86_64 and arm64).
 */
public final class Layout {
    private Layout() {}

    /** struct msg_common */
    public static final class Common {
        public static final int OP = 0;
        public static final int SIZE = 4;
        public static final int KTIME = 8;
        public static final int SIZEOF = 16;
        private Common() {}
    }

    /** struct msg_execve_key */
    public static final class ExecveKey {
        public static final int PID = 0;
        public static final int KTIME = 8;
        public static final int SIZEOF = 16;
        private ExecveKey() {}
    }

    /** struct msg_cred */
    public static final class Cred {
        public static final int UID = 0;
        public static final int EUID = 4;
        public static final int GID = 8;
        public static final int EGID = 12;
        public static final int AUID = 16;
        public static final int SIZEOF = 24;
        private Cred() {}
    }

    /** struct msg_exec, followed by binary, argv, cwd */
    public static final class Exec {
        public static final int PROCESS = 16;
        public static final int PARENT = 32;
        public static final int CRED = 48;
        public static final int TID = 72;
        public static final int FLAGS = 76;
        public static final int CGROUP_ID = 80;
        public static final int BINARY_LEN = 88;
        public static final int ARGS_LEN = 92;
        public static final int CWD_LEN = 96;
        public static final int SIZEOF = 104;
        private Exec() {}
    }

    /** struct msg_clone */
    public static final class Clone {
        public static final int PROCESS = 16;
        public static final int PARENT = 32;
        public static final int TID = 48;
        public static final int FLAGS = 52;
        public static final int SIZEOF = 56;
        private Clone() {}
    }

    /** struct msg_exit */
    public static final class Exit {
        public static final int PROCESS = 16;
        public static final int TID = 32;
        public static final int EXIT_CODE = 36;
        public static final int SIZEOF = 48;
        private Exit() {}
    }

    /** struct msg_bench (bench-only source) */
    public static final class Bench {
        public static final int PID = 16;
        public static final int SEQ = 24;
        public static final int SIZEOF = 32;
        private Bench() {}
    }

    /** struct execve_map_value, the value of the execve_map (key: u32 tgid) */
    public static final class ExecveMapValue {
        public static final int KEY = 0;
        public static final int PKEY = 16;
        public static final int FLAGS = 32;
        public static final int BIN_BITS = 40;
        public static final int CAP_EFFECTIVE = 48;
        public static final int CAP_INHERITABLE = 56;
        public static final int CAP_PERMITTED = 64;
        public static final int SIZEOF = 72;
        private ExecveMapValue() {}
    }
}
