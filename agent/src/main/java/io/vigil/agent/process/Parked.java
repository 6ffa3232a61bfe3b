package io.vigil.agent.process;

import io.vigil.agent.policy.HookDescriptor;
import io.vigil.api.ProcessInfo;
import io.vigil.bpf.wire.ExecveKey;
import io.vigil.bpf.wire.Msg;

/** A record waiting in the {@link ParkingLot} for a process or parent to reach the cache. */
final class Parked {
    enum Kind {
        /** exec event, its process cached, waiting for the parent */
        EXEC_PARENT,
        /** clone record waiting for the parent whose image it copies */
        CLONE_PARENT,
        /** exit record waiting for its process */
        EXIT_PROCESS,
        /** exit event, its process known, waiting for the parent */
        EXIT_PARENT,
        /** policy hook record waiting for its process */
        GENERIC_PROCESS,
        /** policy hook record, its process known, waiting for the parent */
        GENERIC_PARENT
    }

    Kind kind;
    final Msg msg;
    final long parkedAtNanos;
    int retries;
    /** EXEC_PARENT: the exec'd process's entry */
    ProcessCache.Entry entry;
    /** EXEC_PARENT: its flag bits, to add "miss" on giving up */
    int flags;
    /** EXIT_PARENT, GENERIC_PARENT: the process as it was */
    ProcessInfo process;
    /** GENERIC_*: the hook, bound at arrival (it may be unloaded while the record waits) */
    HookDescriptor hook;
    /** EXEC_PARENT, EXIT_PARENT, GENERIC_PARENT: the parent waited for */
    ExecveKey parentKey;

    Parked(Kind kind, Msg msg, long parkedAtNanos) {
        this.kind = kind;
        this.msg = msg;
        this.parkedAtNanos = parkedAtNanos;
    }
}
