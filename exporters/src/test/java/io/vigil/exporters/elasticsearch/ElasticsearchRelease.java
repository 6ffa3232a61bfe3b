package io.vigil.exporters.elasticsearch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Which Elasticsearch {@link ElasticsearchServer} starts: the version, the home its jars were copied
 * into (lib/, modules/transport-netty4/, bridge/) and the JDK that runs it.
 *
 * @param javaFeature the JDK's feature release (17, 21, 25): the node's JVM flags depend on it
 */
record ElasticsearchRelease(String version, Path home, Path java, int javaFeature) {
    /** = elasticsearch.version in the parent pom; copied into target/es-home by the exporters pom. */
    static final String V8 = "8.19.21";
    /** = es9.version in src/test/es9/pom.xml; copied into target/es9-home by that pom, run from the exporters pom. */
    static final String V9 = "9.5.3";
    /** Elasticsearch 9 needs Java 21+; the tests run on 17, so the 9.x node gets this JDK unless -Dvigil.es9.jdk names another. */
    static final Path TEMURIN_25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");

    /** 8.19 on the JVM running the tests; another module's tests name the home with -Dvigil.es.home. */
    static ElasticsearchRelease v8() {
        Path home = Path.of(System.getProperty("vigil.es.home", "target/es-home")).toAbsolutePath();
        Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
        return new ElasticsearchRelease(V8, home, java, Runtime.version().feature());
    }

    /** 9.x on Temurin 25 (or -Dvigil.es9.jdk); fails, saying what to install, when that JDK is missing or older than 21. */
    static ElasticsearchRelease v9() throws IOException {
        Path jdk = Path.of(System.getProperty("vigil.es9.jdk", TEMURIN_25.toString()));
        Path java = jdk.resolve("bin/java");
        if (!Files.isExecutable(java)) {
            throw new IllegalStateException("Elasticsearch " + V9 + " needs a JDK 21+ and " + java + " is missing:"
                    + " install Temurin 25 at " + TEMURIN_25 + " (the Adoptium temurin-25-jdk package) or run the"
                    + " tests with -Dvigil.es9.jdk=/path/to/jdk-21-or-later");
        }
        int feature = featureRelease(jdk).orElseThrow(() -> new IllegalStateException(
                jdk + "/release has no JAVA_VERSION: is " + jdk + " a JDK?"));
        if (feature < 21) {
            throw new IllegalStateException("Elasticsearch " + V9 + " needs Java 21+, " + jdk + " is Java " + feature
                    + ": install Temurin 25 at " + TEMURIN_25 + " or name a newer JDK with -Dvigil.es9.jdk");
        }
        return new ElasticsearchRelease(V9, Path.of("target/es9-home").toAbsolutePath(), java, feature);
    }

    /** {@code dir/artifact-version.jar} under the home. */
    Path jar(String dir, String artifact) {
        return home.resolve(dir).resolve(artifact + "-" + version + ".jar");
    }

    /** The feature release from a JDK's release file ({@code JAVA_VERSION="25.0.3"}). */
    static Optional<Integer> featureRelease(Path jdk) throws IOException {
        Path release = jdk.resolve("release");
        if (!Files.isRegularFile(release)) {
            return Optional.empty();
        }
        return Files.readAllLines(release).stream()
                .filter(l -> l.startsWith("JAVA_VERSION="))
                .map(l -> l.substring("JAVA_VERSION=".length()).replace("\"", ""))
                .map(v -> Integer.parseInt(v.split("[.+-]")[0]))
                .findFirst();
    }
}
