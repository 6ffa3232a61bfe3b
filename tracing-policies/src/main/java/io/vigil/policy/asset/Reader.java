// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy.asset;

import java.util.Objects;
import java.util.Optional;

/**
 * A binary allowed to open the protected assets; a process that does becomes tainted.
 *
 * @param binary absolute path of the executable, or a directory ending in '/' when {@code prefix}
 * @param prefix whether every binary under {@code binary} is meant
 * @param cgroup cgroup v2 path prefix the reader must also run in (e.g. /system.slice/inference.service)
 */
public record Reader(String binary, boolean prefix, Optional<String> cgroup) {

    public Reader {
        Objects.requireNonNull(binary);
        Objects.requireNonNull(cgroup);
    }

    /** Whether a process running {@code executable} in cgroup {@code cgroupPath} is this reader. */
    public boolean matches(String executable, String cgroupPath) {
        boolean exe = prefix ? executable.startsWith(binary) : executable.equals(binary);
        return exe && cgroup.map(c -> underCgroup(cgroupPath, c)).orElse(true);
    }

    /** A cgroup prefix matches whole path components: /a.service does not admit /a.service2. */
    private static boolean underCgroup(String path, String prefix) {
        String p = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        return p.isEmpty() || path.equals(p) || path.startsWith(p + "/");
    }
}
