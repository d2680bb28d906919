package io.tlscensus.capture;

/** LINKTYPE_* values from tcpdump.org/linktypes.html that the decoders understand. */
public final class LinkType {
    public static final int NULL = 0;          // BSD loopback: 4-byte address family in host order
    public static final int ETHERNET = 1;
    public static final int PPP = 9;           // RFC 1661 PPP, optionally with HDLC address/control
    public static final int PPP_HDLC = 50;
    public static final int RAW = 101;         // LINKTYPE_RAW: raw IPv4 or IPv6
    public static final int DLT_RAW_BSD = 12;  // DLT_RAW as written on OpenBSD
    public static final int DLT_RAW_14 = 14;   // DLT_RAW as written on some other BSDs
    public static final int LOOP = 108;        // OpenBSD loopback: family in network order
    public static final int LINUX_SLL = 113;
    public static final int IPV4 = 228;
    public static final int IPV6 = 229;
    public static final int LINUX_SLL2 = 276;

    private LinkType() {
    }
}
