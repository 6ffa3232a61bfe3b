package io.vigil.bpf;

import io.vigil.bpf.internal.Native;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Reads {@link ProgramRun}s with BPF_OBJ_GET_INFO_BY_FD, from one program's fd or from every BPF
 * program this process holds open (the agent's sensors, policy hooks and asset guard alike: whoever
 * loaded them, the fds are ours).
 */
public final class ProgramStats {
    // struct bpf_prog_info (include/uapi/linux/bpf.h): the same offsets on every arch (u64s are
    // __aligned_u64); BpfProgramMetricsKernelTest checks ID against /proc/self/fdinfo's prog_id
    static final int ID = 4;              // __u32 id
    static final int NAME = 64;           // char name[BPF_OBJ_NAME_LEN = 16]
    static final int NAME_LEN = 16;
    static final int RUN_TIME_NS = 192;   // __u64 run_time_ns (kernel 5.1+)
    static final int RUN_CNT = 200;       // __u64 run_cnt
    /** Up to run_cnt: a smaller buffer than the kernel's struct is fine, it copies what fits. */
    static final int INFO_LEN = RUN_CNT + 8;

    private static final Path FDINFO = Path.of("/proc/self/fdinfo");

    private ProgramStats() {}

    /** The program behind {@code fd}. */
    public static ProgramRun of(int fd) throws BpfException {
        byte[] info = new byte[INFO_LEN];
        int[] len = {INFO_LEN};
        int r = Native.libbpf().bpf_obj_get_info_by_fd(fd, info, len);
        if (r < 0) {
            throw new BpfException("BPF_OBJ_GET_INFO_BY_FD on fd " + fd, Native.errnoOf(r));
        }
        return decode(info, len[0]);
    }

    /** Decodes a struct bpf_prog_info of which the kernel wrote {@code written} bytes. */
    static ProgramRun decode(byte[] info, int written) {
        ByteBuffer b = ByteBuffer.wrap(info).order(ByteOrder.nativeOrder());
        int n = 0;
        while (n < NAME_LEN && info[NAME + n] != 0) {
            n++;
        }
        String name = new String(info, NAME, n, StandardCharsets.UTF_8);
        boolean counted = written >= RUN_CNT + 8; // a kernel older than 5.1 has no such fields
        return new ProgramRun(b.getInt(ID), name, counted ? b.getLong(RUN_CNT) : 0, counted ? b.getLong(RUN_TIME_NS) : 0);
    }

    /**
     * Every BPF program this process has an fd of, once each (by id), in id order. An fd closed or
     * reused meanwhile is skipped: its program id must still be the one fdinfo showed.
     */
    public static List<ProgramRun> ofThisProcess() {
        TreeMap<Integer, ProgramRun> out = new TreeMap<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(FDINFO)) {
            for (Path p : fds) {
                int id = progId(p);
                if (id <= 0 || out.containsKey(id)) {
                    continue;
                }
                try {
                    ProgramRun run = of(Integer.parseInt(p.getFileName().toString()));
                    if (run.id() == id) {
                        out.put(id, run);
                    }
                } catch (BpfException | NumberFormatException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            return List.of(); // no procfs: nothing to report
        }
        return new ArrayList<>(out.values());
    }

    /** The prog_id line of an fdinfo file, or 0 when the fd is not a BPF program (or is gone). */
    private static int progId(Path fdinfo) {
        try {
            for (String line : Files.readAllLines(fdinfo, StandardCharsets.US_ASCII)) {
                if (line.startsWith("prog_id:")) {
                    return Integer.parseInt(line.substring("prog_id:".length()).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return 0;
    }
}
