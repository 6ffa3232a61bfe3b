package io.vigil.enforcement.fanotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One mark per filesystem that can hold executables, from /proc/self/mountinfo as the kernel writes it. */
class MountTableTest {
    /** Taken from a Debian host (optional fields, a container's overlay, a bind mount, an escaped space). */
    private static final String MOUNTINFO = """
            23 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro
            24 23 0:22 / /proc rw,nosuid,nodev,noexec,relatime shared:5 - proc proc rw
            25 23 0:23 / /sys rw,nosuid,nodev,noexec,relatime shared:6 - sysfs sysfs rw
            26 25 0:24 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw
            27 23 0:5 / /dev rw,nosuid,relatime shared:2 - devtmpfs udev rw,size=4010516k,mode=755
            28 27 0:25 / /dev/pts rw,nosuid,noexec,relatime shared:3 - devpts devpts rw,gid=5,mode=620
            29 23 0:26 / /run rw,nosuid,nodev,noexec,relatime shared:7 - tmpfs tmpfs rw,size=805528k,mode=755
            30 25 0:7 / /sys/kernel/debug rw,nosuid,nodev,noexec,relatime shared:12 - debugfs debugfs rw
            31 25 0:12 / /sys/kernel/tracing rw,nosuid,nodev,noexec,relatime shared:13 - tracefs tracefs rw
            32 25 0:28 / /sys/fs/bpf rw,nosuid,nodev,noexec,relatime shared:10 - bpf bpf rw,mode=700
            40 23 8:1 /srv/data /mnt/data\\040dir rw,relatime shared:1 - ext4 /dev/sda1 rw
            41 23 0:40 / /var/lib/docker/overlay2/abc/merged rw,relatime - overlay overlay rw,lowerdir=/x,upperdir=/y
            42 23 0:41 / /tmp/t rw,relatime - tmpfs tmpfs rw
            43 42 0:42 / /tmp/t rw,relatime - tmpfs tmpfs rw
            """;

    @Test
    void oneMountPointPerFilesystemThatCanHoldExecutables() {
        Map<String, Path> expected = new LinkedHashMap<>();
        expected.put("8:1", Path.of("/"));
        expected.put("0:5", Path.of("/dev"));
        expected.put("0:26", Path.of("/run"));
        expected.put("0:40", Path.of("/var/lib/docker/overlay2/abc/merged"));
        expected.put("0:42", Path.of("/tmp/t"));
        assertEquals(expected, MountTable.executableFilesystems(MountTable.parse(MOUNTINFO)),
                "no proc, sysfs, cgroup2, devpts, debugfs, tracefs, bpf; the bind mount of 8:1 deduplicated; the tmpfs"
                        + " hidden under another on /tmp/t left out (its path names the one on top)");
    }

    @Test
    void fieldsAreReadPastTheOptionalOnesAndUnescaped() {
        List<MountTable.Mount> m = MountTable.parse(MOUNTINFO);
        assertEquals(new MountTable.Mount(40, 23, "8:1", Path.of("/mnt/data dir"), "ext4"), m.get(10));
        assertEquals(new MountTable.Mount(41, 23, "0:40", Path.of("/var/lib/docker/overlay2/abc/merged"), "overlay"), m.get(11));
        assertEquals("a\\b", MountTable.unescape("a\\134b"));
        assertEquals("tab\there", MountTable.unescape("tab\\011here"));
        assertEquals("no\\escape", MountTable.unescape("no\\escape"), "not three octal digits: kept");
    }

    @Test
    void aLineThatIsNotMountinfoIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MountTable.parse("23 1 8:1 / /\n"));
        assertEquals("not a mountinfo line: 23 1 8:1 / /", e.getMessage());
    }
}
