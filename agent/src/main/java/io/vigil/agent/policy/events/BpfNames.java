package io.vigil.agent.policy.events;

import java.util.List;

/**
 * enum bpf_prog_type and enum bpf_map_type (include/uapi/linux/bpf.h) by number, as Tetragon
 * names them in bpf_attr_arg.ProgType and bpf_map_arg.MapType. A number past the table (a newer
 * kernel) is written as the number, which still says what it was.
 */
final class BpfNames {
    private BpfNames() {}

    private static final List<String> PROG_TYPES = List.of("UNSPEC", "SOCKET_FILTER", "KPROBE", "SCHED_CLS", "SCHED_ACT",
            "TRACEPOINT", "XDP", "PERF_EVENT", "CGROUP_SKB", "CGROUP_SOCK", "LWT_IN", "LWT_OUT", "LWT_XMIT", "SOCK_OPS",
            "SK_SKB", "CGROUP_DEVICE", "SK_MSG", "RAW_TRACEPOINT", "CGROUP_SOCK_ADDR", "LWT_SEG6LOCAL", "LIRC_MODE2",
            "SK_REUSEPORT", "FLOW_DISSECTOR", "CGROUP_SYSCTL", "RAW_TRACEPOINT_WRITABLE", "CGROUP_SOCKOPT", "TRACING",
            "STRUCT_OPS", "EXT", "LSM", "SK_LOOKUP", "SYSCALL", "NETFILTER");

    private static final List<String> MAP_TYPES = List.of("UNSPEC", "HASH", "ARRAY", "PROG_ARRAY", "PERF_EVENT_ARRAY",
            "PERCPU_HASH", "PERCPU_ARRAY", "STACK_TRACE", "CGROUP_ARRAY", "LRU_HASH", "LRU_PERCPU_HASH", "LPM_TRIE",
            "ARRAY_OF_MAPS", "HASH_OF_MAPS", "DEVMAP", "SOCKMAP", "CPUMAP", "XSKMAP", "SOCKHASH", "CGROUP_STORAGE",
            "REUSEPORT_SOCKARRAY", "PERCPU_CGROUP_STORAGE", "QUEUE", "STACK", "SK_STORAGE", "DEVMAP_HASH", "STRUCT_OPS",
            "RINGBUF", "INODE_STORAGE", "TASK_STORAGE", "BLOOM_FILTER", "USER_RINGBUF", "CGRP_STORAGE", "ARENA");

    /** "BPF_PROG_TYPE_KPROBE" for 2. */
    static String progType(long n) {
        return name("BPF_PROG_TYPE_", PROG_TYPES, n);
    }

    /** "BPF_MAP_TYPE_HASH" for 1. */
    static String mapType(long n) {
        return name("BPF_MAP_TYPE_", MAP_TYPES, n);
    }

    private static String name(String prefix, List<String> names, long n) {
        return n >= 0 && n < names.size() ? prefix + names.get((int) n) : Long.toString(n);
    }
}
