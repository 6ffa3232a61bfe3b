package io.vigil.agent.kernel;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code vigil run} in its own JVM on this test's class path, for tests that kill the agent
 * (kill -9) and look at what the kernel still does. The backend is the one under test
 * ({@code -Dvigil.test.backend}); the log is a file next to the socket.
 */
public final class ChildAgent {
    private static final long START_SECONDS = Boolean.getBoolean("vigil.test.vm") ? 300 : 90;

    private final Process process;
    private final Path log;

    private ChildAgent(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts the agent with {@code runArgs} after "run"; returns once it logs "agent running". */
    public static ChildAgent start(Path log, String... runArgs) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xms64m", "-Xmx512m",
                "-cp", classPath(), "io.vigil.agent.cli.VigilCli", "run", "-o", "none", "--log-format", "text"));
        KernelTestSupport.backend().ifPresent(b -> cmd.addAll(List.of("--backend", b.displayName())));
        cmd.addAll(Arrays.asList(runArgs));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                fail("agent exited with " + p.exitValue() + ":\n" + Files.readString(log));
            }
            if (Files.exists(log) && Files.readString(log).contains("agent running")) {
                return new ChildAgent(p, log);
            }
            Thread.sleep(200);
        }
        p.destroyForcibly();
        fail("agent did not start within " + START_SECONDS + " s:\n" + Files.readString(log));
        return null;
    }

    /**
     * The test's class path: surefire's (java.class.path), or the class loader's URLs when a
     * launcher loads the tests in a class loader of its own (the VM's junit console launcher).
     */
    private static String classPath() {
        if (ChildAgent.class.getClassLoader() instanceof URLClassLoader u && u.getURLs().length > 0) {
            String own = Arrays.stream(u.getURLs()).map(url -> {
                try {
                    return Path.of(url.toURI()).toString();
                } catch (Exception e) {
                    throw new IllegalStateException(url.toString(), e);
                }
            }).collect(Collectors.joining(File.pathSeparator));
            return own + File.pathSeparator + System.getProperty("java.class.path");
        }
        return System.getProperty("java.class.path");
    }

    /** kill -9: no shutdown hook runs, the kernel closes every fd the agent had. */
    public void kill9() throws Exception {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            fail("the agent did not die from SIGKILL");
        }
    }

    /** SIGTERM: the agent's shutdown hook runs; waits for it to exit. */
    public void stop() throws Exception {
        process.destroy();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("the agent did not stop on SIGTERM:\n" + log());
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String log() throws Exception {
        return Files.readString(log);
    }
}
