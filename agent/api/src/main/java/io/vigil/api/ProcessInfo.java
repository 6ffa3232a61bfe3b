package io.vigil.api;

import java.time.Instant;
import java.util.Objects;

/**
 * One process as Tetragon's {@code Process} message describes it (api/v1/tetragon/tetragon.proto),
 * with the fields Vigil fills so far, in the proto's field order: exec_id, pid, uid, cwd, binary,
 * arguments, flags, start_time, auid, parent_exec_id, refcnt, tid. pod, docker, cap, ns,
 * process_credentials, binary_properties, user and in_init_tree are not modelled yet.
 *
 * <p>Presence follows protojson with EmitUnpopulated=false, which is how Tetragon exports: the
 * wrapper-typed numbers (pid, uid, auid, tid are {@code google.protobuf.UInt32Value}) are written
 * whenever set, even when 0, and are {@link #ABSENT} otherwise; strings are omitted when empty,
 * refcnt (a plain uint32) when 0, start_time when null.
 *
 * <p>Immutable: one instance is shared by the process cache and every event that shows it.
 */
public record ProcessInfo(String execId, long pid, long uid, String cwd, String binary, String arguments,
                          String flags, Instant startTime, long auid, String parentExecId, int refcnt,
                          long tid) {

    /** A wrapper-typed number that is not set (omitted from JSON). */
    public static final long ABSENT = -1;

    private static final long UINT32_MAX = 0xFFFF_FFFFL;

    public ProcessInfo {
        execId = Objects.requireNonNullElse(execId, "");
        cwd = Objects.requireNonNullElse(cwd, "");
        binary = Objects.requireNonNullElse(binary, "");
        arguments = Objects.requireNonNullElse(arguments, "");
        flags = Objects.requireNonNullElse(flags, "");
        parentExecId = Objects.requireNonNullElse(parentExecId, "");
        checkUint32("pid", pid);
        checkUint32("uid", uid);
        checkUint32("auid", auid);
        checkUint32("tid", tid);
        if (refcnt < 0) {
            throw new IllegalArgumentException("refcnt must be >= 0, not " + refcnt);
        }
    }

    private static void checkUint32(String name, long v) {
        if (v != ABSENT && (v < 0 || v > UINT32_MAX)) {
            throw new IllegalArgumentException(name + " must be a uint32 or ABSENT, not " + v);
        }
    }

    /** An int from the kernel read as the uint32 it is (uids such as 4294967295 arrive as -1). */
    public static long uint32(int v) {
        return Integer.toUnsignedLong(v);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    public ProcessInfo withFlags(String newFlags) {
        return new ProcessInfo(execId, pid, uid, cwd, binary, arguments, newFlags, startTime, auid, parentExecId,
                refcnt, tid);
    }

    public ProcessInfo withRefcnt(int newRefcnt) {
        return new ProcessInfo(execId, pid, uid, cwd, binary, arguments, flags, startTime, auid, parentExecId,
                newRefcnt, tid);
    }

    /** Fluent construction; unset numbers stay {@link #ABSENT}, unset strings empty. */
    public static final class Builder {
        private String execId;
        private long pid = ABSENT;
        private long uid = ABSENT;
        private String cwd;
        private String binary;
        private String arguments;
        private String flags;
        private Instant startTime;
        private long auid = ABSENT;
        private String parentExecId;
        private int refcnt;
        private long tid = ABSENT;

        private Builder() {
        }

        private Builder(ProcessInfo p) {
            execId = p.execId;
            pid = p.pid;
            uid = p.uid;
            cwd = p.cwd;
            binary = p.binary;
            arguments = p.arguments;
            flags = p.flags;
            startTime = p.startTime;
            auid = p.auid;
            parentExecId = p.parentExecId;
            refcnt = p.refcnt;
            tid = p.tid;
        }

        public Builder execId(String v) { execId = v; return this; }
        public Builder pid(long v) { pid = v; return this; }
        public Builder uid(long v) { uid = v; return this; }
        public Builder cwd(String v) { cwd = v; return this; }
        public Builder binary(String v) { binary = v; return this; }
        public Builder arguments(String v) { arguments = v; return this; }
        public Builder flags(String v) { flags = v; return this; }
        public Builder startTime(Instant v) { startTime = v; return this; }
        public Builder auid(long v) { auid = v; return this; }
        public Builder parentExecId(String v) { parentExecId = v; return this; }
        public Builder refcnt(int v) { refcnt = v; return this; }
        public Builder tid(long v) { tid = v; return this; }

        public ProcessInfo build() {
            return new ProcessInfo(execId, pid, uid, cwd, binary, arguments, flags, startTime, auid, parentExecId,
                    refcnt, tid);
        }
    }
}
