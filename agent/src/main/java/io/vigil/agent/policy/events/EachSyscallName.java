package io.vigil.agent.policy.events;

import io.vigil.agent.policy.HookDescriptor;
import io.vigil.agent.policy.compile.SyscallTable;
import io.vigil.agent.policy.plan.EachSyscall;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;

/**
 * function_name of an event of the one raw_syscalls/sys_enter program of a generated_syscalls list
 * ({@link EachSyscall}): the wrapper's name for the syscall number the kernel sent as argument 0,
 * as Tetragon's per-syscall kprobe would report it ("__x64_sys_getppid").
 */
final class EachSyscallName {
    private static final Map<Long, String> NAMES = new HashMap<>();

    static {
        SyscallTable.forArch(System.getProperty("os.arch")).numbers().forEach((name, nr) -> NAMES.put(nr, name));
    }

    private EachSyscallName() {}

    /** d's function_name with the syscall of the first argument's u64 (little endian) in place of the wildcard. */
    static String of(HookDescriptor d, byte[] nr) {
        String prefix = d.functionName().substring(0, d.functionName().length() - EachSyscall.ANY.length());
        long n = nr.length >= 8 ? ByteBuffer.wrap(nr).order(ByteOrder.LITTLE_ENDIAN).getLong() : -1;
        return prefix + NAMES.getOrDefault(n, "syscall_" + n);
    }
}
