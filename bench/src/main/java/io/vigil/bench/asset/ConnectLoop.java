package io.vigil.bench.asset;

import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * The two ends of the connect-latency measurement, each its own JVM so that the client can be
 * tainted by pid without tainting the benchmark.
 *
 * <pre>
 * ConnectLoop serve ADDR PORT         accepts and closes, forever (runs in the namespace)
 * ConnectLoop connect ADDR PORT N W   prints "pid P", waits for a line "go", makes W unmeasured
 *                                     then N measured connects, and prints "samples S errors E"
 *                                     and the S durations of connect(), ns, one a line
 * </pre>
 *
 * Only connect() is timed: the socket is made before and closed after, with SO_LINGER 0 (a RST,
 * so that thousands of connects leave no TIME_WAIT behind). A connect that fails is counted in E
 * and not timed, except EPERM (the guard refused it), which ends the client with an error.
 */
public final class ConnectLoop {
    private ConnectLoop() {}

    public static void main(String[] args) throws Exception {
        InetSocketAddress to = new InetSocketAddress(args[1], Integer.parseInt(args[2]));
        switch (args[0]) {
            case "serve" -> serve(to);
            case "connect" -> connect(to, Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            default -> throw new IllegalArgumentException("serve or connect, not " + args[0]);
        }
    }

    private static void serve(InetSocketAddress at) throws Exception {
        try (ServerSocketChannel s = ServerSocketChannel.open()) {
            s.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            s.bind(at, 4096);
            System.out.println("listening");
            System.out.flush();
            while (true) {
                s.accept().close();
            }
        }
    }

    private static void connect(InetSocketAddress to, int n, int warmup) throws Exception {
        System.out.println("pid " + ProcessHandle.current().pid());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        if (!"go".equals(in.readLine())) {
            throw new IllegalStateException("expected go");
        }
        for (int i = 0; i < warmup; i++) {
            once(to);
        }
        long[] ns = new long[n];
        int samples = 0;
        int errors = 0;
        for (int i = 0; i < n; i++) {
            try {
                ns[samples] = once(to);
                samples++;
            } catch (SocketException e) {
                if (String.valueOf(e.getMessage()).contains("not permitted")) {
                    throw e;
                }
                errors++;
            }
        }
        PrintStream out = new PrintStream(new BufferedOutputStream(System.out, 1 << 16), false, StandardCharsets.US_ASCII);
        out.println("samples " + samples + " errors " + errors);
        for (int i = 0; i < samples; i++) {
            out.println(ns[i]);
        }
        out.flush();
    }

    /** One connect to a listening socket: the duration of connect() alone, ns. */
    private static long once(InetSocketAddress to) throws Exception {
        try (SocketChannel c = SocketChannel.open()) {
            c.setOption(StandardSocketOptions.SO_LINGER, 0);
            long t0 = System.nanoTime();
            c.connect(to);
            return System.nanoTime() - t0;
        }
    }
}
