package io.vigil.agent.policy.compile;

import io.vigil.bpf.generic.HookImage.MapEntry;
import io.vigil.bpf.wire.GenericAbi;
import io.vigil.bpf.wire.GenericAbi.Op;
import io.vigil.policy.ArgOperator;
import io.vigil.policy.MatchArgs;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import io.vigil.policy.KprobeSpec;
import io.vigil.policy.ListSpec;
import io.vigil.policy.ListType;

/**
 * One matchArgs/matchReturnArgs filter -> a struct gen_filter (written into the config) and the
 * entries of the value maps it looks up (keyed by its set_id). Strings go to gen_str_eq,
 * gen_prefix, gen_postfix; integer sets and ports to gen_int_set; CIDRs to gen_addr4/6; the rest
 * is inline (at most {@value GenericAbi#MAX_VALUES} values).
 */
final class FilterEncoder {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final byte[] PRESENT = {1};

    private final ByteBuffer cfg;
    private final List<MapEntry> entries;
    private final SyscallTable syscalls;
    private final Function<String, Optional<ListSpec>> lists;

    /** @param lists the policy's {@code spec.lists} by name, for InMap values "list:NAME" */
    FilterEncoder(ByteBuffer cfg, List<MapEntry> entries, SyscallTable syscalls, Function<String, Optional<ListSpec>> lists) {
        this.cfg = cfg;
        this.entries = entries;
        this.syscalls = syscalls;
        this.lists = lists;
    }

    /**
     * Writes the filter at config offset f. abi is the ABI type of the value filtered.
     *
     * @throws IllegalArgumentException what is wrong with the filter, for the user
     */
    void encode(int f, int slot, int setId, int abi, String typeName, MatchArgs m) {
        ArgOperator op = m.operator();
        List<String> vals = m.values();
        if (op.takesValues() && vals.isEmpty()) {
            throw new IllegalArgumentException(op.spelling() + " needs at least one value");
        }
        cfg.put(f + GenericAbi.Filter.SLOT, (byte) slot);
        cfg.putInt(f + GenericAbi.Filter.SET_ID, setId);
        if (AbiTypes.string(abi)) {
            stringFilter(f, setId, op, vals, typeName);
        } else if (AbiTypes.socket(abi)) {
            socketFilter(f, setId, op, vals, typeName);
        } else if (AbiTypes.integer(abi) || abi == GenericAbi.ArgType.SIZE_T) {
            intFilter(f, setId, op, vals, AbiTypes.range(abi), typeName);
        } else {
            throw new IllegalArgumentException("arguments of type " + typeName + " cannot be filtered");
        }
    }

    private void stringFilter(int f, int set, ArgOperator op, List<String> vals, String typeName) {
        switch (op) {
            case EQUAL, NOT_EQUAL -> {
                setOp(f, op == ArgOperator.EQUAL ? Op.EQ : Op.NEQ);
                for (String v : vals) {
                    byte[] b = bytes(v, GenericAbi.STR_KEY - 1, op);
                    ByteBuffer k = key(GenericAbi.StrKey.SIZEOF);
                    k.putInt(GenericAbi.StrKey.SET_ID, set).putInt(GenericAbi.StrKey.LEN, b.length).put(GenericAbi.StrKey.STR, b);
                    entries.add(new MapEntry("gen_str_eq", k.array(), PRESENT));
                }
            }
            case PREFIX, NOT_PREFIX -> {
                setOp(f, op == ArgOperator.PREFIX ? Op.PREFIX : Op.NOT_PREFIX);
                for (String v : vals) {
                    entries.add(lpm("gen_prefix", set, bytes(v, GenericAbi.PREFIX_KEY, op)));
                }
            }
            case POSTFIX, NOT_POSTFIX -> {
                setOp(f, op == ArgOperator.POSTFIX ? Op.POSTFIX : Op.NOT_POSTFIX);
                for (String v : vals) {
                    entries.add(lpm("gen_postfix", set, reverse(bytes(v, GenericAbi.POSTFIX_KEY, op))));
                }
            }
            default -> throw unsupported(op, typeName, "Equal, NotEqual, Prefix, NotPrefix, Postfix, NotPostfix");
        }
    }

    private void socketFilter(int f, int set, ArgOperator op, List<String> vals, String typeName) {
        switch (op) {
            case SADDR, NOT_SADDR, DADDR, NOT_DADDR -> {
                setOp(f, switch (op) {
                    case SADDR -> Op.SADDR;
                    case NOT_SADDR -> Op.NOT_SADDR;
                    case DADDR -> Op.DADDR;
                    default -> Op.NOT_DADDR;
                });
                for (String v : vals) {
                    Values.Cidr c = Values.cidr(v);
                    boolean v4 = c.addr().length == 4;
                    ByteBuffer k = key(v4 ? GenericAbi.Addr4Key.SIZEOF : GenericAbi.Addr6Key.SIZEOF);
                    k.putInt(GenericAbi.Addr4Key.PREFIXLEN, 32 + c.bits()).putInt(GenericAbi.Addr4Key.SET_ID, set)
                            .put(GenericAbi.Addr4Key.ADDR, c.addr());
                    entries.add(new MapEntry(v4 ? "gen_addr4" : "gen_addr6", k.array(), PRESENT));
                }
            }
            case SPORT, NOT_SPORT, DPORT, NOT_DPORT -> {
                setOp(f, switch (op) {
                    case SPORT -> Op.SPORT;
                    case NOT_SPORT -> Op.NOT_SPORT;
                    case DPORT -> Op.DPORT;
                    default -> Op.NOT_DPORT;
                });
                for (long v : members(vals, new BigInteger[] {BigInteger.ZERO, BigInteger.valueOf(65535)})) {
                    intEntry(set, v);
                }
            }
            case SPORT_PRIV -> setOp(f, Op.SPORT_PRIV);
            case NOT_SPORT_PRIV -> setOp(f, Op.NOT_SPORT_PRIV);
            case DPORT_PRIV -> setOp(f, Op.DPORT_PRIV);
            case NOT_DPORT_PRIV -> setOp(f, Op.NOT_DPORT_PRIV);
            case PROTOCOL, FAMILY, STATE -> {
                setOp(f, op == ArgOperator.PROTOCOL ? Op.PROTOCOL : op == ArgOperator.FAMILY ? Op.FAMILY : Op.STATE);
                long[] v = new long[vals.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = op == ArgOperator.PROTOCOL ? Values.protocol(vals.get(i))
                            : op == ArgOperator.FAMILY ? Values.family(vals.get(i)) : Values.state(vals.get(i));
                }
                inline(f, op, v);
            }
            default -> throw unsupported(op, typeName, "SAddr, DAddr, SPort, DPort, SPortPriv, DPortPriv (and Not*), "
                    + "Protocol, Family, State");
        }
    }

    private void intFilter(int f, int set, ArgOperator op, List<String> vals, BigInteger[] range, String typeName) {
        switch (op) {
            case EQUAL, NOT_EQUAL, IN_MAP, NOT_IN_MAP -> {
                boolean positive = op == ArgOperator.EQUAL || op == ArgOperator.IN_MAP;
                long[] v = op.family() == ArgOperator.Family.MAP ? members(vals, range) : ints(vals, range);
                if (op.family() == ArgOperator.Family.EQUALITY && v.length <= GenericAbi.MAX_VALUES) {
                    setOp(f, positive ? Op.EQ : Op.NEQ);
                    inline(f, op, v);
                } else {   // more values than fit inline, or InMap: a set lookup
                    setOp(f, positive ? Op.IN_SET : Op.NOT_IN_SET);
                    for (long x : v) {
                        intEntry(set, x);
                    }
                }
            }
            case GREATER_THAN, GT, LESS_THAN, LT -> {
                setOp(f, op == ArgOperator.GREATER_THAN || op == ArgOperator.GT ? Op.GT : Op.LT);
                inline(f, op, ints(vals, range));
            }
            case MASK -> {
                setOp(f, Op.MASK);
                long[] v = ints(vals, range);
                if (v.length > GenericAbi.MAX_VALUES) {   // any bit of any value: one value says the same
                    long all = 0;
                    for (long x : v) {
                        all |= x;
                    }
                    v = new long[] {all};
                }
                inline(f, op, v);
            }
            case IN_RANGE, NOT_IN_RANGE -> {
                setOp(f, op == ArgOperator.IN_RANGE ? Op.IN_RANGE : Op.NOT_IN_RANGE);
                if (vals.size() > GenericAbi.MAX_VALUES / 2) {
                    throw new IllegalArgumentException(op.spelling() + " takes at most " + GenericAbi.MAX_VALUES / 2
                            + " ranges, got " + vals.size());
                }
                List<Long> v = new ArrayList<>();
                for (String s : vals) {
                    long[] r = Values.range(s, range);
                    v.add(r[0]);
                    v.add(r[1]);
                }
                inline(f, op, v.stream().mapToLong(Long::longValue).toArray());
            }
            default -> throw unsupported(op, typeName, "Equal, NotEqual, GT, LT, Mask, InMap, NotInMap, InRange, NotInRange");
        }
    }

    /** Most set entries one filter may expand to (ranges are stored value by value). */
    static final int MAX_SET_ENTRIES = 1024;

    /** Values and 'min:max' ranges of a set filter, expanded. */
    private long[] members(List<String> vals, BigInteger[] range) {
        List<Long> out = new ArrayList<>();
        for (String s : vals) {
            if (s.startsWith(KprobeSpec.LIST_PREFIX)) {
                out.addAll(listMembers(s.substring(KprobeSpec.LIST_PREFIX.length())));
                continue;
            }
            long[] r = s.indexOf(':', 1) > 0 ? Values.range(s, range) : new long[] {Values.integer(s, range), Values.integer(s, range)};
            if (r[1] < r[0] || r[1] - r[0] >= MAX_SET_ENTRIES - out.size()) {
                throw new IllegalArgumentException("'" + s + "': a filter holds at most " + MAX_SET_ENTRIES
                        + " values (ranges count value by value) and a range must be min:max");
            }
            for (long x = r[0]; x <= r[1]; x++) {
                out.add(x);
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    /** The numbers of a list of syscalls (Tetragon: InMap over a syscalls list compares syscall ids). */
    private List<Long> listMembers(String name) {
        ListSpec l = lists.apply(name).orElseThrow(() -> new IllegalArgumentException("no list '" + name + "' in spec.lists"));
        if (l.type().isEmpty() || l.type().get() != ListType.SYSCALLS) {
            throw new IllegalArgumentException("InMap over list '" + name + "': only lists of type syscalls can be compared"
                    + " with an argument (as syscall numbers)");
        }
        List<Long> out = new ArrayList<>();
        for (String v : l.values()) {
            OptionalLong n = syscalls.number(v);
            if (n.isEmpty()) {
                throw new IllegalArgumentException("list '" + name + "': '" + v + "' is not a syscall of " + syscalls.arch()
                        + (syscalls.numbers().isEmpty() ? " (Vigil has no syscall table for this architecture)" : ""));
            }
            out.add(n.getAsLong());
        }
        return out;
    }

    private static long[] ints(List<String> vals, BigInteger[] range) {
        long[] v = new long[vals.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = Values.integer(vals.get(i), range);
        }
        return v;
    }

    private void inline(int f, ArgOperator op, long[] v) {
        if (v.length > GenericAbi.MAX_VALUES) {
            throw new IllegalArgumentException(op.spelling() + " takes at most " + GenericAbi.MAX_VALUES + " values here, got "
                    + v.length);
        }
        cfg.put(f + GenericAbi.Filter.NVALS, (byte) v.length);
        for (int i = 0; i < v.length; i++) {
            cfg.putLong(f + GenericAbi.Filter.VALS + 8 * i, v[i]);
        }
    }

    private void setOp(int f, int op) {
        cfg.put(f + GenericAbi.Filter.OP, (byte) op);
    }

    private void intEntry(int set, long v) {
        ByteBuffer k = key(GenericAbi.IntKey.SIZEOF);
        k.putInt(GenericAbi.IntKey.SET_ID, set).putLong(GenericAbi.IntKey.VAL, v);
        entries.add(new MapEntry("gen_int_set", k.array(), PRESENT));
    }

    private static MapEntry lpm(String map, int set, byte[] str) {
        ByteBuffer k = key(GenericAbi.LpmStrKey.SIZEOF);
        k.putInt(GenericAbi.LpmStrKey.PREFIXLEN, 32 + 8 * str.length).putInt(GenericAbi.LpmStrKey.SET_ID, set)
                .put(GenericAbi.LpmStrKey.STR, str);
        return new MapEntry(map, k.array(), PRESENT);
    }

    private static ByteBuffer key(int size) {
        return ByteBuffer.allocate(size).order(LE);
    }

    private static byte[] bytes(String v, int max, ArgOperator op) {
        byte[] b = v.getBytes(StandardCharsets.UTF_8);
        if (b.length > max) {
            throw new IllegalArgumentException(op.spelling() + " value '" + v + "' is " + b.length + " bytes; the kernel compares at most "
                    + max);
        }
        return b;
    }

    private static byte[] reverse(byte[] b) {
        byte[] r = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            r[i] = b[b.length - 1 - i];
        }
        return r;
    }

    private static IllegalArgumentException unsupported(ArgOperator op, String typeName, String allowed) {
        return new IllegalArgumentException("operator " + op.spelling() + " is not supported on " + typeName
                + " arguments; supported: " + allowed);
    }
}
