package io.vigil.bpf.generic;

import io.vigil.bpf.BpfException;
import io.vigil.bpf.BpfLink;
import io.vigil.bpf.BpfMap;
import io.vigil.bpf.BpfObject;
import io.vigil.bpf.wire.GenericAbi;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The hooks of one syscall enter tracepoint behind one attached program (bpf_generic_dispatch.c):
 * members are generic_tp_enter programs in the dispatcher's prog array, run in slot order when the
 * gate (GateEncoder) says they may match. Up to {@link GenericAbi#DISPATCH_SLOTS} members.
 *
 * <p>Updates keep every call safe: a member joins by prog array slot, then gate entries, then
 * config; it leaves by config, then gate entries, then slot. The first member attaches the
 * dispatcher, the last one leaving detaches and closes it. Not thread-safe (the installer's one thread).
 */
public final class DispatchGroup implements AutoCloseable {
    /** The program a member runs (bpf_generic_tp.c). */
    public static final String MEMBER_PROGRAM = "generic_tp_enter";
    static final String OBJECT = "bpf_generic_dispatch";
    static final String PROGRAM = "generic_dispatch";

    /** Called once the dispatcher is attached (pin its link and prog array) and before it goes. */
    public interface Lifecycle {
        void attached(DispatchGroup group) throws BpfException;

        void closing(DispatchGroup group);

        /** The agent exits with its sensors kept: leaving members must not change what runs in the kernel. */
        default boolean exiting() {
            return false;
        }
    }

    private final String tracepoint;
    private final GenericHookLoader loader;
    private final Lifecycle lifecycle;
    private final BpfObject object;
    private final Map<Integer, Member> members = new TreeMap<>();
    private GateEncoder.Encoded encoded = GateEncoder.Encoded.EMPTY;
    private int gateCtxOff = -1;   // fixed by the first gated member, kept for the group's life
    private BpfLink link;

    private DispatchGroup(String tracepoint, GenericHookLoader loader, Lifecycle lifecycle, BpfObject object) {
        this.tracepoint = tracepoint;
        this.loader = loader;
        this.lifecycle = lifecycle;
        this.object = object;
    }

    /** Loads a dispatcher for "syscalls/sys_enter_X", not attached yet (its first member attaches it). */
    public static DispatchGroup open(String tracepoint, GenericHookLoader loader, Lifecycle lifecycle) throws BpfException {
        if (!tracepoint.startsWith("syscalls/sys_enter_")) {
            throw new IllegalArgumentException("a dispatcher serves a syscall enter tracepoint, not " + tracepoint);
        }
        BpfObject obj = BpfObject.openResource("/bpf/" + OBJECT + ".bpf.o");
        try {
            for (Map.Entry<String, BpfMap> m : loader.sharedMaps().entrySet()) {
                if (obj.hasMap(m.getKey())) {
                    obj.reuseMap(m.getKey(), m.getValue().fd());
                }
            }
            obj.load();
            return new DispatchGroup(tracepoint, loader, lifecycle, obj);
        } catch (BpfException | RuntimeException e) {
            obj.close();
            throw e;
        }
    }

    /** A member's place in the group; closing it leaves the group. */
    public final class Member implements AutoCloseable {
        private final int slot;
        private final LoadedHook hook;
        private final Optional<GateEncoder.Gate> gate;

        private Member(int slot, LoadedHook hook, Optional<GateEncoder.Gate> gate) {
            this.slot = slot;
            this.hook = hook;
            this.gate = gate;
        }

        public int slot() {
            return slot;
        }

        public LoadedHook hook() {
            return hook;
        }

        public DispatchGroup group() {
            return DispatchGroup.this;
        }

        /** Monitor/enforce stays per member: its own gen_config. */
        public boolean setMonitor(boolean monitor) throws BpfException {
            return hook.setMonitor(monitor);
        }

        @Override
        public void close() {
            leave(this);
        }

        @Override
        public String toString() {
            return "DispatchMember[" + tracepoint + " slot " + slot + "]";
        }
    }

    public String tracepoint() {
        return tracepoint;
    }

    public int size() {
        return members.size();
    }

    public boolean full() {
        return members.size() >= GenericAbi.DISPATCH_SLOTS;
    }

    /** The attached dispatcher's link, or null before the first member. */
    public BpfLink link() {
        return link;
    }

    /** A map of the dispatcher's object (gen_dispatch_config, gen_gate, gen_dispatch_state, gen_dispatch_progs). */
    public BpfMap map(String name) {
        return object.map(name);
    }

    /** The prog array: members stay in the kernel as long as it has a user-space reference (fd or pin). */
    public BpfMap progs() {
        return object.map("gen_dispatch_progs");
    }

    /**
     * Loads the hook as a member and lets it run. {@code gate}: the string the dispatcher reads
     * (tracepoint record offset of its user pointer) and the values that may match; empty = runs on
     * every call. A gate on another field than the group's runs always.
     *
     * @throws IllegalStateException when the group is full
     * @throws BpfException when loading or a map write fails; the group is then as before
     */
    public Member join(HookImage image, Optional<GateEncoder.Gate> gate, int ctxOff) throws BpfException {
        if (full()) {
            throw new IllegalStateException("dispatcher of " + tracepoint + " is full (" + GenericAbi.DISPATCH_SLOTS + " members)");
        }
        int slot = 0;
        while (members.containsKey(slot)) {
            slot++;
        }
        int gateOff = gateCtxOff;
        if (gate.isPresent() && gateOff < 0) {
            gateOff = ctxOff;
        }
        Optional<GateEncoder.Gate> effective = gate.isPresent() && ctxOff == gateOff ? gate : Optional.empty();
        LoadedHook hook = loader.loadMember(image, Map.of("gen_dispatch_progs", progs(),
                "gen_dispatch_state", object.map("gen_dispatch_state")));
        Member m = new Member(slot, hook, effective);
        boolean attachedNow = false;
        try {
            progs().update(slot, le(hook.programFd(MEMBER_PROGRAM)));
            members.put(slot, m);
            gateCtxOff = gateOff;
            apply(true);
            if (link == null) {
                link = object.program(PROGRAM).attachTracepoint("syscalls", tracepoint.substring("syscalls/".length()));
                attachedNow = true;
                lifecycle.attached(this);
            }
            return m;
        } catch (BpfException | RuntimeException e) {
            if (attachedNow) {
                link.close();
                link = null;
            }
            if (members.remove(slot) != null) {
                try {
                    apply(false);
                } catch (BpfException | RuntimeException again) {
                    e.addSuppressed(again);
                }
            }
            try {
                progs().delete(le(slot));
            } catch (BpfException | RuntimeException again) {
                e.addSuppressed(again);
            }
            hook.close();
            throw e;
        }
    }

    private void leave(Member m) {
        if (members.get(m.slot) != m) {
            return;
        }
        members.remove(m.slot);
        if (lifecycle.exiting()) {   // the pinned prog array keeps the member's program; only our fds go
            m.hook.close();
            if (members.isEmpty()) {
                close();
            }
            return;
        }
        try {
            apply(false);
            progs().delete(le(m.slot));
        } catch (BpfException e) {
            // the member's bit is out of the config first: a stale slot or entry is never run
            throw new IllegalStateException("dispatcher of " + tracepoint + ": leaving slot " + m.slot + " failed: " + e.getMessage(), e);
        } finally {
            m.hook.close();
            if (members.isEmpty()) {
                close();
            }
        }
    }

    /** Writes masks and trie: joining, entries before config (a new bit shows up last); leaving, config first. */
    private void apply(boolean joining) throws BpfException {
        List<GateEncoder.Member> list = new ArrayList<>();
        members.values().forEach(x -> list.add(new GateEncoder.Member(x.slot, x.gate)));
        GateEncoder.Encoded next = GateEncoder.encode(list);
        GateEncoder.Diff d = GateEncoder.diff(encoded, next);
        BpfMap trie = object.map("gen_gate");
        if (!joining) {
            writeConfig(encoded, next);
        }
        for (Map.Entry<String, Integer> e : d.upserts().entrySet()) {
            trie.update(GateEncoder.keyBytes(e.getKey()), le(e.getValue()));
        }
        for (String k : d.deletes()) {
            trie.delete(GateEncoder.keyBytes(k));
        }
        if (joining) {
            writeConfig(encoded, next);
        }
        encoded = next;
    }

    /**
     * Turns the config from {@code written} (what gen_dispatch_config holds: the group's encoding
     * before this change) into {@code next}. A map update copies the value while calls read it: when the heads change they are written
     * with nheads 0 (the string is read, always right) and switched on by a second write that
     * changes only that byte; the first write turns the old heads off the same way.
     */
    private void writeConfig(GateEncoder.Encoded written, GateEncoder.Encoded next) throws BpfException {
        BpfMap config = object.map("gen_dispatch_config");
        List<String> before = written.heads();
        if (!before.equals(next.heads())) {
            if (!before.isEmpty()) {
                config.update(0, GateEncoder.configBytes(written, gateCtxOff, false));
            }
            config.update(0, GateEncoder.configBytes(next, gateCtxOff, false));
        }
        config.update(0, GateEncoder.configBytes(next, gateCtxOff, true));
    }

    private static byte[] le(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    /** Detaches the dispatcher and frees it (the members' programs go with the prog array). Idempotent. */
    @Override
    public void close() {
        if (object.isClosed()) {
            return;
        }
        if (link != null) {
            lifecycle.closing(this);
            link.close();
            link = null;
        }
        for (Member m : List.copyOf(members.values())) {
            m.hook.close();
        }
        members.clear();
        object.close();
    }

    @Override
    public String toString() {
        return "DispatchGroup[" + tracepoint + ", " + members.size() + " hooks]";
    }
}
