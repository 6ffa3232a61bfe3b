package io.vigil.bpf.wire;

import java.util.ArrayList;
import java.util.List;

/** Per-process flag bits. C side: vigil_msg.h, enum vigil_exec_flags. */
public final class ExecFlags {
    public static final int EXECVE = 0x01;
    public static final int PROCFS = 0x02;
    public static final int CLONE = 0x04;
    public static final int TRUNC_ARGS = 0x08;
    public static final int TRUNC_PATH = 0x10;
    public static final int ERROR_CWD = 0x20;
    public static final int PARENT_GUESSED = 0x40;
    public static final int TRUNC_CWD = 0x80;

    private ExecFlags() {}

    /** Tetragon's space-separated flag words (execve, procFS, clone, truncArgs, ...). */
    public static List<String> words(int flags) {
        List<String> w = new ArrayList<>();
        if ((flags & EXECVE) != 0) w.add("execve");
        if ((flags & PROCFS) != 0) w.add("procFS");
        if ((flags & CLONE) != 0) w.add("clone");
        if ((flags & TRUNC_ARGS) != 0) w.add("truncArgs");
        if ((flags & TRUNC_PATH) != 0) w.add("truncFilename");
        if ((flags & ERROR_CWD) != 0) w.add("errorCWD");
        if ((flags & PARENT_GUESSED) != 0) w.add("miss");
        if ((flags & TRUNC_CWD) != 0) w.add("truncCWD");
        return w;
    }
}
