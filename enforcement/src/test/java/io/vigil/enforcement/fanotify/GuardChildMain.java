package io.vigil.enforcement.fanotify;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.CountDownLatch;

/**
 * A guard in its own JVM, for the fail-safe test: marks the file given as argument, and its
 * decider never answers (decision timeout one hour), so every open of the file waits. Prints
 * "ready" once marked, then waits to be killed.
 */
public final class GuardChildMain {
    private GuardChildMain() {}

    public static void main(String[] args) throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        FanotifyGuard guard = FanotifyGuard.builder(r -> {
            never.await();
            return Decision.allow("never");
        }).decisionTimeout(Duration.ofHours(1)).start();
        guard.protect(MarkTarget.FILE, Path.of(args[0]), EnumSet.of(Access.OPEN));
        System.out.println("ready");
        System.out.flush();
        never.await();
    }
}
