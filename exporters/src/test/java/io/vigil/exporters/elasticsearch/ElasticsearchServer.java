package io.vigil.exporters.elasticsearch;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * A real Elasticsearch 8.19 or 9.x node ({@link ElasticsearchRelease}), run as its own process on
 * 127.0.0.1 from Elastic's server jars on Maven Central (test scope). The exporters pom copies the
 * 8.19 ones into target/es-home and has src/test/es9/pom.xml copy the 9.x ones into target/es9-home,
 * each with lib/ (server, Lucene, log4j ...), modules/transport-netty4/ (HTTP and transport) and
 * bridge/ (the entitlement bridge). A 9.x node runs on its release's JDK (21+). That is not a distribution: there is no x-pack (no security, no ILM, no built-in
 * logs-*-* template), no rest-root module (GET / answers 405) and no data-streams module (the
 * _data_stream APIs are missing) — but index templates, data streams created on first write,
 * _bulk, _count and _search are in the server itself, which is what the sender needs.
 *
 * <p>What the distribution's launcher (server-cli, not on Maven Central) does, done here instead:
 * <ul>
 *   <li>the node reads its {@code ServerArgs} from stdin in Elasticsearch's StreamOutput format
 *       ({@link #serverArgs}) and shuts down when stdin closes, so stdin stays open while it runs;
 *   <li>8.19 and 9.x always install its entitlements (the Security Manager's successor) through a Java
 *       agent it attaches to itself; the agent jar is not published, so a three-line one is
 *       compiled here ({@link #AGENT_SOURCE}) and named by {@code -Des.entitlement.agentJar};
 *   <li>ConsoleLoader insists on lib/tools/ansi-console holding a class AnsiConsoleLoader; a stub
 *       that reports "no console" is compiled here ({@link #CONSOLE_SOURCE});
 *   <li>Elasticsearch refuses to run as root: when the tests run as root, the node runs as
 *       nobody (65534) through setpriv, and its data, logs and tmp directories are given to it;
 *       when nobody cannot reach the checkout (a parent without o+x, such as /root), the home and
 *       the run directory are staged in a fresh directory under /tmp first.
 * </ul>
 *
 * <p>{@link #startSecured} adds x-pack-core and x-pack-security (also on Maven Central) as modules,
 * in their own home target/es-home-secure (hard links to es-home's jars plus target/es-xpack), with
 * security on, HTTP without TLS, and users in the file realm ({@link #SUPERUSER}, {@link #MONITOR}).
 * x-pack-security's SAML realm needs OpenSAML, which is not on Maven Central: the OpenSAML and
 * Shibboleth modules its module-info requires are empty stub modules compiled here, and bytecode
 * verification of non-boot classes is off ({@code -XX:-BytecodeVerificationRemote}) so that the
 * SAML transport actions, which Guice inspects at start-up but nothing calls, can be loaded without
 * their OpenSAML types. API keys cannot be created on this node: the .security index's mapping uses
 * analysis-common's pattern_capture filter, and the analysis-common module is not published. A
 * wrong API key is still refused (401), which is what the tests need.
 */
public final class ElasticsearchServer implements AutoCloseable {
    /** The 8.19 node's version: the secured node and other modules' tests use 8.19 only. */
    static final String VERSION = ElasticsearchRelease.V8;
    private static final int NOBODY = 65534;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

    static final String AGENT_SOURCE = """
            package vigiltest;
            public final class EntitlementAgent {
                public static void agentmain(String initClass, java.lang.instrument.Instrumentation inst)
                        throws Exception {
                    Class.forName(initClass).getMethod("initialize", java.lang.instrument.Instrumentation.class)
                            .invoke(null, inst);
                }
            }
            """;
    static final String CONSOLE_SOURCE = """
            package org.elasticsearch.io.ansi;
            public final class AnsiConsoleLoader implements java.util.function.Supplier<Object> {
                public Object get() { return null; }
            }
            """;

    /** The file-realm superuser of a secured node. */
    static final String SUPERUSER = "vigil";
    /** A file-realm user whose only privilege is the cluster's monitor: no template, no writes. */
    static final String MONITOR = "watcher";
    /** Both users' password. */
    static final String PASSWORD = "vigil-test-password";
    private static final List<String> STUB_MODULES = List.of("net.shibboleth.utilities.java.support",
            "org.opensaml.core", "org.opensaml.saml", "org.opensaml.saml.impl", "org.opensaml.security.impl",
            "org.opensaml.xmlsec", "org.opensaml.xmlsec.impl"); // org.opensaml.security: es-opensaml-security-api

    private final Path home;
    private final ElasticsearchRelease release;
    private final boolean secured;
    private final Path run;
    private Path staging; // the /tmp copy to delete at close, or null
    private final int httpPort;
    private final int transportPort;
    private Process process;
    private OutputStream stdin;

    private ElasticsearchServer(Path home, ElasticsearchRelease release, boolean secured, Path run, int httpPort,
            int transportPort) {
        this.home = home;
        this.release = release;
        this.secured = secured;
        this.run = run;
        this.httpPort = httpPort;
        this.transportPort = transportPort;
    }

    /** Starts an 8.19 node whose data lives under {@code run} (created), and waits until it answers. */
    public static ElasticsearchServer start(Path run) throws IOException, InterruptedException {
        return start(ElasticsearchRelease.v8(), run);
    }

    /** Starts a node of {@code release} whose data lives under {@code run} (created), and waits until it answers. */
    static ElasticsearchServer start(ElasticsearchRelease release, Path run) throws IOException, InterruptedException {
        return start(release, plainHome(release), false, run);
    }

    /** Like {@link #start}, 8.19, with x-pack security on and the users {@link #SUPERUSER} and {@link #MONITOR}. */
    static ElasticsearchServer startSecured(Path run) throws IOException, InterruptedException {
        ElasticsearchRelease v8 = ElasticsearchRelease.v8();
        return start(v8, secureHome(plainHome(v8)), true, run);
    }

    private static ElasticsearchServer start(ElasticsearchRelease release, Path home, boolean secured, Path run)
            throws IOException, InterruptedException {
        run = run.toAbsolutePath();
        Path base = null;
        boolean reachable = traversableByOthers(home) && traversableByOthers(run.getParent())
                && Files.getPosixFilePermissions(home.resolve("lib/elasticsearch-" + release.version() + ".jar"))
                        .contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ);
        if (isRoot() && !reachable) {
            // the node runs as nobody, who cannot reach a checkout under, say, /root (or read files
            // made under umask 077): stage it in /tmp
            base = Files.createTempDirectory("vigil-es-");
            Files.setPosixFilePermissions(base, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            Path staged = base.resolve(home.getFileName());
            copyTree(home, staged);
            home = staged;
            run = base.resolve(run.getFileName());
        }
        ElasticsearchServer s = new ElasticsearchServer(home, release, secured, run, freePort(), freePort());
        s.staging = base;
        s.startProcess();
        return s;
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Whether every directory from / down to {@code dir} lets others through (o+x). */
    private static boolean traversableByOthers(Path dir) throws IOException {
        for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p) && !Files.getPosixFilePermissions(p)
                    .contains(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE)) {
                return false;
            }
        }
        return true;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path t = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(t);
                    Files.setPosixFilePermissions(t, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
                } else {
                    Files.copy(f, t);
                    Files.setPosixFilePermissions(t, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
                }
            }
        }
    }

    /** {@code Authorization} header value for basic auth. */
    static String basic(String user, String password) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString(
                (user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static Path plainHome(ElasticsearchRelease release) throws IOException {
        Path home = release.home();
        if (!Files.isRegularFile(release.jar("lib", "elasticsearch"))) {
            throw new IllegalStateException(home + " has no Elasticsearch " + release.version() + " jars: run the"
                    + " exporters module's generate-test-resources phase (mvn -pl exporters test does)");
        }
        prepareHome(release);
        return home;
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + httpPort);
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Stops the node (SIGTERM, then SIGKILL after 30 s). Its data stays for {@link #restart()}. */
    public void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        try {
            stdin.close();
        } catch (IOException ignored) {
            // the process is gone; its pipe may already be closed
        }
        process = null;
    }

    /** Starts the node again on the same ports and data. */
    public void restart() throws IOException, InterruptedException {
        stop();
        startProcess();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        if (staging != null) {
            try {
                deleteTree(staging);
            } catch (IOException e) {
                System.err.println("could not delete " + staging + ": " + e);
            }
        }
    }

    private void startProcess() throws IOException, InterruptedException {
        try {
            startProcess0();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-1", e);
        }
    }

    private void startProcess0() throws IOException, InterruptedException, java.security.NoSuchAlgorithmException {
        Path data = Files.createDirectories(run.resolve("data"));
        Path logs = Files.createDirectories(run.resolve("logs"));
        Path tmp = Files.createDirectories(run.resolve("tmp"));
        Path config = Files.createDirectories(run.resolve("config"));
        Files.writeString(config.resolve("log4j2.properties"), """
                status = error
                appender.console.type = Console
                appender.console.name = console
                appender.console.layout.type = PatternLayout
                appender.console.layout.pattern = [%d{ISO8601}][%-5p][%-25c{1.}] %m%n
                rootLogger.level = info
                rootLogger.appenderRef.console.ref = console
                """);
        Files.writeString(config.resolve("elasticsearch.yml"), "# settings come through ServerArgs\n");
        if (secured) {
            // file realm; {SHA} = base64(SHA-1(password)), one of the hash formats the realm reads
            String hash = "{SHA}" + java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest
                    .getInstance("SHA-1").digest(PASSWORD.getBytes(StandardCharsets.UTF_8)));
            Files.writeString(config.resolve("users"), SUPERUSER + ":" + hash + "\n" + MONITOR + ":" + hash + "\n");
            Files.writeString(config.resolve("users_roles"), "superuser:" + SUPERUSER + "\nmonitor_only:" + MONITOR + "\n");
            Files.writeString(config.resolve("roles.yml"), "monitor_only:\n  cluster: [monitor]\n");
        }
        boolean root = isRoot();
        if (root) {
            exec("chown", "-R", NOBODY + ":" + NOBODY, run.toString());
        }

        List<String> cmd = new ArrayList<>();
        if (root) {
            cmd.addAll(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
        }
        cmd.add(release.java().toString());
        if (secured) {
            cmd.addAll(List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:-BytecodeVerificationRemote"));
        }
        cmd.addAll(List.of("-Xms512m", "-Xmx512m", "-XX:+UseSerialGC",
                "-Des.path.home=" + home, "-Des.path.conf=" + config, "-Des.distribution.type=tar",
                "-Djava.io.tmpdir=" + tmp, "-Djdk.attach.allowAttachSelf=true",
                "-Des.entitlement.agentJar=" + home.resolve("agent/entitlement-agent.jar"),
                "-Dio.netty.noUnsafe=true", "-Dlog4j2.disable.jmx=true", "-Dlog4j.shutdownHookEnabled=false",
                "-Dfile.encoding=UTF-8", "-Djava.locale.providers=CLDR",
                "--patch-module=java.base=" + home.resolve("bridge/elasticsearch-entitlement-bridge-" + release.version() + ".jar"),
                "--add-exports=java.base/org.elasticsearch.entitlement.bridge="
                        + "org.elasticsearch.entitlement,java.logging,java.net.http,java.naming,jdk.net"));
        if (release.javaFeature() >= 21) {
            cmd.add("-XX:+EnableDynamicAgentLoading");
            cmd.add("--enable-native-access=org.elasticsearch.nativeaccess,org.apache.lucene.core");
        }
        cmd.addAll(List.of("--module-path", home.resolve("lib").toString(), "--add-modules=jdk.net",
                "--add-modules=ALL-MODULE-PATH", "-m", "org.elasticsearch.server/org.elasticsearch.bootstrap.Elasticsearch"));

        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("LIBFFI_TMPDIR", tmp.toString());
        pb.environment().put("ES_TMPDIR", tmp.toString());
        pb.redirectErrorStream(true);
        Path log = run.resolve("node.log");
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        process = pb.start();
        stdin = process.getOutputStream();
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("path.home", home.toString());
        settings.put("path.data", data.toString());
        settings.put("path.logs", logs.toString());
        settings.put("cluster.name", "vigil-test");
        settings.put("node.name", "vigil-test-node");
        settings.put("discovery.type", "single-node");
        settings.put("network.host", "127.0.0.1");
        settings.put("http.port", Integer.toString(httpPort));
        settings.put("transport.port", Integer.toString(transportPort));
        // a nearly full disk in CI must not turn indices read-only under the test
        settings.put("cluster.routing.allocation.disk.threshold_enabled", "false");
        if (secured) {
            settings.put("xpack.security.enabled", "true");
            settings.put("xpack.license.self_generated.type", "basic");
            settings.put("xpack.security.http.ssl.enabled", "false");
            settings.put("xpack.security.transport.ssl.enabled", "false");
        }
        stdin.write(serverArgs(settings, config, logs));
        stdin.flush(); // and stays open: the node exits when its stdin closes
        awaitHealthy(log);
    }

    private void awaitHealthy(Path log) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest.Builder hb = HttpRequest.newBuilder(url().resolve("/_cluster/health?wait_for_status=yellow&timeout=5s"))
                .timeout(Duration.ofSeconds(10));
        if (secured) {
            hb.header("Authorization", basic(SUPERUSER, PASSWORD));
        }
        HttpRequest health = hb.build();
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Elasticsearch exited with " + process.exitValue() + ":\n" + tail(log));
            }
            try {
                HttpResponse<String> r = http.send(health, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("Elasticsearch did not answer within " + START_TIMEOUT + ":\n" + tail(log));
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    /**
     * org.elasticsearch.bootstrap.ServerArgs as its writeTo writes it: daemonize, quiet, optional
     * pid file, the secure settings' class name and body (an empty, unprotected KeyStoreWrapper:
     * format version, hasPassword, optional data bytes, entry map, closed), the node settings
     * (count, then key and generic value: type 0 = string), config dir, logs dir. Strings are a
     * vInt char count then the chars (all ASCII here).
     */
    static byte[] serverArgs(Map<String, String> settings, Path config, Path logs) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        DataOutputStream o = new DataOutputStream(buf);
        o.writeBoolean(false); // daemonize
        o.writeBoolean(false); // quiet
        o.writeBoolean(false); // no pid file
        string(o, "org.elasticsearch.common.settings.KeyStoreWrapper");
        o.writeInt(7); // KeyStoreWrapper.CURRENT_VERSION
        o.writeBoolean(false); // hasPassword
        o.writeBoolean(false); // no data bytes
        vint(o, 0); // no entries
        o.writeBoolean(false); // closed
        vint(o, settings.size());
        for (Map.Entry<String, String> e : settings.entrySet()) {
            string(o, e.getKey());
            o.writeByte(0); // generic value type 0: String
            string(o, e.getValue());
        }
        string(o, config.toString());
        string(o, logs.toString());
        o.flush();
        return buf.toByteArray();
    }

    private static void vint(DataOutputStream o, int i) throws IOException {
        while ((i & ~0x7F) != 0) {
            o.writeByte((i & 0x7F) | 0x80);
            i >>>= 7;
        }
        o.writeByte(i);
    }

    private static void string(DataOutputStream o, String s) throws IOException {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0x7F) {
                throw new IllegalArgumentException("only ASCII is written here: " + s);
            }
        }
        vint(o, s.length());
        o.write(s.getBytes(StandardCharsets.US_ASCII));
    }

    /** The pieces the jars lack: plugin descriptor, the agent and console stubs. Idempotent. */
    private static synchronized void prepareHome(ElasticsearchRelease release) throws IOException {
        Path home = release.home();
        Path netty = home.resolve("modules/transport-netty4");
        try (JarFile jar = new JarFile(release.jar("modules/transport-netty4", "transport-netty4").toFile())) {
            for (String name : List.of("plugin-descriptor.properties", "entitlement-policy.yaml")) {
                JarEntry e = jar.getJarEntry("META-INF/es-plugins/transport-netty4/" + name);
                try (InputStream in = jar.getInputStream(e)) {
                    Files.write(netty.resolve(name), in.readAllBytes());
                }
            }
        }
        Path agent = home.resolve("agent/entitlement-agent.jar");
        if (!Files.exists(agent)) {
            Manifest m = new Manifest();
            m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
            m.getMainAttributes().putValue("Agent-Class", "vigiltest.EntitlementAgent");
            m.getMainAttributes().putValue("Can-Retransform-Classes", "true");
            m.getMainAttributes().putValue("Can-Redefine-Classes", "true");
            compileToJar(home.resolve("agent-src"), "vigiltest/EntitlementAgent", AGENT_SOURCE, m, agent);
        }
        Path console = home.resolve("lib/tools/ansi-console/ansi-console.jar");
        if (!Files.exists(console)) {
            Manifest m = new Manifest();
            m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
            compileToJar(home.resolve("console-src"), "org/elasticsearch/io/ansi/AnsiConsoleLoader", CONSOLE_SOURCE, m,
                    console);
        }
    }

    /**
     * target/es-home-secure: es-home's lib, bridge, agent and modules hard-linked, plus
     * target/es-xpack/x-pack-core and x-pack-security (descriptors from their jars) and the stub
     * modules. Rebuilt at each call (cheap: links).
     */
    private static synchronized Path secureHome(Path plain) throws IOException {
        Path xpack = plain.resolveSibling("es-xpack");
        if (!Files.isRegularFile(xpack.resolve("x-pack-security/x-pack-security-" + VERSION + ".jar"))) {
            throw new IllegalStateException(xpack + " has no x-pack jars: run generate-test-resources");
        }
        Path home = plain.resolveSibling("es-home-secure");
        deleteTree(home);
        for (String dir : List.of("lib", "bridge", "agent", "modules")) {
            linkTree(plain.resolve(dir), home.resolve(dir));
        }
        for (String module : List.of("x-pack-core", "x-pack-security")) {
            Path target = home.resolve("modules").resolve(module);
            linkTree(xpack.resolve(module), target);
            try (JarFile jar = new JarFile(target.resolve(module + "-" + VERSION + ".jar").toFile())) {
                for (String name : List.of("plugin-descriptor.properties", "entitlement-policy.yaml")) {
                    try (InputStream in = jar.getInputStream(jar.getJarEntry("META-INF/es-plugins/" + module + "/" + name))) {
                        Files.write(target.resolve(name), in.readAllBytes());
                    }
                }
            }
        }
        Path security = home.resolve("modules/x-pack-security");
        for (String module : STUB_MODULES) {
            Path src = home.resolve("stub-src").resolve(module);
            Files.createDirectories(src);
            Files.writeString(src.resolve("module-info.java"), "module " + module + " {}\n");
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            if (javac.run(null, null, null, "--release", "17", "-d", src.toString(),
                    src.resolve("module-info.java").toString()) != 0) {
                throw new IllegalStateException("could not compile the stub module " + module);
            }
            Manifest m = new Manifest();
            m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
            try (JarOutputStream out = new JarOutputStream(
                    Files.newOutputStream(security.resolve("stub-" + module + ".jar")), m)) {
                out.putNextEntry(new JarEntry("module-info.class"));
                out.write(Files.readAllBytes(src.resolve("module-info.class")));
                out.closeEntry();
            }
        }
        return home;
    }

    private static void linkTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path t = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(t);
                } else {
                    Files.createLink(t, f);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(f);
            }
        }
    }

    private static void compileToJar(Path dir, String className, String source, Manifest manifest, Path jar)
            throws IOException {
        Path src = dir.resolve(className + ".java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("the tests must run on a JDK (no system Java compiler)");
        }
        if (javac.run(null, null, null, "--release", "17", "-d", dir.toString(), src.toString()) != 0) {
            throw new IllegalStateException("could not compile " + src);
        }
        Files.createDirectories(jar.getParent());
        Path tmp = jar.resolveSibling(jar.getFileName() + ".tmp");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(tmp), manifest);
             Stream<Path> classes = Files.walk(dir)) {
            for (Path c : (Iterable<Path>) classes.filter(p -> p.toString().endsWith(".class"))::iterator) {
                out.putNextEntry(new JarEntry(dir.relativize(c).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(c));
                out.closeEntry();
            }
        }
        Files.move(tmp, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void exec(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " exited with " + p.exitValue());
        }
    }
}
