package io.vigil.agent.policy.compile;

import io.vigil.agent.policy.HookDescriptor.AgentAction;
import io.vigil.agent.policy.plan.ImplicitFilter;
import io.vigil.bpf.wire.GenericAbi;
import io.vigil.policy.ActionType;
import io.vigil.policy.BinaryOperator;
import io.vigil.policy.Capability;
import io.vigil.policy.MatchAction;
import io.vigil.policy.MatchArgs;
import io.vigil.policy.MatchBinaries;
import io.vigil.policy.MatchCapabilities;
import io.vigil.policy.MatchNamespaces;
import io.vigil.policy.MatchPids;
import io.vigil.policy.NamespaceType;
import io.vigil.policy.RateLimitScope;
import io.vigil.policy.Selector;
import io.vigil.policy.SetOperator;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * One selector -> a struct gen_selector: process filters (binaries, pids, namespaces,
 * capabilities and their changes), matchArgs/matchReturnArgs via {@link FilterEncoder}, and actions.
 */
final class SelectorEncoder {
    /** Where an argument filter reads: slot and ABI type, or a message why it cannot. */
    interface Slots {
        /** @return {slot, abiType}; throws IllegalArgumentException with the reason */
        int[] arg(MatchArgs m);

        int[] ret();

        /** TrackSock/UntrackSock's argSock: {slot, abiType} of a sock or socket argument; else IllegalArgumentException */
        int[] sock(int argSock);

        String typeName(int slot);
    }

    private static final BigInteger[] U32 = {BigInteger.ZERO, BigInteger.ONE.shiftLeft(32).subtract(BigInteger.ONE)};

    private final ByteBuffer cfg;
    private final FilterEncoder filters;
    private final BinaryBits bits;
    private final Map<NamespaceType, Long> hostNs;
    private final Problems problems;
    private int nextSet = 1;

    SelectorEncoder(ByteBuffer cfg, FilterEncoder filters, BinaryBits bits, Map<NamespaceType, Long> hostNs, Problems problems) {
        this.cfg = cfg;
        this.filters = filters;
        this.bits = bits;
        this.hostNs = hostNs;
        this.problems = problems;
    }

    /** @return what the agent does when this selector matches (GetUrl, DnsLookup) */
    List<AgentAction> encode(int base, Selector s, Slots slots, List<ImplicitFilter> implicit, String where) {
        unsupported(s.matchData(), where + ".matchData");
        unsupported(s.matchNamespaceChanges(), where + ".matchNamespaceChanges");
        unsupported(s.matchReturnActions(), where + ".matchReturnActions");
        int nf = s.matchArgs().size() + s.matchReturnArgs().size();
        if (nf + implicit.size() > GenericAbi.MAX_FILTERS) {
            problems.add(where, "at most " + (GenericAbi.MAX_FILTERS - implicit.size()) + " matchArgs + matchReturnArgs per"
                    + " selector" + (implicit.isEmpty() ? "" : " here (" + implicit.size() + " of the kernel's "
                    + GenericAbi.MAX_FILTERS + " filters keep the tracepoint to where the function runs)") + ", got " + nf);
            return List.of();
        }
        int n = 0;
        for (int i = 0; i < s.matchArgs().size(); i++) {
            MatchArgs m = s.matchArgs().get(i);
            n += filter(base, n, m, false, slots, where + ".matchArgs[" + i + "]");
        }
        for (int i = 0; i < s.matchReturnArgs().size(); i++) {
            MatchArgs m = s.matchReturnArgs().get(i);
            n += filter(base, n, m, true, slots, where + ".matchReturnArgs[" + i + "]");
        }
        for (ImplicitFilter f : implicit) {
            int off = base + GenericAbi.Selector.FILTERS + n * GenericAbi.Filter.SIZEOF;
            cfg.put(off + GenericAbi.Filter.SLOT, (byte) f.slot());
            cfg.put(off + GenericAbi.Filter.OP, (byte) f.op());
            cfg.put(off + GenericAbi.Filter.NVALS, (byte) f.values().size());
            cfg.putInt(off + GenericAbi.Filter.SET_ID, nextSet++);
            for (int i = 0; i < f.values().size(); i++) {
                cfg.putLong(off + GenericAbi.Filter.VALS + 8 * i, f.values().get(i));
            }
            n++;
        }
        cfg.put(base + GenericAbi.Selector.NFILTERS, (byte) n);
        binaries(base + GenericAbi.Selector.BIN_OP, s.matchBinaries(), where + ".matchBinaries");
        binaries(base + GenericAbi.Selector.PBIN_OP, s.matchParentBinaries(), where + ".matchParentBinaries");
        pids(base, s.matchPids(), where + ".matchPIDs");
        namespaces(base, s.matchNamespaces(), where + ".matchNamespaces");
        capabilities(base, s.matchCapabilities(), where + ".matchCapabilities", CAPS);
        capabilities(base, s.matchCapabilityChanges(), where + ".matchCapabilityChanges", CAP_CHANGES);
        return actions(base, s.matchActions(), slots, where + ".matchActions");
    }

    private int filter(int base, int n, MatchArgs m, boolean ret, Slots slots, String where) {
        int f = base + GenericAbi.Selector.FILTERS + n * GenericAbi.Filter.SIZEOF;
        int set = nextSet++;   // every filter takes a set id, as the kernel tests' hand-built images do
        try {
            int[] slot = ret ? slots.ret() : slots.arg(m);
            filters.encode(f, slot[0], set, slot[1], slots.typeName(slot[0]), m);
            return 1;
        } catch (IllegalArgumentException e) {
            problems.add(where, e.getMessage());
            return 0;
        }
    }

    /** bin_op/bin_bit (or pbin_op/pbin_bit) at off, off + 1. */
    private void binaries(int off, List<MatchBinaries> l, String where) {
        if (l.isEmpty()) {
            return;
        }
        if (l.size() > 1) {
            problems.add(where, "one filter per selector (the kernel tests one bit); put the paths in one filter's values");
            return;
        }
        MatchBinaries mb = l.get(0);
        OptionalInt bit;
        try {
            bit = bits.bitFor(mb);
        } catch (IllegalArgumentException e) {
            problems.add(where, e.getMessage());
            return;
        }
        if (bit.isEmpty()) {
            problems.add(where, "all " + GenericAbi.BIN_MAX_BITS + " matchBinaries filters of the loaded policies are in use");
            return;
        }
        boolean in = mb.operator() == BinaryOperator.IN || mb.operator() == BinaryOperator.PREFIX
                || mb.operator() == BinaryOperator.POSTFIX;
        cfg.put(off, (byte) (in ? GenericAbi.SetOp.IN : GenericAbi.SetOp.NOT_IN));
        cfg.put(off + 1, (byte) bit.getAsInt());
    }

    private void pids(int base, List<MatchPids> l, String where) {
        if (l.isEmpty()) {
            return;
        }
        MatchPids p = l.get(0);
        for (MatchPids o : l.subList(1, l.size())) {   // ANDed: NotIn a, NotIn b = NotIn a+b; In a, In b = In a&b
            if (o.operator() != p.operator() || o.followForks() != p.followForks() || o.isNamespacePid() != p.isNamespacePid()) {
                problems.add(where, "the kernel tests one matchPIDs filter per selector; several are merged only when they"
                        + " have the same operator, followForks and isNamespacePID");
                return;
            }
            Set<Long> merged = new LinkedHashSet<>(p.values());
            if (p.operator() == SetOperator.NOT_IN) {
                merged.addAll(o.values());
            } else {
                merged.retainAll(o.values());
            }
            p = new MatchPids(p.operator(), List.copyOf(merged), p.followForks(), p.isNamespacePid());
        }
        if (p.values().size() > GenericAbi.MAX_PIDS) {
            problems.add(where, "at most " + GenericAbi.MAX_PIDS + " pids per selector (Tetragon's limit), got "
                    + p.values().size() + (l.size() > 1 ? " after merging its " + l.size() + " filters" : ""));
            return;
        }
        cfg.put(base + GenericAbi.Selector.PID_OP, (byte) setOp(p.operator()));
        cfg.put(base + GenericAbi.Selector.PID_FLAGS, (byte) ((p.followForks() ? GenericAbi.PidFlag.FOLLOW_FORKS : 0)
                | (p.isNamespacePid() ? GenericAbi.PidFlag.NAMESPACE : 0)));
        cfg.put(base + GenericAbi.Selector.NPIDS, (byte) p.values().size());
        for (int i = 0; i < p.values().size(); i++) {
            long v = p.values().get(i);
            if (v < 0 || v > 0xffffffffL) {
                problems.add(where, "pid " + v + " is out of range");
                return;
            }
            cfg.putInt(base + GenericAbi.Selector.PIDS + 4 * i, (int) v);
        }
    }

    private void namespaces(int base, List<MatchNamespaces> l, String where) {
        if (l.size() > GenericAbi.MAX_NS) {
            problems.add(where, "at most " + GenericAbi.MAX_NS + " filters per selector");
            return;
        }
        cfg.put(base + GenericAbi.Selector.NNS, (byte) l.size());
        for (int i = 0; i < l.size(); i++) {
            MatchNamespaces m = l.get(i);
            int f = base + GenericAbi.Selector.NS + i * GenericAbi.NsFilter.SIZEOF;
            if (m.values().size() > GenericAbi.MAX_NS_VALUES) {
                problems.add(where + "[" + i + "]", "at most " + GenericAbi.MAX_NS_VALUES + " values");
                continue;
            }
            cfg.put(f + GenericAbi.NsFilter.TYPE, (byte) nsType(m.namespace()));
            cfg.put(f + GenericAbi.NsFilter.OP, (byte) setOp(m.operator()));
            cfg.put(f + GenericAbi.NsFilter.NVALS, (byte) m.values().size());
            for (int j = 0; j < m.values().size(); j++) {
                String v = m.values().get(j);
                long inum;
                if (v.equals(MatchNamespaces.HOST_NS)) {
                    Long h = hostNs.get(m.namespace());
                    if (h == null) {
                        problems.add(where + "[" + i + "]", "the host's " + m.namespace().spelling() + " namespace is not known");
                        continue;
                    }
                    inum = h;
                } else {
                    try {
                        inum = Values.integer(v, U32);
                    } catch (IllegalArgumentException e) {
                        problems.add(where + "[" + i + "]", "namespace value: " + e.getMessage() + " (an inode number or host_ns)");
                        continue;
                    }
                }
                cfg.putInt(f + GenericAbi.NsFilter.VALS + 4 * j, (int) inum);
            }
        }
    }

    /** Where a capability filter goes in struct gen_selector: matchCapabilities and matchCapabilityChanges share a shape. */
    private record CapFields(int op, int type, int ns, int mask) {}

    private static final CapFields CAPS = new CapFields(GenericAbi.Selector.CAP_OP, GenericAbi.Selector.CAP_TYPE,
            GenericAbi.Selector.CAP_NS, GenericAbi.Selector.CAP_MASK);
    private static final CapFields CAP_CHANGES = new CapFields(GenericAbi.Selector.CAPC_OP, GenericAbi.Selector.CAPC_TYPE,
            GenericAbi.Selector.CAPC_NS, GenericAbi.Selector.CAPC_MASK);

    private void capabilities(int base, List<MatchCapabilities> l, String where, CapFields at) {
        if (l.isEmpty()) {
            return;
        }
        if (l.size() > 1) {
            problems.add(where, "one filter per selector");
            return;
        }
        MatchCapabilities c = l.get(0);
        long mask = 0;
        for (Capability cap : c.values()) {
            mask |= 1L << cap.number();
        }
        cfg.put(base + at.op(), (byte) setOp(c.operator()));
        cfg.put(base + at.type(), (byte) switch (c.type()) {
            case EFFECTIVE -> GenericAbi.CapType.EFFECTIVE;
            case INHERITABLE -> GenericAbi.CapType.INHERITABLE;
            case PERMITTED -> GenericAbi.CapType.PERMITTED;
        });
        cfg.put(base + at.ns(), (byte) (c.isNamespaceCapability() ? 1 : 0));
        cfg.putLong(base + at.mask(), mask);
    }

    /** No matchActions: Post. NoPost and the enforcement actions (acted on by issue 4) are encoded as bits. */
    private List<AgentAction> actions(int base, List<MatchAction> l, Slots slots, String where) {
        int bitsSet = l.isEmpty() ? GenericAbi.Action.POST : 0;
        List<AgentAction> agent = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            MatchAction a = l.get(i);
            String w = where + "[" + i + "]";
            switch (a.action()) {
                case POST -> {
                    bitsSet |= GenericAbi.Action.POST;
                    if (a.rateLimit().isPresent()) {
                        cfg.putLong(base + GenericAbi.Selector.RATE_NS, a.rateLimit().get().toNanos());
                        cfg.put(base + GenericAbi.Selector.RATE_SCOPE,
                                (byte) switch (a.rateLimitScope().orElse(RateLimitScope.THREAD)) {
                                    case THREAD -> GenericAbi.RateScope.THREAD;
                                    case PROCESS -> GenericAbi.RateScope.PROCESS;
                                    case GLOBAL -> GenericAbi.RateScope.GLOBAL;
                                });
                    }
                }
                case NO_POST -> bitsSet |= GenericAbi.Action.NOPOST;
                case SIGKILL -> bitsSet |= GenericAbi.Action.SIGKILL;
                case OVERRIDE -> {
                    if (a.argError().isEmpty()) {
                        problems.add(w, "Override needs argError (the error the call returns, e.g. -1)");
                    }
                    bitsSet |= GenericAbi.Action.OVERRIDE;
                    cfg.putInt(base + GenericAbi.Selector.ARG_ERROR, a.argError().orElse(0));
                }
                case SIGNAL -> {
                    if (a.argSig().isEmpty()) {
                        problems.add(w, "Signal needs argSig (the signal number, e.g. 9)");
                    }
                    bitsSet |= GenericAbi.Action.SIGNAL;
                    cfg.putInt(base + GenericAbi.Selector.ARG_SIG, a.argSig().orElse(0));
                }
                case NOTIFY_ENFORCER -> {
                    bitsSet |= GenericAbi.Action.NOTIFY_ENFORCER;
                    a.argError().ifPresent(e -> cfg.putInt(base + GenericAbi.Selector.ARG_ERROR, e));
                    a.argSig().ifPresent(s -> cfg.putInt(base + GenericAbi.Selector.ARG_SIG, s));
                }
                case GET_URL -> {
                    bitsSet |= GenericAbi.Action.GETURL;
                    agentAction(AgentAction.Type.GET_URL, a.argUrl(), "GetUrl needs argUrl (an http or https URL)", w, agent);
                }
                case DNS_LOOKUP -> {
                    bitsSet |= GenericAbi.Action.DNSLOOKUP;
                    agentAction(AgentAction.Type.DNS_LOOKUP, a.argFqdn(), "DnsLookup needs argFqdn (a name to resolve)", w, agent);
                }
                case TRACK_SOCK, UNTRACK_SOCK -> {
                    if ((bitsSet & (GenericAbi.Action.TRACKSOCK | GenericAbi.Action.UNTRACKSOCK)) != 0) {
                        problems.add(w, "one TrackSock or UntrackSock per selector (the kernel keeps one argSock)");
                    }
                    try {
                        cfg.putInt(base + GenericAbi.Selector.ARG_SOCK, slots.sock(a.argSock().orElse(0))[0]);
                    } catch (IllegalArgumentException e) {
                        problems.add(w, a.action().spelling() + " argSock: " + e.getMessage());
                    }
                    bitsSet |= a.action() == ActionType.TRACK_SOCK ? GenericAbi.Action.TRACKSOCK
                            : GenericAbi.Action.UNTRACKSOCK;
                }
                default -> problems.add(w, "action " + a.action().spelling() + " is not supported yet; supported: "
                        + "Post, NoPost, Sigkill, Override, Signal, NotifyEnforcer, GetUrl, DnsLookup, TrackSock, UntrackSock");
            }
        }
        cfg.putInt(base + GenericAbi.Selector.ACTIONS, bitsSet);
        return agent;
    }

    private void agentAction(AgentAction.Type type, Optional<String> target, String missing, String where,
            List<AgentAction> out) {
        if (target.isEmpty() || target.get().isBlank()) {
            problems.add(where, missing);
            return;
        }
        if (type == AgentAction.Type.GET_URL && !target.get().matches("(?i)https?://\\S+")) {
            problems.add(where, "argUrl must be an http:// or https:// URL, got " + target.get());
            return;
        }
        out.add(new AgentAction(type, target.get()));
    }

    private void unsupported(List<?> l, String where) {
        if (!l.isEmpty()) {
            problems.add(where, "not supported yet");
        }
    }

    private static int setOp(SetOperator op) {
        return op == SetOperator.IN ? GenericAbi.SetOp.IN : GenericAbi.SetOp.NOT_IN;
    }

    private static int nsType(NamespaceType t) {
        return switch (t) {
            case UTS -> GenericAbi.NsType.UTS;
            case IPC -> GenericAbi.NsType.IPC;
            case MNT -> GenericAbi.NsType.MNT;
            case PID -> GenericAbi.NsType.PID;
            case PID_FOR_CHILDREN -> GenericAbi.NsType.PID_FOR_CHILDREN;
            case NET -> GenericAbi.NsType.NET;
            case TIME -> GenericAbi.NsType.TIME;
            case TIME_FOR_CHILDREN -> GenericAbi.NsType.TIME_FOR_CHILDREN;
            case CGROUP -> GenericAbi.NsType.CGROUP;
            case USER -> GenericAbi.NsType.USER;
        };
    }
}
