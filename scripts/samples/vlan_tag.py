#!/usr/bin/env python3
"""Insert 802.1Q / 802.1ad (QinQ) tags into the Ethernet frames of a classic pcap, chosen by the
frame's IPv4 addresses. This kernel has no 8021q module, no bridge VLAN filtering and no tc vlan
action, so no local path puts real tags on the wire; the TLS traffic inside stays exactly as the
real stacks sent it, only the link layer gets the tags a trunk port would add.

usage: vlan_tag.py IN.pcap OUT.pcap RULE...   RULE = a.b.c.d/NN=TAGS, TAGS e.g. 8100:100 or 88a8:300,8100:100
A frame is tagged when its IPv4 source or destination is inside the rule's prefix (first rule wins).
"""
import ipaddress, struct, sys

src, dst, *rules = sys.argv[1:]
parsed = []
for r in rules:
    net, tags = r.split("=")
    parsed.append((ipaddress.ip_network(net),
                   [(int(t.split(":")[0], 16), int(t.split(":")[1])) for t in tags.split(",")]))

with open(src, "rb") as f:
    data = f.read()
magic = data[:4]
endian = {b"\xd4\xc3\xb2\xa1": "<", b"\xa1\xb2\xc3\xd4": ">",
          b"\x4d\x3c\xb2\xa1": "<", b"\xa1\xb2\x3c\x4d": ">"}[magic]
linktype = struct.unpack(endian + "I", data[20:24])[0]
assert linktype == 1, "Ethernet captures only"
out = [data[:24]]
off = 24
while off + 16 <= len(data):
    ts, tsf, incl, orig = struct.unpack(endian + "IIII", data[off:off + 16])
    frame = data[off + 16:off + 16 + incl]
    off += 16 + incl
    tags = []
    if len(frame) >= 34 and frame[12:14] == b"\x08\x00":
        a, b = ipaddress.ip_address(frame[26:30]), ipaddress.ip_address(frame[30:34])
        for net, t in parsed:
            if a in net or b in net:
                tags = t
                break
    ins = b"".join(struct.pack("!HH", tpid, vid & 0x0FFF) for tpid, vid in tags)
    frame = frame[:12] + ins + frame[12:]
    n = 4 * len(tags)
    out.append(struct.pack(endian + "IIII", ts, tsf, incl + n, orig + n) + frame)
with open(dst, "wb") as f:
    f.write(b"".join(out))
