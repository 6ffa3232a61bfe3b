package io.vigil.enforcement.asset;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A UDP DNS server for tests (kernel tests of the asset guard among them): answers A and AAAA
 * questions from a fixed table, NXDOMAIN for names it does not hold, FORMERR for what it cannot
 * read. One question per query, no compression in queries, no EDNS.
 */
final class TestDnsServer implements AutoCloseable {
    static final int RCODE_FORMERR = 1;
    static final int RCODE_NXDOMAIN = 3;

    /** One address of a name and the TTL it is served with. */
    record Answer(InetAddress address, long ttlSeconds) {}

    private final DatagramSocket socket;
    private final Map<String, List<Answer>> table;
    private final Thread thread;
    private final AtomicInteger queries = new AtomicInteger();

    private TestDnsServer(DatagramSocket socket, Map<String, List<Answer>> table) {
        this.socket = socket;
        this.table = Map.copyOf(table);
        this.thread = new Thread(this::serve, "test-dns-" + socket.getLocalPort());
        this.thread.setDaemon(true);
    }

    /**
     * @param bind the address and port to listen on (port 0: any free port; 53 needs root)
     * @param table names (lower case, no trailing dot) to the addresses served for them
     */
    static TestDnsServer start(InetSocketAddress bind, Map<String, List<Answer>> table) throws SocketException {
        TestDnsServer server = new TestDnsServer(new DatagramSocket(bind), table);
        server.thread.start();
        return server;
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** Queries received so far. */
    int queries() {
        return queries.get();
    }

    @Override
    public void close() throws InterruptedException {
        socket.close(); // wakes receive() with a SocketException, which ends the loop
        thread.join();
    }

    private void serve() {
        byte[] buffer = new byte[512];
        while (!socket.isClosed()) {
            DatagramPacket in = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(in);
                queries.incrementAndGet();
                byte[] reply = reply(buffer, in.getLength());
                socket.send(new DatagramPacket(reply, reply.length, in.getSocketAddress()));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** The reply to one query. */
    byte[] reply(byte[] query, int length) {
        if (length < 12) {
            return header(query, RCODE_FORMERR, 0, 0).toByteArray();
        }
        StringBuilder name = new StringBuilder();
        int pos = 12;
        while (pos < length && query[pos] != 0) {
            int len = query[pos] & 0xff;
            if ((len & 0xc0) != 0 || pos + 1 + len > length) {
                return header(query, RCODE_FORMERR, 0, 0).toByteArray();
            }
            name.append(name.isEmpty() ? "" : ".").append(new String(query, pos + 1, len, StandardCharsets.US_ASCII));
            pos += 1 + len;
        }
        int questionEnd = pos + 5; // root label, QTYPE, QCLASS
        if (questionEnd > length) {
            return header(query, RCODE_FORMERR, 0, 0).toByteArray();
        }
        int type = (query[pos + 1] & 0xff) << 8 | query[pos + 2] & 0xff;
        List<Answer> all = table.get(name.toString().toLowerCase(Locale.ROOT));
        if (all == null) {
            ByteArrayOutputStream out = header(query, RCODE_NXDOMAIN, 1, 0);
            out.write(query, 12, questionEnd - 12);
            return out.toByteArray();
        }
        List<Answer> matching = all.stream()
                .filter(a -> (a.address() instanceof Inet4Address) == (type == DnsPacketParser.TYPE_A))
                .filter(a -> type == DnsPacketParser.TYPE_A || type == DnsPacketParser.TYPE_AAAA)
                .toList();
        ByteArrayOutputStream out = header(query, 0, 1, matching.size());
        out.write(query, 12, questionEnd - 12);
        for (Answer a : matching) {
            byte[] addr = a.address().getAddress();
            out.writeBytes(DnsPackets.concat(DnsPackets.pointer(12), DnsPackets.u16(type),
                    DnsPackets.u16(DnsPacketParser.CLASS_IN), DnsPackets.u32(a.ttlSeconds()),
                    DnsPackets.u16(addr.length), addr));
        }
        return out.toByteArray();
    }

    private static ByteArrayOutputStream header(byte[] query, int rcode, int questions, int answers) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rd = query.length > 2 ? query[2] & 0x01 : 0;
        out.write(query.length > 0 ? query[0] : 0);
        out.write(query.length > 1 ? query[1] : 0);
        out.write(0x80 | rd); // QR, opcode 0, RD copied
        out.write(0x80 | rcode); // RA
        out.writeBytes(DnsPackets.concat(DnsPackets.u16(questions), DnsPackets.u16(answers), DnsPackets.u16(0),
                DnsPackets.u16(0)));
        return out;
    }
}
