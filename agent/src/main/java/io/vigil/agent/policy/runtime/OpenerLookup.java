package io.vigil.agent.policy.runtime;

/**
 * Who opened a file, asked after the open: a fanotify notification is read once the opener may have
 * exited, exec'd, or left its pid to another process.
 */
public interface OpenerLookup {

    /**
     * @param binary       the opener's binary; "" when unknown, and then no matchBinaries filter matches
     * @param processKtime the time in the opener's process-cache key (exec, clone or procFS start); 0 when unknown
     */
    record Opener(String binary, long processKtime) {
        public static final Opener UNKNOWN = new Opener("", 0);
    }

    /**
     * The process that had {@code pid} when it opened the file.
     *
     * @param readKtime when the agent read the open (boot clock, as the sensors stamp records): after the open
     */
    Opener find(int pid, long readKtime);
}
