package io.vigil.api;

import java.util.List;

/** An event a tracing-policy hook emitted: process_kprobe, process_tracepoint, process_lsm or process_uprobe. */
public sealed interface PolicyEvent extends EventBody permits ProcessKprobe, ProcessTracepoint, ProcessLsm, ProcessUprobe, ProcessUsdt {

    /** The process's parent, or null when unknown. */
    ProcessInfo parent();

    /** The hook's arguments, in the policy's order. */
    List<KprobeArgument> args();

    /** What the hook did (POST, SIGKILL ...). */
    KprobeAction action();

    /** metadata.name of the policy. */
    String policyName();

    /** The policy's message for this hook, or empty. */
    String message();

    /** The policy's tags for this hook. */
    List<String> tags();
}
