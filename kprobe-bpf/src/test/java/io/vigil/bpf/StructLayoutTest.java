package io.vigil.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vigil.bpf.internal.LibBpf;
import io.vigil.bpf.internal.Native;
import io.vigil.bpf.wire.AssetAbi;
import io.vigil.bpf.wire.GenericAbi;
import io.vigil.bpf.wire.Layout;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import jnr.ffi.Pointer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The wire structs as the compiler laid them out (BTF of the compiled sensors, read with
 * libbpf's btf__parse_elf) against the Java constants in io.vigil.bpf.wire.Layout. Needs no root.
 *
 * <p>Rule: a Layout constant NAME is the byte offset of member name.toLowerCase(), SIZEOF is
 * sizeof(struct). Every constant of every nested class of Layout is checked, in every object
 * whose BTF has the struct; and every struct member that is not padding must have a constant.
 */
class StructLayoutTest {
    /** Layout's nested classes and the C structs they describe. */
    static final Map<Class<?>, String> STRUCTS = new LinkedHashMap<>();
    /** GenericAbi's struct classes (those with a SIZEOF; the others hold enum values). */
    static final Map<Class<?>, String> GENERIC = new LinkedHashMap<>();
    /** AssetAbi's struct classes. */
    static final Map<Class<?>, String> ASSET = new LinkedHashMap<>();

    static {
        STRUCTS.put(Layout.Common.class, "msg_common");
        STRUCTS.put(Layout.ExecveKey.class, "msg_execve_key");
        STRUCTS.put(Layout.Cred.class, "msg_cred");
        STRUCTS.put(Layout.Exec.class, "msg_exec");
        STRUCTS.put(Layout.Clone.class, "msg_clone");
        STRUCTS.put(Layout.Exit.class, "msg_exit");
        STRUCTS.put(Layout.Bench.class, "msg_bench");
        STRUCTS.put(Layout.ExecveMapValue.class, "execve_map_value");
        GENERIC.put(GenericAbi.Arg.class, "gen_arg");
        GENERIC.put(GenericAbi.Filter.class, "gen_filter");
        GENERIC.put(GenericAbi.NsFilter.class, "gen_ns_filter");
        GENERIC.put(GenericAbi.Selector.class, "gen_selector");
        GENERIC.put(GenericAbi.Resolve.class, "gen_resolve");
        GENERIC.put(GenericAbi.Config.class, "gen_config");
        GENERIC.put(GenericAbi.StrKey.class, "gen_str_key");
        GENERIC.put(GenericAbi.LpmStrKey.class, "gen_lpm_str_key");
        GENERIC.put(GenericAbi.IntKey.class, "gen_int_key");
        GENERIC.put(GenericAbi.DispatchConfig.class, "gen_dispatch_config");
        GENERIC.put(GenericAbi.DispatchState.class, "gen_dispatch_state");
        GENERIC.put(GenericAbi.GateHead.class, "gen_gate_head");
        GENERIC.put(GenericAbi.GateKey.class, "gen_gate_key");
        GENERIC.put(GenericAbi.Addr4Key.class, "gen_addr4_key");
        GENERIC.put(GenericAbi.Addr6Key.class, "gen_addr6_key");
        GENERIC.put(GenericAbi.BinPathKey.class, "bin_path_key");
        GENERIC.put(GenericAbi.BinLpmKey.class, "bin_lpm_key");
        GENERIC.put(GenericAbi.Sockaddr.class, "msg_sockaddr");
        GENERIC.put(GenericAbi.GenCred.class, "msg_gen_cred");
        GENERIC.put(GenericAbi.GenBpfAttr.class, "msg_gen_bpf_attr");
        GENERIC.put(GenericAbi.GenBpfMap.class, "msg_gen_bpf_map");
        GENERIC.put(GenericAbi.GenUserNs.class, "msg_gen_user_ns");
        GENERIC.put(GenericAbi.GenModule.class, "msg_gen_module");
        GENERIC.put(GenericAbi.GenPerfEvent.class, "msg_gen_perf_event");
        GENERIC.put(GenericAbi.MsgGeneric.class, "msg_generic");
        GENERIC.put(GenericAbi.MsgArg.class, "msg_gen_arg");
        STRUCTS.putAll(GENERIC);
        ASSET.put(AssetAbi.PolicyCfg.class, "asset_policy_cfg");
        ASSET.put(AssetAbi.Ports.class, "asset_ports");
        ASSET.put(AssetAbi.Allow4Key.class, "asset_allow4_key");
        ASSET.put(AssetAbi.Allow6Key.class, "asset_allow6_key");
        ASSET.put(AssetAbi.LearnedKey.class, "asset_learned_key");
        ASSET.put(AssetAbi.LearnedValue.class, "asset_learned_value");
        ASSET.put(AssetAbi.Taint.class, "asset_taint");
        ASSET.put(AssetAbi.Sock.class, "asset_sock");
        ASSET.put(AssetAbi.DestKey.class, "asset_dest_key");
        ASSET.put(AssetAbi.DestValue.class, "asset_dest_value");
        ASSET.put(AssetAbi.MsgAsset.class, "msg_asset");
        ASSET.put(AssetAbi.MsgDns.class, "msg_dns");
        STRUCTS.putAll(ASSET);
    }

    /** Structs allowed to be missing from every object, with why. */
    static final Map<String, String> OPTIONAL = Map.of("msg_bench", "only the bench-only source uses it");

    /**
     * The sensors, plus bpf_probe, which anchors every wire struct in its BTF: the sensors' own BTF
     * has only the structs reachable from their maps (msg_exec via exec_heap, execve_map_value),
     * not those built on the stack (msg_clone, msg_exit, msg_bench).
     */
    static final List<String> OBJECTS = List.of("bpf_exec", "bpf_fork", "bpf_exit", "bpf_bench", "bpf_probe",
            "bpf_generic_tp", "bpf_generic_kprobe", "bpf_generic_dispatch", "bpf_asset_guard");

    record Member(String name, int bitOffset) {}

    record Struct(String object, int size, List<Member> members) {
        Member member(String name) {
            return members.stream().filter(m -> m.name().equals(name)).findFirst().orElse(null);
        }
    }

    static final LibBpf lib = Native.libbpf();
    static final Map<String, Pointer> btfs = new LinkedHashMap<>();

    @BeforeAll
    static void parseBtf() {
        for (String name : OBJECTS) {
            URL url = StructLayoutTest.class.getResource("/bpf/" + name + ".bpf.o");
            if (url == null) {
                if (name.equals("bpf_bench")) {
                    System.err.println("StructLayoutTest: NOTE: /bpf/bpf_bench.bpf.o is not on the classpath");
                    continue;
                }

                fail("/bpf/" + name + ".bpf.o is not on the classpath: the build (build-bpf.sh) must compile it first");
            }
            Path p = Path.of(url.getPath());
            Pointer btf = lib.btf__parse_elf(p.toString(), null);
            if (btf == null) {
                fail("btf__parse_elf(" + p + ") failed: errno " + Native.errno() + " (objects must be built with clang -g)");
            }
            btfs.put(name, btf);
        }
    }

    @AfterAll
    static void freeBtf() {
        btfs.values().forEach(lib::btf__free);
        btfs.clear();
    }

    /** The struct as each object's BTF has it (objects without it are absent). */
    static List<Struct> find(String struct) {
        List<Struct> out = new ArrayList<>();
        for (Map.Entry<String, Pointer> e : btfs.entrySet()) {
            Pointer btf = e.getValue();
            int id = lib.btf__find_by_name_kind(btf, struct, LibBpf.BTF_KIND_STRUCT);
            if (id <= 0) {
                continue;
            }
            Pointer t = lib.btf__type_by_id(btf, id);
            assertNotNull(t, "btf__type_by_id(" + id + ")");
            int info = t.getInt(4);
            int vlen = info & 0xffff;
            boolean kflag = (info >>> 31) != 0;
            int size = t.getInt(8);
            List<Member> members = new ArrayList<>();
            for (int i = 0; i < vlen; i++) {
                long m = 12L + 12L * i; // struct btf_member {name_off, type, offset}
                String name = lib.btf__name_by_offset(btf, t.getInt(m));
                int off = t.getInt(m + 8);
                members.add(new Member(name, kflag ? off & 0xffffff : off));
            }
            out.add(new Struct(e.getKey(), size, members));
        }
        return out;
    }

    static Map<String, Integer> constants(Class<?> c) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (Field f : c.getDeclaredFields()) {
            int mod = f.getModifiers();
            if (Modifier.isStatic(mod) && Modifier.isFinal(mod) && f.getType() == int.class) {
                try {
                    out.put(f.getName(), f.getInt(null));
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return out;
    }

    @Test
    void everyLayoutClassIsMappedToAStruct() {
        Set<Class<?>> nested = Arrays.stream(Layout.class.getDeclaredClasses()).collect(Collectors.toSet());
        Set<String> unmapped = new TreeSet<>();
        for (Class<?> c : nested) {
            if (!STRUCTS.containsKey(c)) {
                unmapped.add(c.getSimpleName());
            }
            assertFalse(constants(c).isEmpty(), "Layout." + c.getSimpleName() + " has no constants");
            assertTrue(constants(c).containsKey("SIZEOF"), "Layout." + c.getSimpleName() + " has no SIZEOF");
        }
        assertTrue(unmapped.isEmpty(), "Layout classes this test does not know the C struct of: " + unmapped
                + " (add them to StructLayoutTest.STRUCTS)");
        Set<Class<?>> layoutMapped = new java.util.HashSet<>(STRUCTS.keySet());
        layoutMapped.removeAll(GENERIC.keySet());
        layoutMapped.removeAll(ASSET.keySet());
        assertEquals(nested, layoutMapped, "STRUCTS names a class Layout no longer has");
    }

    @Test
    void everyGenericAbiStructClassIsMapped() {
        Set<String> unmapped = new TreeSet<>();
        for (Class<?> c : GenericAbi.class.getDeclaredClasses()) {
            if (constants(c).containsKey("SIZEOF") && !GENERIC.containsKey(c)) {
                unmapped.add(c.getSimpleName());
            }
        }
        assertTrue(unmapped.isEmpty(), "GenericAbi struct classes this test does not know the C struct of: " + unmapped);
    }

    @Test
    void everyAssetAbiStructClassIsMapped() {
        Set<String> unmapped = new TreeSet<>();
        for (Class<?> c : AssetAbi.class.getDeclaredClasses()) {
            if (constants(c).containsKey("SIZEOF") && !ASSET.containsKey(c)) {
                unmapped.add(c.getSimpleName());
            }
        }
        assertTrue(unmapped.isEmpty(), "AssetAbi struct classes this test does not know the C struct of: " + unmapped);
    }

    @TestFactory
    Stream<DynamicTest> layoutMatchesBtf() {
        return STRUCTS.entrySet().stream().map(e -> DynamicTest.dynamicTest(
                e.getValue() + " = Layout." + e.getKey().getSimpleName(), () -> check(e.getKey(), e.getValue())));
    }

    private void check(Class<?> layout, String struct) {
        List<Struct> found = find(struct);
        if (found.isEmpty() && OPTIONAL.containsKey(struct)) {
            String note = "NOTE: struct " + struct + " is in no compiled object (" + OPTIONAL.get(struct)
                    + "); Layout." + layout.getSimpleName() + " is NOT checked";
            System.err.println("StructLayoutTest: " + note);
            Assumptions.abort(note);
        }
        assertFalse(found.isEmpty(), "struct " + struct + " is in none of " + btfs.keySet()
                + " (a struct is in BTF only when a sensor uses it)");
        Map<String, Integer> constants = constants(layout);
        List<String> problems = new ArrayList<>();
        for (Struct s : found) {
            for (Map.Entry<String, Integer> c : constants.entrySet()) {
                String where = s.object() + ": " + struct;
                if (c.getKey().equals("SIZEOF")) {
                    if (s.size() != c.getValue()) {
                        problems.add(where + ": sizeof is " + s.size() + ", Layout." + layout.getSimpleName() + ".SIZEOF = " + c.getValue());
                    }
                    continue;
                }
                String member = c.getKey().toLowerCase(Locale.ROOT);
                Member m = s.member(member);
                if (m == null) {
                    problems.add(where + " has no member '" + member + "' for Layout." + layout.getSimpleName() + "." + c.getKey()
                            + " (members: " + s.members().stream().map(Member::name).collect(Collectors.toList()) + ")");
                } else if (m.bitOffset() % 8 != 0 || m.bitOffset() / 8 != c.getValue()) {
                    problems.add(where + "." + member + " is at byte " + (m.bitOffset() / 8.0) + ", Layout." + layout.getSimpleName()
                            + "." + c.getKey() + " = " + c.getValue());
                }
            }
            for (Member m : s.members()) {
                boolean padding = m.name().startsWith("pad") || (m.name().equals("common") && m.bitOffset() == 0);
                if (!padding && !constants.containsKey(m.name().toUpperCase(Locale.ROOT))) {
                    problems.add(s.object() + ": " + struct + "." + m.name() + " (byte " + m.bitOffset() / 8
                            + ") has no constant in Layout." + layout.getSimpleName());
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        System.err.println("StructLayoutTest: " + struct + " checked in " + found.stream().map(Struct::object)
                .collect(Collectors.toList()) + ": " + constants.keySet());
    }

    /** The sensors' BTF must carry at least the structs of their maps, so that the check above is not only about bpf_probe. */
    @Test
    void sensorObjectsCarryTheirMapStructs() {
        for (String sensor : List.of("bpf_exec", "bpf_fork", "bpf_exit")) {
            for (String struct : List.of("msg_exec", "execve_map_value", "msg_execve_key", "msg_cred", "msg_common")) {
                assertTrue(find(struct).stream().anyMatch(s -> s.object().equals(sensor)), sensor + " lacks struct " + struct);
            }
        }
    }
}
