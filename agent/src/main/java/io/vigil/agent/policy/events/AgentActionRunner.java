package io.vigil.agent.policy.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.agent.policy.HookDescriptor.AgentAction;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the actions the agent itself takes when a selector matches, as Tetragon's agent does:
 * GetUrl (an HTTP GET to argUrl, e.g. a canary token) and DnsLookup (resolve argFqdn). Off the
 * enricher thread, through a bounded queue: a burst drops requests (counted), never events.
 */
public final class AgentActionRunner implements Consumer<AgentAction>, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AgentActionRunner.class);
    private static final int QUEUE = 256;
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUE), r -> {
                Thread t = new Thread(r, "vigil-agent-actions");
                t.setDaemon(true);
                return t;
            });
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    @Override
    public void accept(AgentAction a) {
        try {
            executor.execute(() -> run(a));
        } catch (RejectedExecutionException e) {
            dropped.incrementAndGet();
        }
    }

    private void run(AgentAction a) {
        try {
            switch (a.type()) {
                case GET_URL -> {
                    HttpRequest req = HttpRequest.newBuilder(URI.create(a.target())).timeout(TIMEOUT).GET().build();
                    int status = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
                    log.debug("GetUrl {}: HTTP {}", a.target(), status);
                }
                case DNS_LOOKUP -> InetAddress.getAllByName(a.target());
            }
            done.incrementAndGet();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            failed.incrementAndGet();
            log.warn("{} {} failed: {}", a.type() == AgentAction.Type.GET_URL ? "GetUrl" : "DnsLookup", a.target(), e.toString());
        }
    }

    public long done() {
        return done.get();
    }

    public long failed() {
        return failed.get();
    }

    public long dropped() {
        return dropped.get();
    }

    public void putStats(ObjectNode n) {
        n.put("done", done.get());
        n.put("failed", failed.get());
        n.put("dropped", dropped.get());
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
