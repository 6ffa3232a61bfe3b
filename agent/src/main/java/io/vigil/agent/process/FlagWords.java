package io.vigil.agent.process;

import io.vigil.bpf.wire.ExecFlags;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code flags} string of a process, in Tetragon's word order.
 *
 * <p>Tetragon renders its flag bits in a fixed order (pkg/reader/exec/exec.go, flagsOrdered):
 * execve, procFS, truncArgs, miss, auid, errorFilename, errorArgs, nocwd, rootcwd, errorCWD,
 * clone, ...; older releases had truncFilename between procFS and truncArgs. The docs' example
 * shows {@code "execve rootcwd clone"}. {@link ExecFlags#words} lists the same words in bit order,
 * which differs ("execve clone ..."), so user space renders here.
 *
 * <p>Besides the kernel's bits ({@link ExecFlags}, all below 0x100) this takes bits user space
 * decides: {@link #ROOT_CWD} (Tetragon's BPF sets rootcwd when the cwd is "/"), {@link #UNKNOWN}
 * (the process was not in the cache; Tetragon's API reference documents the word "unknown" for
 * that) and {@link #CLONE_SEEN} (first exec after a fork, which Tetragon flags "clone").
 * truncCWD is Vigil's own word; Tetragon has none.
 */
public final class FlagWords {
    /** cwd is "/": word rootcwd. */
    public static final int ROOT_CWD = 1 << 16;
    /** The process was not found in the cache: word unknown. */
    public static final int UNKNOWN = 1 << 17;
    /** Same word as {@link ExecFlags#CLONE}; user space sets it on the first exec after a fork. */
    public static final int CLONE_SEEN = ExecFlags.CLONE;

    private static final int[] ORDER = {
        ExecFlags.EXECVE, ExecFlags.PROCFS, ExecFlags.TRUNC_PATH, ExecFlags.TRUNC_ARGS,
        ExecFlags.PARENT_GUESSED, ROOT_CWD, ExecFlags.ERROR_CWD, ExecFlags.CLONE, ExecFlags.TRUNC_CWD, UNKNOWN,
    };
    private static final String[] WORDS = {
        "execve", "procFS", "truncFilename", "truncArgs", "miss", "rootcwd", "errorCWD", "clone", "truncCWD",
        "unknown",
    };
    private static final ConcurrentHashMap<Integer, String> RENDERED = new ConcurrentHashMap<>();

    private FlagWords() {
    }

    /** The space-separated words for these bits; unknown bits are ignored. Memoized. */
    public static String of(int flags) {
        return RENDERED.computeIfAbsent(flags, FlagWords::render);
    }

    /** Does the rendered flags string already contain this word? */
    static boolean has(String flags, String word) {
        for (String w : flags.split(" ")) {
            if (w.equals(word)) {
                return true;
            }
        }
        return false;
    }

    private static String render(int flags) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ORDER.length; i++) {
            if ((flags & ORDER[i]) != 0) {
                if (sb.length() > 0) {
                    sb.append(' ');
                }
                sb.append(WORDS[i]);
            }
        }
        return sb.toString();
    }
}
