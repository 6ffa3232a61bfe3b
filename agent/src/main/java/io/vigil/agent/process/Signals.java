package io.vigil.agent.process;

/**
 * Signal names for process_exit's {@code signal}, x86_64 numbering, as Go's unix.SignalName gives
 * them (Tetragon: readerexec.Signal). Real-time and unknown numbers have no name.
 */
public final class Signals {
    private static final String[] NAMES = {
        null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL",
        "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT",
        "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF",
        "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
    };

    private Signals() {
    }

    /** "SIGKILL" for 9; "" for 0, real-time signals (32..64) and anything else unnamed. */
    public static String name(int signal) {
        return signal > 0 && signal < NAMES.length ? NAMES[signal] : "";
    }
}
