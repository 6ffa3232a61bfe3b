package io.vigil.bpf;

import java.util.Locale;

/** How the sensors hook the kernel, best first. The feature probe chooses one ({@link ProbeReport#choose()}). */
public enum Backend {
    /** fentry/fexit (BPF trampolines), tp_btf, BPF LSM where available. */
    FENTRY("fentry"),
    /** kprobes (where a sensor has no kprobe variant it uses its tracepoint). */
    KPROBE("kprobe"),
    /** tracepoints, raw tracepoints, cgroup hooks, fanotify: works on every supported kernel. */
    TRACEPOINT("tracepoint");

    private final String displayName;

    Backend(String displayName) {
        this.displayName = displayName;
    }

    /** "fentry", "kprobe", "tracepoint": the spelling of --backend and of `vigil status`. */
    public String displayName() {
        return displayName;
    }

    /** The backend of a display name, any case ("tracepoint" → TRACEPOINT). */
    public static Backend ofDisplayName(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (Backend b : values()) {
            if (b.displayName.equals(n)) {
                return b;
            }
        }
        throw new IllegalArgumentException("no backend '" + name + "' (fentry, kprobe or tracepoint)");
    }
}
