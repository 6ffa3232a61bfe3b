package io.vigil.bpf.generic;

import java.util.List;
import java.util.Objects;

/**
 * Everything the kernel needs for one hook of one policy: which generic object to load, what to
 * attach, the gen_config bytes and the entries of its value maps (generic_abi.h). Produced by the
 * policy compiler (a pure function), consumed by the generic hook loader.
 *
 * @param object      the generic object's name, e.g. "bpf_generic_tp" (resource bpf/NAME.bpf.o)
 * @param attachments programs of the object to attach; programs not listed are not loaded
 * @param config      struct gen_config, GenericAbi.Config.SIZEOF bytes, little-endian
 * @param entries     entries of the object's own value maps (gen_str_eq, gen_prefix, ...)
 */
public record HookImage(String object, List<Attachment> attachments, byte[] config, List<MapEntry> entries) {
    public HookImage {
        Objects.requireNonNull(object);
        attachments = List.copyOf(attachments);
        config = config.clone();
        entries = List.copyOf(entries);
    }

    @Override
    public byte[] config() {
        return config.clone();
    }

    /** How a program attaches. */
    public enum AttachKind {
        /** target "subsystem/event" */
        TRACEPOINT,
        /** target "event" (raw tracepoint, typed: tp_btf) */
        TP_BTF,
        /** target a kernel function */
        KPROBE,
        KRETPROBE,
        /** target a kernel function (fentry/fexit: the target is set before load) */
        FENTRY,
        FEXIT,
        /** target an LSM hook name without the security_ prefix */
        LSM,
        /** target "binary path:symbol", a function of a user-space program or library */
        UPROBE,
        /** target "binary path:provider:name", a USDT probe of a user-space program or library */
        USDT,
        /** target a cgroup v2 directory (cgroup/connect4 ... programs: they see its processes and its descendants') */
        CGROUP,
        /** not a BPF program: fanotify marks the agent answers (program "open" or "exec"; target unused) */
        FANOTIFY
    }

    /** @param program the program's name in the object (its C function name) */
    public record Attachment(String program, AttachKind kind, String target) {}

    /** One map entry; key and value are the map's raw bytes (GenericAbi's key layouts). */
    public record MapEntry(String map, byte[] key, byte[] value) {
        public MapEntry {
            key = key.clone();
            value = value.clone();
        }
    }
}
