package io.vigil.agent.time;

import java.time.Instant;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.Struct;

/**
 * Converts the sensors' timestamps (bpf_ktime_get_boot_ns: CLOCK_BOOTTIME) to wall-clock time.
 * The offset between CLOCK_REALTIME and CLOCK_BOOTTIME is read once; NTP steps after start-up
 * are not followed, as in Tetragon.
 */
public final class BootClock {
    private static final int CLOCK_REALTIME = 0;
    private static final int CLOCK_BOOTTIME = 7;

    public interface LibC {
        int clock_gettime(int clockId, Timespec ts);
    }

    public static final class Timespec extends Struct {
        public final Signed64 sec = new Signed64();
        public final Signed64 nsec = new Signed64();

        public Timespec(Runtime r) {
            super(r);
        }
    }

    private final long realMinusBootNs;

    private BootClock(long realMinusBootNs) {
        this.realMinusBootNs = realMinusBootNs;
    }

    /** Measures the offset on this machine. */
    public static BootClock system() {
        LibC libc = LibraryLoader.create(LibC.class).load("c");
        Timespec a = new Timespec(Runtime.getRuntime(libc));
        Timespec b = new Timespec(Runtime.getRuntime(libc));
        Timespec c = new Timespec(Runtime.getRuntime(libc));
        libc.clock_gettime(CLOCK_BOOTTIME, a);
        libc.clock_gettime(CLOCK_REALTIME, b);
        libc.clock_gettime(CLOCK_BOOTTIME, c);
        long boot = (nanos(a) + nanos(c)) / 2;
        return new BootClock(nanos(b) - boot);
    }

    /** For tests: a fixed offset. */
    public static BootClock withOffset(long realMinusBootNs) {
        return new BootClock(realMinusBootNs);
    }

    /** Current CLOCK_BOOTTIME in ns, as the sensors would stamp it now. */
    public static long bootNanosNow() {
        LibC libc = LibraryLoader.create(LibC.class).load("c");
        Timespec a = new Timespec(Runtime.getRuntime(libc));
        libc.clock_gettime(CLOCK_BOOTTIME, a);
        return nanos(a);
    }

    private static long nanos(Timespec t) {
        return t.sec.get() * 1_000_000_000L + t.nsec.get();
    }

    public Instant toInstant(long bootNs) {
        long wall = bootNs + realMinusBootNs;
        return Instant.ofEpochSecond(Math.floorDiv(wall, 1_000_000_000L), Math.floorMod(wall, 1_000_000_000L));
    }
}
