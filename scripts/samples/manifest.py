#!/usr/bin/env python3
"""Write capture-samples/manifest.jsonl from the plan make-samples recorded while it made each
connection, after checking every capture against tshark (tshark_oracle.py) when one is given.

usage: manifest.py FILES.tsv EXPECT.tsv OUTDIR ORACLE|none
A capture whose handshakes differ from the plan is an error: the manifest must be exactly right.
"""
import collections, json, os, subprocess, sys

files_tsv, expect_tsv, outdir, oracle = sys.argv[1:5]
NAMES = {2: "SSLv2", 0x300: "SSLv3", 0x301: "TLSv1.0", 0x302: "TLSv1.1", 0x303: "TLSv1.2", 0x304: "TLSv1.3",
         0xFEFF: "DTLSv1.0", 0xFEFD: "DTLSv1.2", 0xFEFC: "DTLSv1.3"}

def rows(path):
    with open(path) as f:
        return [l.rstrip("\n").split("\t") for l in f if l.strip()]

plan = collections.defaultdict(list)
for file, client, server, port, sni, cmax, neg, tool, args, note, transport, vlan, tunnel in rows(expect_tsv):
    c = {"client": client, "server": server, "server_port": int(port), "sni": None if sni == "-" else sni,
         "client_max_version": cmax, "negotiated_version": None if neg == "null" else neg,
         "transport": transport, "vlan": None if vlan == "-" else int(vlan),
         "tunnel_id": None if tunnel == "-" else int(tunnel),
         "client_tool": tool, "client_args": args}
    if note != "-":
        c["client_saw"] = note
    plan[file].append(c)

def key(c):
    return (c["client"], c["server"], c["server_port"], c["sni"], c["client_max_version"], c["negotiated_version"],
            c["transport"], c["vlan"], c["tunnel_id"])

# tshark fields of the outer layers: the record's vlan is the first 802.1Q/802.1ad tag met walking
# inward, its tunnel_id the first GRE key, ERSPAN session id or VXLAN/Geneve VNI met.
OUTER = {"vlan": "vlan.id", "ieee8021ad": "ieee8021ad.id", "gre": "gre.key", "erspan": "erspan.spanid",
         "vxlan": "vxlan.vni", "geneve": "geneve.vni"}

def outer_layers(path, tshark_args):
    """(transport, stream) -> (client, server, vlan, tunnel_id) from the first ClientHello frame as
    tshark decodes it. client/server are the innermost IP header's: tshark_oracle.py takes the last
    ip.src, or ipv6.src only when there is no ip.src, which is the outer address for 6in4."""
    fields = ["frame.protocols", "tcp.stream", "udp.stream", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst",
              "dtls.handshake.extensions_server_name", "dtls.handshake.version"] + \
        list(OUTER.values())
    cmd = ["tshark", "-n", "-r", path, "-Y", "tls.handshake.type==1 || dtls.handshake.type==1", "-T", "fields",
           "-E", "occurrence=a", "-E", "aggregator=|"] + tshark_args
    for f in fields:
        cmd += ["-e", f]
    res = {}
    for line in subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines():
        v = dict(zip(fields, line.split("\t")))
        protos = v["frame.protocols"].split(":")
        inner6 = "ipv6" in protos and ("ip" not in protos or
                                       len(protos) - protos[::-1].index("ipv6") > len(protos) - protos[::-1].index("ip"))
        fam = "ipv6" if inner6 else "ip"
        src, dst = v[fam + ".src"].split("|")[-1], v[fam + ".dst"].split("|")[-1]
        key = ("tcp", int(v["tcp.stream"])) if v["tcp.stream"] else ("udp", int(v["udp.stream"].split("|")[-1]))
        vals = {p: [int(x, 0) for x in v[f].split("|") if x] for p, f in OUTER.items()}
        vlan = tunnel = None
        for p in protos:
            if p in ("vlan", "ieee8021ad") and vlan is None and vals[p]:
                vlan = vals[p][0]
            if p in ("gre", "erspan", "vxlan", "geneve") and tunnel is None and vals[p]:
                tunnel = vals[p][0]
        # tshark_oracle.py reads only the TLS SNI field; DTLS has its own. And a ClientHello split
        # into DTLS handshake fragments is parsed only in the frame that completes it: take SNI and
        # version from the first ClientHello frame that has them.
        dtls_sni = v["dtls.handshake.extensions_server_name"].split("|")[0] or None
        dtls_ver = int(v["dtls.handshake.version"].split("|")[0], 0) if v["dtls.handshake.version"] else None
        if key not in res:
            res[key] = [src, dst, vlan, tunnel, dtls_sni, dtls_ver]
        elif res[key][5] is None and dtls_ver is not None:
            res[key][4:6] = [dtls_sni, dtls_ver]
    return res

def verify(path, conns, tshark_args):
    out = subprocess.run([sys.executable, oracle, path] + tshark_args, capture_output=True, text=True,
                         check=True).stdout
    got = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
    outers = outer_layers(path, tshark_args)
    seen = []
    for g in got:
        kind = "tcp" if g.get("transport") == "tcp" else "udp"
        client, server, vlan, tunnel, dtls_sni, dtls_ver = outers.get(
            (kind, g.get("stream")), (g.get("client"), g.get("server"), None, None, None, None))
        g["client"], g["server"] = client, server
        sni, cmax = g.get("sni"), g.get("client_max_version")
        if g.get("transport") == "udp":
            sni = dtls_sni
            if cmax is None:  # the oracle looked at a fragment of the ClientHello
                cmax = dtls_ver
        seen.append((client, server, g.get("server_port"), sni, NAMES.get(cmax, cmax),
                     NAMES.get(g.get("negotiated_version")), g.get("transport"), vlan, tunnel))
    want, have = collections.Counter(map(key, conns)), collections.Counter(seen)
    if want != have:
        sys.exit(f"manifest.py: {os.path.basename(path)} does not match the plan\n"
                 f"  planned, not seen: {sorted(want - have, key=str)}\n  seen, not planned: {sorted(have - want, key=str)}")
    # How many TCP segments each ClientHello took (tshark reassembly), keyed by client address.
    seg = subprocess.run(["tshark", "-n", "-r", path, "-Y", "tls.handshake.type==1", "-T", "fields",
                          "-e", "tcp.stream", "-e", "tcp.segment.count"] + tshark_args,
                         capture_output=True, text=True).stdout
    segs = {}
    for line in seg.splitlines():
        s, n = (line.split("\t") + [""])[:2]
        segs.setdefault(int(s), int(n.split(",")[0]) if n else 1)
    by_client = {g["client"]: segs.get(g["stream"]) for g in got if g.get("transport") == "tcp"}
    for c in conns:
        c["client_hello_segments"] = by_client.get(c["client"])

tshark_version = subprocess.run(["tshark", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
lines = []
for file, fmt, links, desc, how, tshark_args in rows(files_tsv):
    conns = plan.get(file, [])
    path = os.path.join(outdir, file)
    tshark_args = [] if tshark_args == "-" else tshark_args.split()
    verified = None
    if oracle != "none":
        verify(path, conns, tshark_args)
        verified = f"{tshark_version}, via tshark_oracle.py" + (f" with {' '.join(tshark_args)}" if tshark_args else "")
    count = lambda f: dict(sorted(collections.Counter(
        "null" if c[f] is None else str(c[f]) for c in conns).items()))
    lines.append({
        "file": file, "is_capture": True, "format": fmt, "link_types": links.split(","),
        "description": desc, "how_made": how,
        "tls_connections": len(conns),
        "counts": {"negotiated_version": count("negotiated_version"),
                   "client_max_version": count("client_max_version"),
                   "client": count("client"), "server_port": count("server_port")},
        "connections": conns, "verified_with": verified,
    })
lines.append({"file": "README.md", "is_capture": False, "format": "text",
              "description": "Human notes on the samples; not a capture (a reader must reject it cleanly).",
              "tls_connections": 0, "connections": []})
with open(os.path.join(outdir, "manifest.jsonl"), "w") as f:
    for l in lines:
        f.write(json.dumps(l, sort_keys=False) + "\n")
# README: fixed prose from scripts/samples/README.head.md plus a table made from the manifest.
head = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "README.head.md")).read()
table = ["| file | format | link types | TLS | negotiated | client max | description |",
         "| --- | --- | --- | --- | --- | --- | --- |"]
fmtc = lambda d: ", ".join(f"{k} {v}" for k, v in d.items()) or "-"
for l in lines:
    if l["is_capture"]:
        table.append(f'| {l["file"]} | {l["format"]} | {", ".join(l["link_types"])} | {l["tls_connections"]} | '
                     f'{fmtc(l["counts"]["negotiated_version"])} | {fmtc(l["counts"]["client_max_version"])} | {l["description"]} |')
with open(os.path.join(outdir, "README.md"), "w") as f:
    f.write(head + "\n" + "\n".join(table) + "\n")
for l in lines:
    print(f'{l["file"]:28} {l["tls_connections"]:3} TLS  {l.get("counts", {}).get("negotiated_version", {})}')
