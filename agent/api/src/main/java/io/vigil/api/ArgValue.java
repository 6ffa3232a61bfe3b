package io.vigil.api;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The typed value of a {@link KprobeArgument}: one member of the {@code arg} oneof of Tetragon's
 * KprobeArgument (api/v1/tetragon/tetragon.proto). Each record names its JSON key; strings are
 * empty rather than null, and empty strings and zero plain numbers are omitted from JSON, as
 * protojson does. 64-bit numbers ({@code size_arg}, {@code long_arg}, {@code cookie}) are written
 * as JSON strings, bytes as standard base64.
 */
public sealed interface ArgValue {

    /** The oneof member's name, e.g. {@code file_arg}. */
    String jsonKey();

    /** int_arg (int32): int, int8, int16, int32 arguments. */
    record IntArg(int value) implements ArgValue {
        public String jsonKey() { return "int_arg"; }
    }

    /** uint_arg (uint32): uint8, uint16, uint32 arguments. */
    record UintArg(long value) implements ArgValue {
        public UintArg {
            if (value < 0 || value > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("uint_arg must be a uint32, not " + value);
            }
        }

        public String jsonKey() { return "uint_arg"; }
    }

    /** size_arg (uint64): size_t, uint64, ulong arguments. {@code value} holds the 64 bits unsigned. */
    record SizeArg(long value) implements ArgValue {
        public String jsonKey() { return "size_arg"; }
    }

    /** long_arg (int64): long, int64 arguments. */
    record LongArg(long value) implements ArgValue {
        public String jsonKey() { return "long_arg"; }
    }

    /** string_arg. */
    record StringArg(String value) implements ArgValue {
        public StringArg {
            value = Objects.requireNonNullElse(value, "");
        }

        public String jsonKey() { return "string_arg"; }
    }

    /** bytes_arg: char_buf arguments, base64 in JSON. */
    record BytesArg(byte[] value) implements ArgValue {
        public BytesArg {
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        public String jsonKey() { return "bytes_arg"; }

        @Override
        public boolean equals(Object o) {
            return o instanceof BytesArg b && Arrays.equals(b.value, value);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "BytesArg[" + value.length + " bytes]";
        }
    }

    /** file_arg (KprobeFile): file and fd arguments. */
    record FileArg(String path, String flags, String permission) implements ArgValue {
        public FileArg {
            path = Objects.requireNonNullElse(path, "");
            flags = Objects.requireNonNullElse(flags, "");
            permission = Objects.requireNonNullElse(permission, "");
        }

        public static FileArg of(String path) {
            return new FileArg(path, "", "");
        }

        public String jsonKey() { return "file_arg"; }
    }

    /** path_arg (KprobePath): struct path arguments. */
    record PathArg(String path, String flags, String permission) implements ArgValue {
        public PathArg {
            path = Objects.requireNonNullElse(path, "");
            flags = Objects.requireNonNullElse(flags, "");
            permission = Objects.requireNonNullElse(permission, "");
        }

        public static PathArg of(String path) {
            return new PathArg(path, "", "");
        }

        public String jsonKey() { return "path_arg"; }
    }

    /** linux_binprm_arg (KprobeLinuxBinprm): the path of the binary being executed. */
    record LinuxBinprmArg(String path, String flags, String permission) implements ArgValue {
        public LinuxBinprmArg {
            path = Objects.requireNonNullElse(path, "");
            flags = Objects.requireNonNullElse(flags, "");
            permission = Objects.requireNonNullElse(permission, "");
        }

        public static LinuxBinprmArg of(String path) {
            return new LinuxBinprmArg(path, "", "");
        }

        public String jsonKey() { return "linux_binprm_arg"; }
    }

    /** net_dev_arg (KprobeNetDev): a struct net_device argument, by its name ("lo", "eth0"). */
    record NetDevArg(String name) implements ArgValue {
        public NetDevArg {
            name = Objects.requireNonNullElse(name, "");
        }

        public String jsonKey() { return "net_dev_arg"; }
    }

    /** bpf_attr_arg (KprobeBpfAttr): the program BPF_PROG_LOAD loads; progType as "BPF_PROG_TYPE_KPROBE". */
    record BpfAttrArg(String progType, long insnCnt, String progName) implements ArgValue {
        public BpfAttrArg {
            progType = Objects.requireNonNullElse(progType, "");
            progName = Objects.requireNonNullElse(progName, "");
        }

        public String jsonKey() { return "bpf_attr_arg"; }
    }

    /** bpf_map_arg (KprobeBpfMap); mapType as "BPF_MAP_TYPE_HASH". */
    record BpfMapArg(String mapType, long keySize, long valueSize, long maxEntries, String mapName) implements ArgValue {
        public BpfMapArg {
            mapType = Objects.requireNonNullElse(mapType, "");
            mapName = Objects.requireNonNullElse(mapName, "");
        }

        public String jsonKey() { return "bpf_map_arg"; }
    }

    /** user_ns_arg (KprobeUserNamespace): level, owner uid and gid, and the namespace (inum, is_host). */
    record UserNsArg(int level, long uid, long gid, long inum, boolean isHost) implements ArgValue {
        public String jsonKey() { return "user_ns_arg"; }
    }

    /**
     * perf_event_arg (KprobePerfEvent): the event perf_event_open creates; type as Tetragon names it
     * ("PERF_TYPE_SOFTWARE", a dynamic PMU's number in decimal); kprobeFunc and probeOffset for kprobe events.
     */
    record PerfEventArg(String kprobeFunc, String type, long config, long probeOffset) implements ArgValue {
        public PerfEventArg {
            kprobeFunc = Objects.requireNonNullElse(kprobeFunc, "");
            type = Objects.requireNonNullElse(type, "");
        }

        public String jsonKey() { return "perf_event_arg"; }
    }

    /** module_arg (KernelModule): the module's name and its taints as Tetragon's TaintedBitsType names. */
    record ModuleArg(String name, List<String> tainted) implements ArgValue {
        public ModuleArg {
            name = Objects.requireNonNullElse(name, "");
            tainted = List.copyOf(tainted);
        }

        public String jsonKey() { return "module_arg"; }
    }

    /**
     * sock_arg (KprobeSock): struct sock and struct socket arguments. family, type, protocol and
     * state are Tetragon's names ("AF_INET", "SOCK_STREAM", "IPPROTO_TCP", "TCP_SYN_SENT").
     */
    record SockArg(String family, String type, String protocol, long mark, long priority, String saddr,
                   String daddr, long sport, long dport, long cookie, String state) implements ArgValue {
        public SockArg {
            family = Objects.requireNonNullElse(family, "");
            type = Objects.requireNonNullElse(type, "");
            protocol = Objects.requireNonNullElse(protocol, "");
            saddr = Objects.requireNonNullElse(saddr, "");
            daddr = Objects.requireNonNullElse(daddr, "");
            state = Objects.requireNonNullElse(state, "");
        }

        public String jsonKey() { return "sock_arg"; }
    }

    /** skb_arg (KprobeSkb), the fields an sk_buff's IP and L4 headers give. */
    record SkbArg(String saddr, String daddr, long sport, long dport, long proto, String protocol, String family)
            implements ArgValue {
        public SkbArg {
            saddr = Objects.requireNonNullElse(saddr, "");
            daddr = Objects.requireNonNullElse(daddr, "");
            protocol = Objects.requireNonNullElse(protocol, "");
            family = Objects.requireNonNullElse(family, "");
        }

        public String jsonKey() { return "skb_arg"; }
    }

    /** sockaddr_arg (KprobeSockaddr). */
    record SockaddrArg(String family, String addr, long port) implements ArgValue {
        public SockaddrArg {
            family = Objects.requireNonNullElse(family, "");
            addr = Objects.requireNonNullElse(addr, "");
        }

        public String jsonKey() { return "sockaddr_arg"; }
    }

    /**
     * process_credentials_arg (ProcessCredentials), what Tetragon sends for a cred argument. The ids
     * are UInt32Value wrappers (always written); capabilities are CapabilitiesType names.
     */
    record CredArg(long uid, long gid, long euid, long egid, long suid, long sgid, long fsuid, long fsgid,
                   List<String> permitted, List<String> effective, List<String> inheritable) implements ArgValue {
        public CredArg {
            permitted = List.copyOf(permitted);
            effective = List.copyOf(effective);
            inheritable = List.copyOf(inheritable);
        }

        public String jsonKey() { return "process_credentials_arg"; }
    }

    /** capability_arg (KprobeCapability): one capability number and its name. */
    record CapabilityArg(int value, String name) implements ArgValue {
        public CapabilityArg {
            name = Objects.requireNonNullElse(name, "");
        }

        public String jsonKey() { return "capability_arg"; }
    }

    /** kernel_cap_t_arg, cap_inheritable_arg, cap_permitted_arg, cap_effective_arg: a capability set as 16 hex digits. */
    record CapSetArg(Kind kind, long caps) implements ArgValue {
        public enum Kind {
            KERNEL_CAP_T("kernel_cap_t_arg"),
            CAP_INHERITABLE("cap_inheritable_arg"),
            CAP_PERMITTED("cap_permitted_arg"),
            CAP_EFFECTIVE("cap_effective_arg");

            private final String jsonKey;

            Kind(String jsonKey) {
                this.jsonKey = jsonKey;
            }
        }

        public CapSetArg {
            Objects.requireNonNull(kind, "kind");
        }

        public String jsonKey() { return kind.jsonKey; }

        /** Tetragon's form: %016x. */
        public String hex() {
            return String.format("%016x", caps);
        }
    }
}
