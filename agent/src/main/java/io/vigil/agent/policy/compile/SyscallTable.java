package io.vigil.agent.policy.compile;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Syscall numbers of one architecture, for InMap/NotInMap over a {@code lists:} entry of type
 * syscalls (Tetragon compares the argument, a syscall64, with the listed syscalls' numbers).
 * The kernel exports no such table at run time, so it ships as a resource per architecture.
 */
public record SyscallTable(String arch, Map<String, Long> numbers) {
    public SyscallTable {
        numbers = Map.copyOf(numbers);
    }

    /** No table: every InMap over a syscall list is refused with this arch in the message. */
    public static SyscallTable none(String arch) {
        return new SyscallTable(arch, Map.of());
    }

    /** The table of an os.arch ("amd64", "x86_64"); an empty one for architectures without a resource. */
    public static SyscallTable forArch(String osArch) {
        String arch = switch (osArch) {
            case "amd64", "x86_64" -> "x86_64";
            default -> osArch;
        };
        try (InputStream in = SyscallTable.class.getResourceAsStream("syscalls-" + arch + ".txt")) {
            if (in == null) {
                return none(arch);
            }
            Map<String, Long> m = new HashMap<>();
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    String[] f = line.trim().split("\\s+");
                    m.put(f[0], Long.parseLong(f[1]));
                }
            }
            return new SyscallTable(arch, m);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** "sys_openat", "__x64_sys_openat", "openat" -> 257 on x86_64. */
    public OptionalLong number(String syscall) {
        String n = syscall;
        for (String prefix : new String[] {"__x64_sys_", "__arm64_sys_", "__ia32_sys_", "sys_"}) {
            if (n.startsWith(prefix)) {
                n = n.substring(prefix.length());
                break;
            }
        }
        Long v = numbers.get(n);
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }
}
