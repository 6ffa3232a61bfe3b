package io.vigil.agent.policy.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether a policy file may be trusted by a root agent: a policy can kill processes and deny
 * operations, so a file that a non-root user could have written (or swapped, through a writable
 * directory) is refused. The file and every directory above it must be owned by root (or by the
 * agent's own uid) and not writable by group or others; sticky directories such as /tmp are
 * accepted for the directories above, as the kernel stops others from replacing files in them.
 */
final class PolicyFileTrust {
    private static final int GROUP_OTHER_WRITE = 0022;
    private static final int STICKY = 01000;

    private final int trustedUid;

    PolicyFileTrust(int trustedUid) {
        this.trustedUid = trustedUid;
    }

    /** The reason to refuse the file, or empty when it may be loaded. */
    Optional<String> check(Path file) {
        try {
            Path real = file.toRealPath();
            Optional<String> own = problem(real, false);
            if (own.isPresent()) {
                return own;
            }
            for (Path d = real.getParent(); d != null; d = d.getParent()) {
                Optional<String> dir = problem(d, true);
                if (dir.isPresent()) {
                    return dir;
                }
            }
            return Optional.empty();
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.of("cannot check who may write " + file + ": " + e.getMessage());
        }
    }

    private Optional<String> problem(Path p, boolean directory) throws IOException {
        int uid = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        String what = directory ? "directory " + p : p.toString();
        if (uid != 0 && uid != trustedUid) {
            return Optional.of(what + " is owned by uid " + uid + ", not root: a policy file must be writable by root only");
        }
        if ((mode & GROUP_OTHER_WRITE) != 0 && !(directory && (mode & STICKY) != 0)) {
            return Optional.of(String.format("%s is writable by group or others (mode %04o): a policy file must be "
                    + "writable by root only (chmod go-w)", what, mode & 07777));
        }
        return Optional.empty();
    }
}
