#!/usr/bin/env python3
"""Wrap the frames of a real Ethernet capture in tunnel / link encapsulations, chosen by address.

This kernel has no gre, gretap, erspan, ipip, sit, geneve, mpls, pppoe or 8021q support (only veth,
bridge and vxlan), and no tc classifier to push headers, so no local path puts these encapsulations
on the wire. The TLS handshakes inside stay byte for byte as the real stacks sent them; only the
outer layers are built here, field by field with struct, as a tunnel endpoint or mirror port would.

usage: encap.py [--only] IN.pcap OUT.pcap RULE...
  RULE = PREFIX=STEP+STEP+...   (steps applied left to right: the first is the innermost)
  A frame is wrapped by the first rule whose PREFIX holds the source or destination of the frame's
  first IP header (IPv4 or IPv6, after any VLAN tags). A frame matching no rule is copied as is,
  or left out with --only (to cut one file per rule set out of one shared capture).
  Direction: a frame whose first-IP source is the prefix's server address (host part 1, as in
  make-samples: 10.99.N.1, fd00:...::1) goes server->client and gets the outer addresses swapped.

STEPs (every step takes an Ethernet frame and returns an Ethernet frame; MACs are kept):
  vlan:TPID:VID          insert an 802.1Q (8100) / 802.1ad (88a8) tag after the MAC addresses
  gre:KEY                outer IPv4 + GRE with the key bit and KEY (RFC 2890), carrying the L3 packet
  gretap:KEY             same, protocol 0x6558 (Transparent Ethernet Bridging), carrying the frame
  erspan1                GRE without sequence number, protocol 0x88be, carrying the frame (type I)
  erspan2:SESSION        GRE with sequence number, protocol 0x88be, 8-byte ERSPAN II header, frame
  erspan3:SESSION[:sub]  GRE with sequence number, protocol 0x22eb, 12-byte ERSPAN III header
                         (+ 8-byte platform sub-header when ":sub", O bit set), frame
  vxlan:VNI[:PORT]       outer IPv4 + UDP (dst PORT, default 4789) + 8-byte VXLAN header, frame
  geneve:VNI             outer IPv4 + UDP 6081 + Geneve header with one 8-byte option, frame
  ipip                   outer IPv4, protocol 4, carrying the inner IPv4 packet
  sit                    outer IPv4, protocol 41, carrying the inner IPv6 packet (6in4)
  mpls:L1/L2/...         Ethernet type 0x8847 + label stack (bottom-of-stack on the last), L3 packet
  mplspw:L1/L2/...       label stack + 4-byte zero control word + the whole frame (Ethernet PW)
  pppoe:SESSION          Ethernet type 0x8864 + PPPoE session header + PPP protocol, L3 packet
Outer IPv4 endpoints per step: OUTER_BASE.1 (client side) and OUTER_BASE.2 (server side), where
OUTER_BASE is 10.99.250+k when k outer IPv4 headers were already built for the frame by earlier
steps of the rule (so nested tunnels have distinct outer addresses).
"""
import ipaddress, struct, sys, zlib

ETH_IPV4, ETH_IPV6 = 0x0800, 0x86DD


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


class Wrapper:
    def __init__(self):
        self.ip_id = 0x1000
        self.gre_seq = {}

    def ipv4(self, proto, payload, src, dst):
        self.ip_id = (self.ip_id + 1) & 0xFFFF
        hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), self.ip_id, 0x4000, 64, proto, 0,
                          src.packed, dst.packed)
        return hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:] + payload

    def step(self, step, frame, k, to_server, flow_hash):
        macs, l2type, l3 = frame[:12], None, None
        kind, *args = step.split(":")
        base = ipaddress.ip_address("10.99.%d.0" % (250 + k))
        cli, srv = base + 1, base + 2
        src, dst = (cli, srv) if to_server else (srv, cli)

        def untagged():  # the L3 packet of an untagged frame, and its ethertype
            t = struct.unpack("!H", frame[12:14])[0]
            assert t in (ETH_IPV4, ETH_IPV6), "%s needs an untagged IP frame (type 0x%04x)" % (kind, t)
            return t, frame[14:]

        def eth_ip(proto, payload):
            return macs + struct.pack("!H", ETH_IPV4) + self.ipv4(proto, payload, src, dst)

        def seq(key):
            self.gre_seq[key] = self.gre_seq.get(key, 0) + 1
            return self.gre_seq[key]

        if kind == "vlan":
            return frame[:12] + struct.pack("!HH", int(args[0], 16), int(args[1]) & 0x0FFF) + frame[12:]
        if kind == "gre":
            t, l3 = untagged()
            return eth_ip(47, struct.pack("!HHI", 0x2000, t, int(args[0])) + l3)
        if kind == "gretap":
            return eth_ip(47, struct.pack("!HHI", 0x2000, 0x6558, int(args[0])) + frame)
        if kind == "erspan1":
            return eth_ip(47, struct.pack("!HH", 0x0000, 0x88BE) + frame)
        if kind == "erspan2":
            session = int(args[0])
            gre = struct.pack("!HHI", 0x1000, 0x88BE, seq(step))
            # Ver=1 | VLAN=0 ; COS=0 En=0 T=0 | Session ; Reserved=0 | Index=0
            hdr = struct.pack("!HHI", (1 << 12) | 0, session & 0x3FF, 0)
            return eth_ip(47, gre + hdr + frame)
        if kind == "erspan3":
            session, sub = int(args[0]), len(args) > 1 and args[1] == "sub"
            gre = struct.pack("!HHI", 0x1000, 0x22EB, seq(step))
            # Ver=2 | VLAN=0 ; COS=0 BSO=0 T=0 | Session ; Timestamp ; SGT=0 | P=1 FT=0 HWID=1 D=0 Gra=3 O
            ts = (flow_hash * 7919 + self.ip_id) & 0xFFFFFFFF
            low = (1 << 15) | (0 << 10) | (1 << 4) | (0 << 3) | (3 << 1) | (1 if sub else 0)
            hdr = struct.pack("!HHIHH", (2 << 12) | 0, session & 0x3FF, ts, 0, low)
            if sub:  # platform sub-header, Platf ID 3: Reserved | Switch ID, Port ID/Index, Timestamp
                hdr += struct.pack("!II", (3 << 26) | 0x12, 0)
            return eth_ip(47, gre + hdr + frame)
        if kind in ("vxlan", "geneve"):
            vni = int(args[0])
            port = int(args[1]) if kind == "vxlan" and len(args) > 1 else (4789 if kind == "vxlan" else 6081)
            sport = 49152 + flow_hash % 16384  # per-flow source port, as Linux derives it from the inner flow
            if kind == "vxlan":
                hdr = struct.pack("!II", 0x08000000, vni << 8)
            else:
                # one option: class 0x0103 (Linux), type 0x80, length 1 word, 4 bytes of data
                opt = struct.pack("!HBBI", 0x0103, 0x80, 1, 0x5A5A5A5A)
                hdr = struct.pack("!BBHI", len(opt) // 4, 0, 0x6558, vni << 8) + opt
            body = hdr + frame
            udp = struct.pack("!HHHH", sport, port, 8 + len(body), 0) + body  # IPv4: checksum 0 allowed
            return eth_ip(17, udp)
        if kind == "ipip":
            t, l3 = untagged()
            assert t == ETH_IPV4, "ipip carries IPv4"
            return eth_ip(4, l3)
        if kind == "sit":
            t, l3 = untagged()
            assert t == ETH_IPV6, "sit carries IPv6"
            return eth_ip(41, l3)
        if kind in ("mpls", "mplspw"):
            labels = [int(x) for x in args[0].split("/")]
            stack = b"".join(struct.pack("!I", (l << 12) | ((1 if i == len(labels) - 1 else 0) << 8) | 64)
                             for i, l in enumerate(labels))
            if kind == "mpls":
                _, l3 = untagged()
                return macs + struct.pack("!H", 0x8847) + stack + l3
            return macs + struct.pack("!H", 0x8847) + stack + b"\0\0\0\0" + frame
        if kind == "pppoe":
            t, l3 = untagged()
            ppp = struct.pack("!H", 0x0021 if t == ETH_IPV4 else 0x0057) + l3
            return macs + struct.pack("!HBBHH", 0x8864, 0x11, 0x00, int(args[0]), len(ppp)) + ppp
        raise SystemExit("encap.py: unknown step " + step)


def first_ip(frame):
    """(src, dst, proto-offset) of the first IP header after the MACs and any VLAN tags."""
    p = 12
    t = struct.unpack("!H", frame[p:p + 2])[0]
    while t in (0x8100, 0x88A8):
        p += 4
        t = struct.unpack("!H", frame[p:p + 2])[0]
    ip = frame[p + 2:]
    if t == ETH_IPV4 and len(ip) >= 20:
        return ipaddress.ip_address(ip[12:16]), ipaddress.ip_address(ip[16:20])
    if t == ETH_IPV6 and len(ip) >= 40:
        return ipaddress.ip_address(ip[8:24]), ipaddress.ip_address(ip[24:40])
    return None


def main():
    args = sys.argv[1:]
    only = args[0] == "--only"
    src_path, dst_path, *rules = args[1:] if only else args
    parsed = []
    for r in rules:
        net, steps = r.split("=", 1)
        parsed.append((ipaddress.ip_network(net), steps.split("+")))
    data = open(src_path, "rb").read()
    endian = {b"\xd4\xc3\xb2\xa1": "<", b"\xa1\xb2\xc3\xd4": ">",
              b"\x4d\x3c\xb2\xa1": "<", b"\xa1\xb2\x3c\x4d": ">"}[data[:4]]
    assert struct.unpack(endian + "I", data[20:24])[0] == 1, "Ethernet captures only"
    out = [data[:16] + struct.pack(endian + "I", 262144) + data[20:24]]
    w = Wrapper()
    off, wrapped = 24, 0
    while off + 16 <= len(data):
        ts, tsf, incl, orig = struct.unpack(endian + "IIII", data[off:off + 16])
        frame = data[off + 16:off + 16 + incl]
        off += 16 + incl
        assert incl == orig, "encap.py needs whole frames (snaplen 0)"
        ends = first_ip(frame)
        matched = False
        if ends:
            for net, steps in parsed:
                if ends[0] in net or ends[1] in net:
                    server = net.network_address + 1
                    to_server = ends[0] != server
                    a, b = sorted((ends[0].packed, ends[1].packed))
                    flow_hash = zlib.crc32(a + b)
                    k = 0  # outer IPv4 headers built so far for this frame
                    for s in steps:
                        frame = w.step(s, frame, k, to_server, flow_hash)
                        k += s.split(":")[0] not in ("vlan", "mpls", "mplspw", "pppoe")
                    wrapped += 1
                    matched = True
                    break
        if only and not matched:
            continue
        out.append(struct.pack(endian + "IIII", ts, tsf, len(frame), len(frame)) + frame)
    with open(dst_path, "wb") as f:
        f.write(b"".join(out))
    print("encap.py: %d frames wrapped, %d written" % (wrapped, len(out) - 1), file=sys.stderr)


if __name__ == "__main__":
    main()
