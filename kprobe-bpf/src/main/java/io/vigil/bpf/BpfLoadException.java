package io.vigil.bpf;

/**
 * The kernel (or libbpf) refused to load an object: carries the errno, the program that failed
 * (null when a map failed or libbpf did not say), and the whole captured libbpf/verifier log. The
 * message ends with the last 40 lines of that log.
 */
public class BpfLoadException extends BpfException {
    private final String program;
    private final String log;

    public BpfLoadException(String what, String program, int errno, String hint, String log) {
        super(what, errno, hint, log == null ? "" : log);
        this.program = program;
        this.log = log == null ? "" : log;
    }

    /** The program whose load failed, or null when that is unknown (e.g. a map could not be created). */
    public String program() {
        return program;
    }

    /** Everything libbpf printed (warnings and infos, the verifier log among them) during the load. */
    public String log() {
        return log;
    }
}
