package io.vigil.bpf;

/**
 * How often a loaded BPF program ran, and for how long in all, as the kernel counts it
 * (bpf_prog_info.run_cnt, run_time_ns). Both stay 0 while the kernel does not count: see
 * {@link BpfStats}.
 *
 * @param id        the kernel's program id (bpftool prog show id N)
 * @param name      the program's name as the kernel keeps it: at most 15 characters of the C name
 * @param runCount  runs since the program was loaded, while counting was on
 * @param runTimeNs nanoseconds spent in those runs
 */
public record ProgramRun(int id, String name, long runCount, long runTimeNs) {
    /** The runs since {@code before} (the same program earlier), or all of them if there was none. */
    public ProgramRun minus(ProgramRun before) {
        return before == null ? this : new ProgramRun(id, name, runCount - before.runCount, runTimeNs - before.runTimeNs);
    }
}
