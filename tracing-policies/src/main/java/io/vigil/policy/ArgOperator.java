// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code matchArgs[].operator} (also matchData and matchReturnArgs): the CRD enum in Tetragon's
 * reference (ArgSelector.operator). {@link #tetragonCode()} is Tetragon's SelectorOp number in
 * pkg/selectors/kernel.go; aliases such as GT/GreaterThan share one.
 */
public enum ArgOperator implements Spelled {
    EQUAL("Equal", 3, Family.EQUALITY),
    NOT_EQUAL("NotEqual", 4, Family.EQUALITY),
    PREFIX("Prefix", 8, Family.PREFIX),
    NOT_PREFIX("NotPrefix", 26, Family.PREFIX),
    POSTFIX("Postfix", 9, Family.POSTFIX),
    NOT_POSTFIX("NotPostfix", 27, Family.POSTFIX),
    GREATER_THAN("GreaterThan", 1, Family.COMPARE),
    LESS_THAN("LessThan", 2, Family.COMPARE),
    GT("GT", 1, Family.COMPARE),
    LT("LT", 2, Family.COMPARE),
    /** Matches when {@code arg & value != 0} for any value. */
    MASK("Mask", 12, Family.MASK),
    SPORT("SPort", 15, Family.PORT),
    NOT_SPORT("NotSPort", 18, Family.PORT),
    /** Source port is 0-1023; takes no values. */
    SPORT_PRIV("SPortPriv", 20, Family.PORT_PRIV),
    /** Spelled "NotSportPriv" in Tetragon's CRD; its docs write "NotSPortPriv", which the CRD refuses. */
    NOT_SPORT_PRIV("NotSportPriv", 21, Family.PORT_PRIV),
    DPORT("DPort", 16, Family.PORT),
    NOT_DPORT("NotDPort", 19, Family.PORT),
    DPORT_PRIV("DPortPriv", 22, Family.PORT_PRIV),
    NOT_DPORT_PRIV("NotDPortPriv", 23, Family.PORT_PRIV),
    SADDR("SAddr", 13, Family.ADDRESS),
    NOT_SADDR("NotSAddr", 24, Family.ADDRESS),
    DADDR("DAddr", 14, Family.ADDRESS),
    NOT_DADDR("NotDAddr", 25, Family.ADDRESS),
    PROTOCOL("Protocol", 17, Family.SOCKET_FIELD),
    FAMILY("Family", 28, Family.SOCKET_FIELD),
    STATE("State", 29, Family.SOCKET_FIELD),
    IN_MAP("InMap", 10, Family.MAP),
    NOT_IN_MAP("NotInMap", 11, Family.MAP),
    /** Compares two capability arguments named with {@code args: [new, old]}; takes no values. */
    CAPABILITIES_GAINED("CapabilitiesGained", 30, Family.CAPABILITIES_GAINED),
    IN_RANGE("InRange", 31, Family.RANGE),
    NOT_IN_RANGE("NotInRange", 32, Family.RANGE),
    SUB_STRING("SubString", 33, Family.SUBSTRING),
    SUB_STRING_IGN_CASE("SubStringIgnCase", 34, Family.SUBSTRING),
    FILE_TYPE("FileType", 35, Family.FILE_TYPE),
    NOT_FILE_TYPE("NotFileType", 36, Family.FILE_TYPE);

    /** Operators that read the same kind of value and apply to the same argument types. */
    public enum Family {
        EQUALITY, PREFIX, POSTFIX, COMPARE, MASK, PORT, PORT_PRIV, ADDRESS, SOCKET_FIELD, MAP,
        CAPABILITIES_GAINED, RANGE, SUBSTRING, FILE_TYPE
    }

    private final String spelling;
    private final int tetragonCode;
    private final Family family;

    ArgOperator(String spelling, int tetragonCode, Family family) {
        this.spelling = spelling;
        this.tetragonCode = tetragonCode;
        this.family = family;
    }

    @Override
    public String spelling() {
        return spelling;
    }

    /** Tetragon's SelectorOp value (pkg/selectors/kernel.go). */
    public int tetragonCode() {
        return tetragonCode;
    }

    public Family family() {
        return family;
    }

    /** Whether the operator reads {@code values}; the *PortPriv operators and CapabilitiesGained do not. */
    public boolean takesValues() {
        return family != Family.PORT_PRIV && family != Family.CAPABILITIES_GAINED;
    }

    /**
     * Whether Tetragon's selector encoder accepts this operator on an argument of this type
     * (parseMatchArg in pkg/selectors/kernel.go, and the BPF filters behind it). {@code auto} types
     * are only known at load time and pass.
     */
    public boolean appliesTo(ArgType type) {
        if (type == ArgType.AUTO) {
            return true;
        }
        ArgType.Value v = type.value();
        return switch (family) {
            case EQUALITY -> type.isInteger() || type.isCapabilitySet() || v == ArgType.Value.STRING
                    || v == ArgType.Value.PATH || v == ArgType.Value.DEVICE;
            case PREFIX, POSTFIX -> v == ArgType.Value.STRING || v == ArgType.Value.PATH;
            case COMPARE, MAP, RANGE -> type.isInteger();
            case MASK -> type.isInteger() || type.isCapabilitySet();
            case PORT, PORT_PRIV, ADDRESS, SOCKET_FIELD -> v == ArgType.Value.SOCKET && (type != ArgType.SOCKADDR || sockaddrSupports());
            case CAPABILITIES_GAINED -> type.isCapabilitySet();
            case SUBSTRING -> type == ArgType.STRING || type == ArgType.CHAR_BUF;
            case FILE_TYPE -> type == ArgType.FILE || type == ArgType.PATH;
        };
    }

    /** sockaddr "only supports [not]saddr, [not]sport[priv], and family" (pkg/selectors/kernel.go). */
    private boolean sockaddrSupports() {
        return switch (this) {
            case SADDR, NOT_SADDR, SPORT, NOT_SPORT, SPORT_PRIV, NOT_SPORT_PRIV, FAMILY -> true;
            default -> false;
        };
    }

    /** The argument types this operator applies to, for messages: "integer types, string, char_buf, ...". */
    public String applicableTypes() {
        List<String> names = new ArrayList<>();
        boolean integers = false;
        for (ArgType t : ArgType.values()) {
            if (t == ArgType.AUTO || !appliesTo(t)) {
                continue;
            }
            if (t.isInteger()) {
                integers = true;
            } else {
                names.add(t.spelling());
            }
        }
        if (integers) {
            names.add(0, "integer types (int, uint32, int64, size_t, ...)");
        }
        return String.join(", ", names);
    }
}
