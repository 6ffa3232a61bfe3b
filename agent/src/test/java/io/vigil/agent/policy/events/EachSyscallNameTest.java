package io.vigil.agent.policy.events;

import static io.vigil.agent.policy.events.Hooks.arg;
import static io.vigil.agent.policy.events.Hooks.raw;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.agent.policy.HookDescriptor;
import io.vigil.api.ProcessInfo;
import io.vigil.api.ProcessKprobe;
import io.vigil.bpf.wire.ExecveKey;
import io.vigil.bpf.wire.GenericAbi;
import io.vigil.bpf.wire.GenericAbi.ArgType;
import io.vigil.bpf.wire.GenericMsg;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The one raw_syscalls program of a generated_syscalls list: each event is named after its syscall number. */
class EachSyscallNameTest {
    private static final ProcessInfo KILL = ProcessInfo.builder().execId("k").pid(7).binary("/usr/bin/kill").tid(7).build();
    private final PolicyEventFactory f = new PolicyEventFactory(new HookRegistry());
    private final HookDescriptor each = new HookDescriptor(3, "all-syscalls", Optional.empty(), HookDescriptor.Kind.KPROBE,
            "__x64_sys_*", "", "", List.of(arg(ArgType.U64, "syscall64")), Optional.empty(), Optional.empty(), List.of());

    private ProcessKprobe event(long nr) {
        return (ProcessKprobe) f.body(each, new GenericMsg(1, new ExecveKey(7, 1L), 7, 3, 0, 0, 0, GenericAbi.Action.POST,
                List.of(raw(nr))), KILL, null);
    }

    @Test
    void theSyscallNumberNamesTheFunctionAndIsNotAnArgument() {
        assertEquals("__x64_sys_getppid", event(110).functionName());   // 110: getppid on x86_64 (syscall_64.tbl)
        assertEquals("__x64_sys_kill", event(62).functionName());       // 62: kill
        assertEquals(List.of(), event(62).args(), "Tetragon's event of a list hook without args has none");
        assertEquals("__x64_sys_syscall_99999", event(99999).functionName(), "a number the table does not know");
    }
}
