package io.vigil.agent.process;

import java.util.List;

/**
 * The {@code arguments} string, rendered from argv exactly as Tetragon renders it. argv[0] is left
 * out (it is the binary); the rest are joined by single spaces, and an argument containing a space
 * is wrapped in double quotes. Nothing is escaped: an argument containing a quote but no space is
 * written as is, and one containing both is wrapped without escaping the inner quotes.
 *
 * <p>Two code paths in Tetragon, two renderings:
 * <ul>
 *   <li>{@link #ofExec} — processes seen by the exec sensor: pkg/process/args.go ArgsDecoder. The
 *       joined string starts empty; a quoted argument is appended as {@code ' "' + a + '"'} (so a
 *       quoted first argument leaves a leading space), any other as {@code a} when nothing was
 *       written yet, else {@code ' ' + a}. Hence empty arguments before the first non-empty one
 *       vanish and later ones leave a double space. Tetragon's own args_test.go pins this:
 *       {@code "-c\x00echo a b"} gives {@code -c "echo a b"}, {@code "a b\x00c"} gives
 *       {@code  "a b" c} (leading space), {@code "\x00b"} gives {@code b}.
 *   <li>{@link #ofProcFs} — processes found in /proc at start-up: pkg/sensors/exec/procevents
 *       procArgs. Separators only between arguments (no leading space), an empty argument written
 *       as {@code ""}, and nothing at all when the arguments after argv[0] are a single empty one.
 * </ul>
 */
public final class TetragonArgs {
    private TetragonArgs() {
    }

    /** arguments of an exec event (ArgsDecoder). */
    public static String ofExec(List<String> argv) {
        int n = argv.size();
        if (n <= 1) {
            return "";
        }
        if (n == 2 && argv.get(1).indexOf(' ') < 0) {
            return argv.get(1); // the common case, no copy
        }
        StringBuilder sb = new StringBuilder(64);
        for (int i = 1; i < n; i++) {
            String a = argv.get(i);
            if (a.indexOf(' ') >= 0) {
                sb.append(" \"").append(a).append('"');
            } else if (sb.length() == 0) {
                sb.append(a);
            } else {
                sb.append(' ').append(a);
            }
        }
        return sb.toString();
    }

    /** arguments of a process found in /proc (procArgs). */
    public static String ofProcFs(List<String> argv) {
        int n = argv.size();
        if (n <= 1 || (n == 2 && argv.get(1).isEmpty())) {
            return "";
        }
        StringBuilder sb = new StringBuilder(64);
        for (int i = 1; i < n; i++) {
            String a = argv.get(i);
            if (sb.length() > 0) {
                sb.append(' ');
            }
            if (a.isEmpty()) {
                sb.append("\"\"");
            } else if (a.indexOf(' ') >= 0) {
                sb.append('"').append(a).append('"');
            } else {
                sb.append(a);
            }
        }
        return sb.toString();
    }
}
