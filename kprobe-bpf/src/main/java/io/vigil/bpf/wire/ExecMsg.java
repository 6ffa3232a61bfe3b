package io.vigil.bpf.wire;

import java.util.List;

/** A thread group exec'd a new image. argv includes argv[0]. */
public record ExecMsg(long ktime, ExecveKey process, ExecveKey parent, int uid, int euid, int gid, int egid,
                      int auid, int tid, int flags, long cgroupId, String binary, List<String> argv, String cwd)
        implements Msg {
    public ExecMsg {
        argv = List.copyOf(argv);
    }
}
