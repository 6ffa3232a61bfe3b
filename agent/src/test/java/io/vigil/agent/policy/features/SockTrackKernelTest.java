package io.vigil.agent.policy.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.agent.kernel.KernelTestSupport;
import io.vigil.bpf.Backend;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Socket tracking: sk_alloc's returnArgAction TrackSock remembers who made each sock, an event on a tracked sock
 * names that process even when another task runs the hook, and UntrackSock forgets. A python process makes the
 * socks and forks; the child closes them last, so tcp_close runs in the child. Kernel functions: kprobe and
 * fentry backends only (every VM run; skipped on the tracepoint backend).
 */
@Tag("kernel")
class SockTrackKernelTest extends FeatureKernelTest {
    private static final int TRACKED = 39201;    // listener: sk_alloc by the parent, tracked
    private static final int UNTRACKED = 39202;  // listener: tracked, then UntrackSock at listen()

    /** Parent makes both listeners and a connection; the forked child closes every sock last. Prints the child's pid. */
    private static final String SOCKS = """
            import os, socket
            def listener(port):
                s = socket.socket()
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(('127.0.0.1', port))
                s.listen(1)
                return s
            l = listener(%d)
            c = socket.create_connection(('127.0.0.1', %d))
            a, _ = l.accept()          # made by sk_clone_lock in softirq, not sk_alloc: never tracked
            u = listener(%d)
            r, w = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.read(r, 1)          # the parent has closed its copies: these closes are the last
                for s in (l, a, c, u):
                    s.close()
                os._exit(0)
            for s in (l, a, c, u):
                s.close()
            os.write(w, b'x')
            os.waitpid(pid, 0)
            print(pid)
            """.formatted(TRACKED, TRACKED, UNTRACKED);

    private static final String POLICY = """
            kprobes:
            - call: "sk_alloc"
              syscall: false
              return: true
              args:
              - index: 1
                type: int
              returnArg:
                index: 0
                type: sock
              returnArgAction: TrackSock
              selectors:
              - matchArgs:            # no family 99: nothing posted; TrackSock is done whatever the selectors
                - index: 1
                  operator: "Equal"
                  values: ["99"]
            - call: "inet_csk_listen_start"
              syscall: false
              args:
              - index: 0
                type: sock
              selectors:
              - matchArgs:
                - index: 0
                  operator: "SPort"
                  values: ["%d"]
                matchActions:
                - action: UntrackSock
                  argSock: 0
            - call: "tcp_close"
              syscall: false
              args:
              - index: 0
                type: sock
              selectors:
              - matchArgs:
                - index: 0
                  operator: "SPort"
                  values: ["%d", "%d"]
            """.formatted(UNTRACKED, TRACKED, UNTRACKED);

    private static Predicate<JsonNode> close(int sport, boolean listener) {
        return e -> e.at("/function_name").asText().equals("tcp_close")
                && e.at("/args/0/sock_arg/sport").asInt() == sport
                && e.at("/args/0/sock_arg/state").asText().equals("TCP_LISTEN") == listener;
    }

    @Test
    void eventsOnATrackedSockNameItsCreator() throws Exception {
        assumeTrue(KernelTestSupport.backend().filter(b -> b != Backend.TRACEPOINT).isPresent(),
                "kprobes on kernel functions: the VM harness (kprobe/fentry backend) only");
        apply("socktrack", POLICY);
        Process p = new ProcessBuilder(List.of("python3", "-c", SOCKS)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertEquals(0, p.waitFor(), out);
        long parent = p.pid();
        long child = Long.parseLong(out);

        // the tracked listener: closed by the child, reported as the parent's, which made it
        JsonNode tracked = events.await("socktrack", parent, close(TRACKED, true));
        assertEquals(parent, tracked.at("/process/pid").asLong(), tracked.toString());
        events.assertNoneAny("socktrack", close(TRACKED, true).and(e -> e.at("/process/pid").asLong() == child));

        // near miss: the accepted sock was never tracked, so its close names the task that runs (the child)
        events.await("socktrack", child, close(TRACKED, false));
        events.assertNoneAny("socktrack", close(TRACKED, false).and(e -> e.at("/process/pid").asLong() == parent));

        // UntrackSock at listen(): that event still names the owner, the later close the running task
        JsonNode untrack = events.await("socktrack", parent,
                e -> e.at("/function_name").asText().equals("inet_csk_listen_start"));
        assertEquals("KPROBE_ACTION_UNTRACKSOCK", untrack.at("/action").asText(), untrack.toString());
        events.await("socktrack", child, close(UNTRACKED, true));
        events.assertNoneAny("socktrack", close(UNTRACKED, true).and(e -> e.at("/process/pid").asLong() == parent));
    }
}
