package io.vigil.bpf.wire;

/** A DNS answer copied by the guard's ingress program: struct msg_dns and the IP packet after it. */
public record DnsMsg(long ktime, byte[] packet) implements Msg {
    public DnsMsg {
        packet = packet.clone();
    }

    @Override
    public byte[] packet() {
        return packet.clone();
    }
}
