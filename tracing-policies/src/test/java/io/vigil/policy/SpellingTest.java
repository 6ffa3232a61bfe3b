// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The enums spell exactly what Tetragon's CRD enums list (docs/content/en/docs/reference/
 * tracing-policy.md in cilium/tetragon, copied here as test data), in the same order.
 */
class SpellingTest {

    private static <E extends Enum<E> & Spelled> List<String> spellings(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(Spelled::spelling).toList();
    }

    private static List<String> crd(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(String::strip).toList();
    }

    @Test
    void argumentTypesAreTheCrdEnum() {
        assertEquals(crd("auto, int, sint8, int8, uint8, sint16, int16, uint16, uint32, sint32, int32, ulong, uint64,"
                + " size_t, long, sint64, int64, char_buf, char_iovec, skb, sock, sockaddr, socket, string, fd, file,"
                + " filename, path, nop, bpf_attr, perf_event, bpf_map, user_namespace, capability, kiocb, iov_iter,"
                + " cred, const_buf, load_info, module, syscall64, kernel_cap_t, cap_inheritable, cap_permitted,"
                + " cap_effective, linux_binprm, data_loc, net_device, bpf_cmd, dentry, bpf_prog"),
                spellings(ArgType.class));
    }

    @Test
    void operatorsAreTheCrdEnum() {
        assertEquals(crd("Equal, NotEqual, Prefix, NotPrefix, Postfix, NotPostfix, GreaterThan, LessThan, GT, LT,"
                + " Mask, SPort, NotSPort, SPortPriv, NotSportPriv, DPort, NotDPort, DPortPriv, NotDPortPriv, SAddr,"
                + " NotSAddr, DAddr, NotDAddr, Protocol, Family, State, InMap, NotInMap, CapabilitiesGained, InRange,"
                + " NotInRange, SubString, SubStringIgnCase, FileType, NotFileType"), spellings(ArgOperator.class));
        assertEquals(crd("In, NotIn, Prefix, NotPrefix, Postfix, NotPostfix"), spellings(BinaryOperator.class));
        assertEquals(crd("In, NotIn"), spellings(SetOperator.class));
    }

    @Test
    void actionsAreTheCrdEnum() {
        Set<String> crd = new HashSet<>(crd("Post, FollowFD, UnfollowFD, Sigkill, CopyFD, Override, GetUrl, DnsLookup,"
                + " NoPost, Signal, TrackSock, UntrackSock, NotifyEnforcer, CleanupEnforcerNotification, Set"));
        assertEquals(crd, new HashSet<>(spellings(ActionType.class)));
    }

    @Test
    void otherEnumsAreTheCrdEnums() {
        assertEquals(crd("Uts, Ipc, Mnt, Pid, PidForChildren, Net, Time, TimeForChildren, Cgroup, User"),
                spellings(NamespaceType.class));
        assertEquals(Set.of("Effective", "Inheritable", "Permitted"), Set.copyOf(spellings(CapabilitySet.class)));
        assertEquals(crd("syscalls, generated_syscalls, generated_ftrace"), spellings(ListType.class));
        assertEquals(crd("In, NotIn, Exists, DoesNotExist"), spellings(LabelOperator.class));
        assertEquals(crd("enforce, monitor"), spellings(PolicyMode.class));
    }

    @Test
    void codesAreExplicitNotOrdinals() {
        // Tetragon's SelectorOp numbers (pkg/selectors/kernel.go): aliases share one, 7 is unused.
        assertEquals(1, ArgOperator.GT.tetragonCode());
        assertEquals(ArgOperator.GT.tetragonCode(), ArgOperator.GREATER_THAN.tetragonCode());
        assertEquals(8, ArgOperator.PREFIX.tetragonCode());
        assertEquals(36, ArgOperator.NOT_FILE_TYPE.tetragonCode());
        // ActionType* numbers; Sigkill is 2 although it is not the third constant.
        assertEquals(2, ActionType.SIGKILL.tetragonCode());
        assertEquals(14, ActionType.SET.tetragonCode());
        // generic types (pkg/generictypes): int64, sint64 and long are one type.
        assertEquals(10, ArgType.INT64.tetragonCode());
        assertEquals(ArgType.INT64.tetragonCode(), ArgType.LONG.tetragonCode());
        assertEquals(-1, ArgType.NOP.tetragonCode());
        assertEquals(21, Capability.CAP_SYS_ADMIN.number());
        Set<Integer> capNumbers = Arrays.stream(Capability.values()).map(Capability::number).collect(Collectors.toSet());
        assertEquals(41, capNumbers.size(), "capability numbers are distinct");
    }

    @Test
    void operatorsApplyToTheTypesTetragonEncodes() {
        assertTrue(ArgOperator.PREFIX.appliesTo(ArgType.FILE));
        assertFalse(ArgOperator.PREFIX.appliesTo(ArgType.INT));
        assertTrue(ArgOperator.EQUAL.appliesTo(ArgType.KERNEL_CAP_T));
        assertFalse(ArgOperator.EQUAL.appliesTo(ArgType.SOCK), "Tetragon: sock does not support Equal");
        assertTrue(ArgOperator.SADDR.appliesTo(ArgType.SOCKADDR));
        assertFalse(ArgOperator.DADDR.appliesTo(ArgType.SOCKADDR), "sockaddr has only the source side");
        assertTrue(ArgOperator.IN_MAP.appliesTo(ArgType.SYSCALL64));
        assertFalse(ArgOperator.SUB_STRING.appliesTo(ArgType.FILE));
        for (ArgOperator op : ArgOperator.values()) {
            assertTrue(op.appliesTo(ArgType.AUTO), "auto is only known at load time");
        }
    }
}
