package io.vigil.enforcement.asset;

import static io.vigil.enforcement.asset.DnsPackets.name;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.enforcement.asset.TestDnsServer.Answer;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The test server over loopback, its replies read by the parser under test. */
class TestDnsServerTest {
    @Test
    void answersAAndAaaaFromItsTable() throws Exception {
        InetAddress v4 = InetAddress.getByName("192.0.2.7");
        InetAddress v6 = InetAddress.getByName("2001:db8::7");
        try (TestDnsServer server = TestDnsServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                Map.of("models.example.com", List.of(new Answer(v4, 120), new Answer(v6, 60))))) {

            assertEquals(Optional.of(new DnsAnswer("models.example.com",
                            List.of(new DnsAnswer.Address(v4.getAddress(), Set.of("models.example.com"), 120)))),
                    DnsPacketParser.parseMessage(query(server, "Models.Example.com", DnsPacketParser.TYPE_A)));
            assertEquals(Optional.of(new DnsAnswer("models.example.com",
                            List.of(new DnsAnswer.Address(v6.getAddress(), Set.of("models.example.com"), 60)))),
                    DnsPacketParser.parseMessage(query(server, "models.example.com", DnsPacketParser.TYPE_AAAA)));
            byte[] unknown = query(server, "other.example.com", DnsPacketParser.TYPE_A);
            assertEquals(TestDnsServer.RCODE_NXDOMAIN, unknown[3] & 0xf);
            assertEquals(Optional.empty(), DnsPacketParser.parseMessage(unknown));
            assertEquals(3, server.queries());
        }
    }

    private static byte[] query(TestDnsServer server, String name, int type) throws Exception {
        byte[] q = new DnsPackets.Message(DnsPackets.QUERY).question(name(name), type).build();
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            client.setSoTimeout(5000); // loopback answers at once; this only bounds a broken server
            client.send(new DatagramPacket(q, q.length, server.address()));
            DatagramPacket reply = new DatagramPacket(new byte[512], 512);
            client.receive(reply);
            assertEquals(q[0], reply.getData()[0], "id echoed");
            return Arrays.copyOf(reply.getData(), reply.getLength());
        }
    }
}
