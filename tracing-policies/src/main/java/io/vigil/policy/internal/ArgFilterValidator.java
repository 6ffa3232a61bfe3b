// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy.internal;

import io.vigil.policy.ArgOperator;
import io.vigil.policy.ArgSpec;
import io.vigil.policy.ArgType;
import io.vigil.policy.Capability;
import io.vigil.policy.ListSpec;
import io.vigil.policy.ListType;
import io.vigil.policy.MatchArgs;
import io.vigil.policy.internal.yaml.Position;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * matchArgs, matchData and matchReturnArgs: which argument a filter names, whether its operator applies
 * to that argument's type, and whether its values read as Tetragon's encoder reads them
 * (parseMatchArg in pkg/selectors/kernel.go).
 */
final class ArgFilterValidator {

    /** What a filter's index refers to. */
    enum Target {
        /** matchArgs: the hook's args. */
        ARGS("matchArgs"),
        /** matchData: the kprobe's data, by position. */
        DATA("matchData"),
        /** matchReturnArgs: the returnArg. */
        RETURN("matchReturnArgs");

        final String field;

        Target(String field) {
            this.field = field;
        }
    }

    private final Diagnostics diag;
    private final SourceMap src;

    ArgFilterValidator(Diagnostics diag, SourceMap src) {
        this.diag = diag;
        this.src = src;
    }

    void validate(MatchArgs m, HookContext c, Target target) {
        Optional<Named> arg = resolve(m, c, target);
        if (arg.isEmpty()) {
            return;
        }
        ArgOperator op = m.operator();
        ArgType type = arg.get().spec().type();
        if (!op.appliesTo(type)) {
            String detail = type == ArgType.SOCKADDR && op.appliesTo(ArgType.SOCK)
                    ? "; sockaddr supports only SAddr, NotSAddr, SPort, NotSPort, SPortPriv, NotSportPriv and Family"
                    : "; " + op.spelling() + " applies to " + op.applicableTypes();
            diag.error(src.value(m, "operator"), "operator '" + op.spelling() + "' does not apply to " + arg.get().name()
                    + " of type '" + type.spelling() + "'" + detail);
            return;
        }
        if (op == ArgOperator.CAPABILITIES_GAINED) {
            capabilitiesGained(m, c);
        }
        values(m, type, c);
    }

    /** An argument with the words that name it in messages. */
    private record Named(ArgSpec spec, String name) {}

    private Optional<Named> resolve(MatchArgs m, HookContext c, Target target) {
        if (target == Target.RETURN) {
            ArgSpec r = c.returnArg().orElseThrow();
            int index = m.index().orElse(0);
            if (m.args().isEmpty() && index != r.index()) {
                diag.error(src.value(m, "index"), "matchReturnArgs index " + index + " does not name the return value;"
                        + " returnArg has index " + r.index());
                return Optional.empty();
            }
            return Optional.of(new Named(r, "the return value"));
        }
        List<ArgSpec> list = target == Target.DATA ? c.data() : c.args();
        String listName = target == Target.DATA ? "data" : "args";
        if (!m.args().isEmpty()) {
            if (m.index().isPresent()) {
                diag.warn(src.value(m, "index"), "index is ignored when args is given");
            }
            boolean ok = true;
            for (int i = 0; i < m.args().size(); i++) {
                int pos = m.args().get(i);
                if (pos >= list.size()) {
                    diag.error(src.item(m, "args", i), "args entry " + pos + " is out of range: " + c.name() + " declares "
                            + list.size() + " " + listName + (list.isEmpty() ? "" : " (positions 0 to " + (list.size() - 1) + ")"));
                    ok = false;
                }
            }
            return ok ? Optional.of(new Named(list.get(m.args().get(0)), listName + "[" + m.args().get(0) + "]"))
                    : Optional.empty();
        }
        int index = m.index().orElse(0);
        Position at = src.value(m, "index");
        if (target == Target.DATA || c.matchByPosition()) {
            if (index < list.size()) {
                ArgSpec a = list.get(index);
                return Optional.of(new Named(a, listName + "[" + index + "] (index " + a.index() + ")"));
            }
            String hint = "";
            for (int p = 0; p < list.size(); p++) {
                if (list.get(p).index() == index) {
                    hint = "; the argument with index " + index + " is at position " + p + ": write index: " + p;
                }
            }
            String valid = list.isEmpty() ? "none, " + c.name() + " declares no " + listName
                    : list.size() == 1 ? "0" : "0 to " + (list.size() - 1);
            String rule = target == Target.DATA ? "matchData index is a position in data (valid here: " + valid + ")"
                    : "on tracepoints, matchArgs index is a position in args (valid here: " + valid
                            + "), not the format field's index";
            diag.error(at, target.field + " index " + index + " is out of range: " + rule + hint);
            return Optional.empty();
        }
        for (ArgSpec a : list) {
            if (a.index() == index) {
                return Optional.of(new Named(a, "argument index " + index));
            }
        }
        String declared = list.isEmpty() ? c.name() + " declares no args"
                : "declared indexes: " + list.stream().map(a -> String.valueOf(a.index())).distinct()
                        .collect(Collectors.joining(", "));
        diag.error(at, "matchArgs index " + index + " names no argument declared in args of " + c.name()
                + " (" + declared + ")");
        return Optional.empty();
    }

    private void capabilitiesGained(MatchArgs m, HookContext c) {
        if (m.args().size() != 2) {
            diag.error(src.value(m, "operator"), "CapabilitiesGained needs args: [new, old], the positions of two"
                    + " capability-set arguments (kernel_cap_t, cap_inheritable, cap_permitted, cap_effective)");
            return;
        }
        int second = m.args().get(1);
        if (second < c.args().size() && !c.args().get(second).type().isCapabilitySet()
                && c.args().get(second).type() != ArgType.AUTO) {
            diag.error(src.item(m, "args", 1), "CapabilitiesGained needs capability-set arguments; args[" + second
                    + "] is of type '" + c.args().get(second).type().spelling() + "'");
        }
    }

    // ---- values ------------------------------------------------------------------------------------

    private void values(MatchArgs m, ArgType type, HookContext c) {
        ArgOperator op = m.operator();
        List<String> values = m.values();
        if (!op.takesValues()) {
            if (!values.isEmpty()) {
                diag.warn(src.value(m, "values"), "operator '" + op.spelling() + "' takes no values; they are ignored");
            }
            return;
        }
        if (values.isEmpty()) {
            diag.error(src.has(m, "values") ? src.value(m, "values") : src.of(m),
                    "operator '" + op.spelling() + "' needs values");
            return;
        }
        ArgOperator.Family f = op.family();
        boolean oneByOne = f == ArgOperator.Family.COMPARE || f == ArgOperator.Family.MASK || f == ArgOperator.Family.RANGE
                || (f == ArgOperator.Family.EQUALITY && (type.isInteger() || type.isCapabilitySet()));
        if (oneByOne && values.size() > TetragonLimits.MAX_MATCH_VALUES) {
            diag.error(src.item(m, "values", TetragonLimits.MAX_MATCH_VALUES), "operator '" + op.spelling()
                    + "' on type '" + type.spelling() + "' takes at most " + TetragonLimits.MAX_MATCH_VALUES
                    + " values, found " + values.size() + " (Tetragon compares them one by one in BPF; InMap takes more)");
        }
        for (int i = 0; i < values.size(); i++) {
            value(op, type, values.get(i), src.item(m, "values", i), c);
        }
    }

    private void value(ArgOperator op, ArgType type, String v, Position at, HookContext c) {
        switch (op.family()) {
            case EQUALITY, COMPARE, MASK -> {
                if (type.isInteger()) {
                    integer(v, type, at, ValueSyntax.goInteger(v));
                } else if (type.isCapabilitySet()) {
                    capabilityMask(v, at);
                }
            }
            case PREFIX -> maxBytes(op, v, TetragonLimits.MAX_PREFIX_BYTES, at);
            case POSTFIX -> maxBytes(op, v, TetragonLimits.MAX_POSTFIX_BYTES, at);
            case SUBSTRING -> maxBytes(op, v, TetragonLimits.MAX_SUBSTRING_BYTES, at);
            case MAP -> mapValue(op, type, v, at, c);
            case RANGE -> {
                String[] bounds = v.split(":", -1);
                if (bounds.length != 2) {
                    diag.error(at, op.spelling() + " values are ranges 'min:max', found '" + v + "'");
                } else {
                    for (String b : bounds) {
                        integer(b, type, at, ValueSyntax.goInteger(b));
                    }
                }
            }
            case PORT -> {
                if (!ValueSyntax.isPortOrRange(v)) {
                    diag.error(at, "'" + v + "' is not a port (0 to 65535) or a port range 'min:max'");
                }
            }
            case ADDRESS -> {
                if (!ValueSyntax.isAddressOrCidr(v)) {
                    diag.error(at, "'" + v + "' is not an IPv4 or IPv6 address or CIDR prefix (e.g. 10.0.0.0/8, ::1/128)");
                }
            }
            case SOCKET_FIELD -> socketField(op, v, at);
            case FILE_TYPE -> {
                if (!ValueSyntax.FILE_TYPES.contains(v)) {
                    diag.error(at, "file type '" + v + "' not known; allowed: " + String.join(", ", ValueSyntax.FILE_TYPES));
                }
            }
            default -> { }
        }
    }

    private void integer(String text, ArgType type, Position at, BigInteger v) {
        if (v == null) {
            diag.error(at, "value '" + text + "' is not an integer (type '" + type.spelling() + "')");
            return;
        }
        ValueSyntax.outOfRange(v, type).ifPresent(why -> diag.error(at, "value '" + text + "' " + why));
    }

    /** A number, or capability names separated by commas (parseCapabilitiesMask). */
    private void capabilityMask(String v, Position at) {
        if (ValueSyntax.goInteger(v) != null) {
            return;
        }
        for (String name : v.split(",")) {
            String n = name.strip().toUpperCase(Locale.ROOT);
            if (Spellings.lookup(Capability.class, n).isEmpty()) {
                diag.error(at, "capability '" + name.strip() + "' not known; a capability-set value is a number or"
                        + " capability names separated by commas (" + Spellings.allowed(Capability.class) + ")");
            }
        }
    }

    private void maxBytes(ArgOperator op, String v, int max, Position at) {
        int bytes = v.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > max) {
            diag.error(at, op.spelling() + " value is " + bytes + " bytes long; Tetragon matches at most " + max);
        }
    }

    /** InMap/NotInMap: list:NAME, a min:max range, or a decimal integer (writeMatchValuesInMap). */
    private void mapValue(ArgOperator op, ArgType type, String v, Position at, HookContext c) {
        if (ListReferences.isReference(v)) {
            Optional<ListSpec> list = ListReferences.check(diag, c.spec(), v, at);
            boolean syscalls = list.flatMap(ListSpec::type)
                    .map(t -> t == ListType.SYSCALLS || t == ListType.GENERATED_SYSCALLS).orElse(false);
            if (syscalls && type != ArgType.SYSCALL64 && type != ArgType.AUTO) {
                diag.warn(at, "a syscall list in " + op.spelling() + " is compared with syscall numbers; Tetragon's docs"
                        + " ask for an argument of type syscall64 here (found '" + type.spelling() + "'), which also"
                        + " tells 32-bit syscalls apart");
            }
            return;
        }
        String[] parts = v.split(":", -1);
        if (parts.length > 2) {
            diag.error(at, op.spelling() + " value '" + v + "' is not a number, a range 'min:max' or 'list:NAME'");
            return;
        }
        for (String p : parts) {
            BigInteger n = ValueSyntax.decimal(p);
            if (n == null) {
                diag.error(at, op.spelling() + " values are decimal integers, ranges 'min:max' or 'list:NAME';"
                        + " found '" + v + "'");
                return;
            }
            ValueSyntax.outOfRange(n, type).ifPresent(why -> diag.error(at, "value '" + p + "' " + why));
        }
    }

    /** Protocol, Family, State: a number, a min:max range, or a name (IPPROTO_TCP, AF_INET, TCP_LISTEN). */
    private void socketField(ArgOperator op, String v, Position at) {
        Map<String, Integer> names = switch (op) {
            case PROTOCOL -> ValueSyntax.PROTOCOLS;
            case FAMILY -> ValueSyntax.FAMILIES;
            default -> ValueSyntax.TCP_STATES;
        };
        if (names.containsKey(v)) {
            return;
        }
        String[] parts = v.split(":", -1);
        boolean numeric = parts.length <= 2;
        for (String p : parts) {
            BigInteger n = ValueSyntax.decimal(p);
            numeric &= n != null && n.signum() >= 0;
        }
        if (!numeric) {
            String examples = switch (op) {
                case PROTOCOL -> "IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_SCTP, IPPROTO_RAW";
                case FAMILY -> "AF_INET, AF_INET6, AF_UNIX, AF_NETLINK, AF_PACKET, AF_VSOCK";
                default -> String.join(", ", ValueSyntax.TCP_STATES.keySet().stream().sorted().toList());
            };
            diag.error(at, op.spelling() + " value '" + v + "' not known; write a number or a name: " + examples
                    + (op == ArgOperator.STATE ? "" : ", ..."));
        }
    }
}
