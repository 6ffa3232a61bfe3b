package io.vigil.bpf.wire;

/** The last thread of a thread group exited. exitCode is the kernel's (status &lt;&lt; 8) | termsig. */
public record ExitMsg(long ktime, ExecveKey process, int tid, int exitCode) implements Msg {
    /** The exit status when the process exited by itself, else 0. */
    public int status() {
        return (exitCode >> 8) & 0xff;
    }

    /** The signal that killed it, or 0. */
    public int signal() {
        return exitCode & 0x7f;
    }
}
