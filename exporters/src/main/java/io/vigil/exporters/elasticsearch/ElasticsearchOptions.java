package io.vigil.exporters.elasticsearch;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Where and how {@link ElasticsearchSender} writes.
 *
 * @param urls           the nodes, e.g. {@code https://es1:9200}; requests are spread over them
 * @param dataStream     the data stream written to, {@code <type>-<dataset>-<namespace>} by Elastic's
 *                       convention; default {@value #DEFAULT_DATA_STREAM}
 * @param apiKey         the encoded API key (base64 of {@code id:key}, as Kibana shows it), or empty
 * @param username       basic-auth user, or empty; not together with an API key
 * @param password       basic-auth password
 * @param caCertificate  PEM file of the CA that signed the nodes' certificates, or null to use the
 *                       JVM's trust store (https URLs only)
 * @param connectTimeout TCP connect timeout
 * @param socketTimeout  longest wait for a response (a bulk of a few MB takes well under 30 s)
 * @param installTemplate whether to put the index template before the first write (needs the
 *                       manage_index_templates privilege; turn off when an administrator manages it)
 */
public record ElasticsearchOptions(List<URI> urls, String dataStream, String apiKey, String username, String password,
                                   Path caCertificate, Duration connectTimeout, Duration socketTimeout,
                                   boolean installTemplate) {
    public static final String DEFAULT_DATA_STREAM = "logs-vigil-default";
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(30);

    public ElasticsearchOptions {
        urls = List.copyOf(urls);
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("at least one Elasticsearch URL is needed");
        }
        for (URI u : urls) {
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
                throw new IllegalArgumentException("Elasticsearch URL must be http:// or https://, not " + u);
            }
        }
        dataStream = Objects.requireNonNullElse(dataStream, DEFAULT_DATA_STREAM);
        checkDataStreamName(dataStream);
        apiKey = Objects.requireNonNullElse(apiKey, "");
        username = Objects.requireNonNullElse(username, "");
        password = Objects.requireNonNullElse(password, "");
        if (!apiKey.isEmpty() && !username.isEmpty()) {
            throw new IllegalArgumentException("give an API key or a username and password, not both");
        }
        connectTimeout = Objects.requireNonNullElse(connectTimeout, DEFAULT_CONNECT_TIMEOUT);
        socketTimeout = Objects.requireNonNullElse(socketTimeout, DEFAULT_SOCKET_TIMEOUT);
    }

    /** Defaults for one node: data stream logs-vigil-default, no auth, default timeouts, template installed. */
    public static ElasticsearchOptions of(URI url) {
        return new ElasticsearchOptions(List.of(url), null, null, null, null, null, null, null, true);
    }

    public ElasticsearchOptions withDataStream(String v) {
        return new ElasticsearchOptions(urls, v, apiKey, username, password, caCertificate, connectTimeout,
                socketTimeout, installTemplate);
    }

    public ElasticsearchOptions withApiKey(String v) {
        return new ElasticsearchOptions(urls, dataStream, v, "", "", caCertificate, connectTimeout, socketTimeout,
                installTemplate);
    }

    public ElasticsearchOptions withBasicAuth(String user, String pass) {
        return new ElasticsearchOptions(urls, dataStream, "", user, pass, caCertificate, connectTimeout, socketTimeout,
                installTemplate);
    }

    public ElasticsearchOptions withCaCertificate(Path v) {
        return new ElasticsearchOptions(urls, dataStream, apiKey, username, password, v, connectTimeout, socketTimeout,
                installTemplate);
    }

    public ElasticsearchOptions withTimeouts(Duration connect, Duration socket) {
        return new ElasticsearchOptions(urls, dataStream, apiKey, username, password, caCertificate, connect, socket,
                installTemplate);
    }

    public ElasticsearchOptions withInstallTemplate(boolean v) {
        return new ElasticsearchOptions(urls, dataStream, apiKey, username, password, caCertificate, connectTimeout,
                socketTimeout, v);
    }

    /** Elasticsearch's index-name rules, checked here so a typo fails at start, not at the first bulk. */
    static void checkDataStreamName(String name) {
        String why = null;
        if (name.isEmpty() || name.length() > 255) {
            why = "must be 1 to 255 characters";
        } else if (!name.equals(name.toLowerCase(Locale.ROOT))) {
            why = "must be lower case";
        } else if (name.startsWith("_") || name.startsWith("-") || name.startsWith("+") || name.startsWith(".")) {
            why = "must not start with _ - + or .";
        } else if (name.chars().anyMatch(c -> "\\/*?\"<>| ,#:".indexOf(c) >= 0)) {
            why = "must not contain \\ / * ? \" < > | space , # :";
        }
        if (why != null) {
            throw new IllegalArgumentException("data stream name '" + name + "' " + why);
        }
    }
}
