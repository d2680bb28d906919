package io.tlscensus.testing;

import java.util.Arrays;

/**
 * One TCP connection's frames, with sequence and acknowledgement numbers kept per side so that a
 * test only says who sends what. Frames are Ethernet (optionally VLAN-tagged) around IPv4 or IPv6.
 */
public final class Conversation {
    private final byte[] clientIp;
    private final byte[] serverIp;
    private final int clientPort;
    private final int serverPort;
    private int clientSeq;
    private int serverSeq;
    private int[][] vlanTags = new int[0][];

    public Conversation(byte[] clientIp, int clientPort, byte[] serverIp, int serverPort, int clientIsn, int serverIsn) {
        this.clientIp = clientIp;
        this.clientPort = clientPort;
        this.serverIp = serverIp;
        this.serverPort = serverPort;
        this.clientSeq = clientIsn;
        this.serverSeq = serverIsn;
    }

    public Conversation vlan(int[][] tags) {
        this.vlanTags = tags;
        return this;
    }

    public int clientSeq() {
        return clientSeq;
    }

    public int serverSeq() {
        return serverSeq;
    }

    /** Next client segment; the sequence number advances by the payload (and SYN/FIN). */
    public byte[] client(int flags, byte[] payload) {
        byte[] frame = clientAt(clientSeq, flags, payload);
        clientSeq += advance(flags, payload);
        return frame;
    }

    public byte[] server(int flags, byte[] payload) {
        byte[] frame = serverAt(serverSeq, flags, payload);
        serverSeq += advance(flags, payload);
        return frame;
    }

    public byte[] client(int flags) {
        return client(flags, new byte[0]);
    }

    public byte[] server(int flags) {
        return server(flags, new byte[0]);
    }

    /** A client segment at an explicit sequence number (retransmissions, reordering); no advance. */
    public byte[] clientAt(int seq, int flags, byte[] payload) {
        return frame(clientIp, clientPort, serverIp, serverPort, seq, serverSeq, flags, payload);
    }

    public byte[] serverAt(int seq, int flags, byte[] payload) {
        return frame(serverIp, serverPort, clientIp, clientPort, seq, clientSeq, flags, payload);
    }

    /** Client payload sent as segments cut at the given offsets; returns them in sending order. */
    public byte[][] clientSegments(byte[] payload, int... cuts) {
        byte[][] segments = new byte[cuts.length + 1][];
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : payload.length;
            segments[i] = client(Packets.ACK | Packets.PSH, Arrays.copyOfRange(payload, from, to));
            from = to;
        }
        return segments;
    }

    private static int advance(int flags, byte[] payload) {
        return payload.length + ((flags & Packets.SYN) != 0 ? 1 : 0) + ((flags & Packets.FIN) != 0 ? 1 : 0);
    }

    private byte[] frame(byte[] src, int srcPort, byte[] dst, int dstPort, int seq, int ack, int flags, byte[] payload) {
        byte[] tcp = Packets.tcp(srcPort, dstPort, seq, (flags & Packets.ACK) != 0 ? ack : 0, flags, payload);
        boolean v6 = src.length == 16;
        byte[] ip = v6 ? Packets.ipv6(src, dst, Packets.PROTO_TCP, tcp) : Packets.ipv4(src, dst, Packets.PROTO_TCP, tcp);
        int etherType = v6 ? Packets.ETHERTYPE_IPV6 : Packets.ETHERTYPE_IPV4;
        return vlanTags.length == 0 ? Packets.ethernet(etherType, ip) : Packets.ethernetTagged(vlanTags, etherType, ip);
    }
}
