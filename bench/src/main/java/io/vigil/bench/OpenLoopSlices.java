package io.vigil.bench;

import static io.vigil.bench.BenchSupport.median;

import io.vigil.bpf.BpfException;
import io.vigil.bpf.BpfMap;
import io.vigil.bpf.BpfObject;
import io.vigil.bpf.generic.GateEncoder;
import io.vigil.enforcement.fanotify.MarkTarget;
import io.vigil.enforcement.fanotify.OpenWatcher;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * OpenLoopBench's interleaved part: the kernel side alone, in short slices that take turns. This
 * machine's speed moves by tens of percent within seconds, so phases minutes apart cannot resolve
 * a few percent; slices of 10,000 opens that rotate through the set-ups (nothing, the empty
 * program, a program reading the name's first 8 bytes, the dispatcher, fanotify FAN_OPEN marks on
 * the scoped policies' directories) put the same drift on each.
 *
 * <p>The dispatcher is the agent's program (bpf_generic_dispatch.c) with the config and gate trie
 * that GateEncoder gives the bench's 10 policies (their Prefix values), loaded here without members:
 * the workload's opens match none, so an agent's dispatcher would start no member for them either
 * (OpenLoopBench's agent phases check that no event comes).
 */
final class OpenLoopSlices {
    private OpenLoopSlices() {}

    /** A set-up: attach it for a slice, close to detach (null: nothing to undo). */
    private interface Setup {
        AutoCloseable attach() throws Exception;
    }

    static void run(Path file, int sliceOpens, int slices, List<GateEncoder.Gate> gates, List<Path> scopedDirs) throws Exception {
        try (BpfObject bench = BpfObject.openResource("/bpf/bpf_bench.bpf.o");
             BpfObject dispatch = BpfObject.openResource("/bpf/bpf_generic_dispatch.bpf.o")) {
            bench.load();
            dispatch.load();
            configure(dispatch, gates);
            Map<String, Setup> setups = new LinkedHashMap<>();
            setups.put("off", () -> null);
            setups.put("empty program", () -> bench.program("vigil_bench_empty_openat").attach());
            setups.put("name read (8 bytes)", () -> bench.program("vigil_bench_name8_openat").attach());
            setups.put("dispatcher, " + gates.size() + " policies' gates",
                    () -> dispatch.program("generic_dispatch").attachTracepoint("syscalls", "sys_enter_openat"));
            // the scoped placement: what the agent's FanotifyObservers sets up for the scoped policies
            setups.put("fanotify FAN_OPEN, " + scopedDirs.size() + " directories", () -> watch(scopedDirs));
            Map<String, double[]> ns = new LinkedHashMap<>();
            setups.keySet().forEach(k -> ns.put(k, new double[slices]));
            List<String> order = new ArrayList<>(setups.keySet());
            for (int s = 0; s < slices; s++) {
                for (String k : order) {
                    AutoCloseable attached = setups.get(k).attach();
                    try {
                        ns.get(k)[s] = slice(file, sliceOpens);
                    } finally {
                        if (attached != null) {
                            attached.close();
                        }
                    }
                }
                java.util.Collections.rotate(order, 1);   // no set-up always runs right after the same one
            }
            double empty = median(ns.get("empty program"));
            double off = median(ns.get("off"));
            System.out.println(BenchSupport.fmt("interleaved: %d slices of %,d opens per set-up, CPU time of the workload (median ns/open, "
                    + "ratios to the empty program and to off):", slices, sliceOpens));
            ns.forEach((k, v) -> System.out.println(BenchSupport.fmt("  %-38s %6.0f ns/open   / empty %.3f   / off %.3f", k, median(v),
                    median(v) / empty, median(v) / off)));
        }
    }

    private static OpenWatcher watch(List<Path> dirs) throws Exception {
        OpenWatcher w = OpenWatcher.start(opened -> { }, () -> { });
        try {
            for (Path d : dirs) {
                w.watch(MarkTarget.DIRECTORY, d);
            }
            return w;
        } catch (Exception e) {
            w.close();
            throw e;
        }
    }

    /** The dispatcher's config and trie for these gates, one member slot each (GateEncoder, as DispatchGroup writes them). */
    private static void configure(BpfObject dispatch, List<GateEncoder.Gate> gates) throws BpfException {
        List<GateEncoder.Member> members = new ArrayList<>();
        for (int i = 0; i < gates.size(); i++) {
            members.add(new GateEncoder.Member(i, Optional.of(gates.get(i))));
        }
        GateEncoder.Encoded e = GateEncoder.encode(members);
        BpfMap trie = dispatch.map("gen_gate");
        for (Map.Entry<String, Integer> en : e.entries().entrySet()) {
            trie.update(GateEncoder.keyBytes(en.getKey()),
                    ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(en.getValue()).array());
        }
        // sys_enter_openat's record: filename is the second argument, at 16 + 8
        dispatch.map("gen_dispatch_config").update(0, GateEncoder.configBytes(e, 24));
    }

    /** CPU ns per open of one slice: openloop runs a warm-up round, then the measured one. */
    private static double slice(Path file, int opens) throws Exception {
        List<String> out = BenchSupport.run(List.of(BenchSupport.workloads().resolve("openloop").toString(), file.toString(),
                Integer.toString(opens), "2"));
        String[] last = out.get(out.size() - 1).trim().split(" ");
        return Double.parseDouble(last[1]) / opens;
    }
}
