// SPDX-License-Identifier: Apache-2.0
package io.vigil.policy;

/** {@code matchNamespaces[].namespace}; codes are Tetragon's namespaceType* in pkg/selectors/kernel.go. */
public enum NamespaceType implements Spelled {
    UTS("Uts", 0),
    IPC("Ipc", 1),
    MNT("Mnt", 2),
    PID("Pid", 3),
    PID_FOR_CHILDREN("PidForChildren", 4),
    NET("Net", 5),
    /** Linux 5.6 and later. */
    TIME("Time", 6),
    /** Linux 5.6 and later. */
    TIME_FOR_CHILDREN("TimeForChildren", 7),
    CGROUP("Cgroup", 8),
    USER("User", 9);

    private final String spelling;
    private final int tetragonCode;

    NamespaceType(String spelling, int tetragonCode) {
        this.spelling = spelling;
        this.tetragonCode = tetragonCode;
    }

    @Override
    public String spelling() {
        return spelling;
    }

    public int tetragonCode() {
        return tetragonCode;
    }
}
