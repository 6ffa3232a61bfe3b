package io.vigil.agent.policy.events;

import java.util.List;

/**
 * perf_event_attr.type as Tetragon names it (pkg/bpf GetPerfEventType): the PERF_TYPE_* of
 * uapi/linux/perf_event.h, including 6 as "PERF_TYPE_MAX" as Tetragon does (6 can also be a dynamic
 * PMU's type, such as kprobe's); any other number, a dynamic PMU's, in decimal.
 */
final class PerfEventTypes {
    private PerfEventTypes() {}

    private static final List<String> NAMES = List.of("PERF_TYPE_HARDWARE", "PERF_TYPE_SOFTWARE", "PERF_TYPE_TRACEPOINT",
            "PERF_TYPE_HW_CACHE", "PERF_TYPE_RAW", "PERF_TYPE_BREAKPOINT", "PERF_TYPE_MAX");

    static String name(long type) {
        return type >= 0 && type < NAMES.size() ? NAMES.get((int) type) : Long.toString(type);
    }
}
