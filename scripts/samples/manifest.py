#!/usr/bin/env python3
"""Write capture-samples/manifest.jsonl from the plan make-samples recorded while it made each
connection, after checking every capture against tshark (tshark_oracle.py) when one is given.

usage: manifest.py FILES.tsv EXPECT.tsv OUTDIR ORACLE|none
A capture whose handshakes differ from the plan is an error: the manifest must be exactly right.
"""
import collections, json, os, subprocess, sys

files_tsv, expect_tsv, outdir, oracle = sys.argv[1:5]
NAMES = {2: "SSLv2", 0x300: "SSLv3", 0x301: "TLSv1.0", 0x302: "TLSv1.1", 0x303: "TLSv1.2", 0x304: "TLSv1.3"}

def rows(path):
    with open(path) as f:
        return [l.rstrip("\n").split("\t") for l in f if l.strip()]

plan = collections.defaultdict(list)
for file, client, server, port, sni, cmax, neg, tool, args, note in rows(expect_tsv):
    c = {"client": client, "server": server, "server_port": int(port), "sni": None if sni == "-" else sni,
         "client_max_version": cmax, "negotiated_version": None if neg == "null" else neg,
         "client_tool": tool, "client_args": args}
    if note != "-":
        c["client_saw"] = note
    plan[file].append(c)

def key(c):
    return (c["client"], c["server"], c["server_port"], c["sni"], c["client_max_version"], c["negotiated_version"])

def verify(path, conns):
    out = subprocess.run([sys.executable, oracle, path], capture_output=True, text=True, check=True).stdout
    got = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
    seen = []
    for g in got:
        seen.append((g.get("client"), g.get("server"), g.get("server_port"), g.get("sni"),
                     NAMES.get(g.get("client_max_version"), g.get("client_max_version")),
                     NAMES.get(g.get("negotiated_version"))))
    want, have = collections.Counter(map(key, conns)), collections.Counter(seen)
    if want != have:
        sys.exit(f"manifest.py: {os.path.basename(path)} does not match the plan\n"
                 f"  planned, not seen: {sorted(want - have, key=str)}\n  seen, not planned: {sorted(have - want, key=str)}")
    # How many TCP segments each ClientHello took (tshark reassembly), keyed by client address.
    seg = subprocess.run(["tshark", "-n", "-r", path, "-Y", "tls.handshake.type==1", "-T", "fields",
                          "-e", "tcp.stream", "-e", "tcp.segment.count"], capture_output=True, text=True).stdout
    segs = {}
    for line in seg.splitlines():
        s, n = (line.split("\t") + [""])[:2]
        segs.setdefault(int(s), int(n.split(",")[0]) if n else 1)
    by_client = {g["client"]: segs.get(g["stream"]) for g in got}
    for c in conns:
        c["client_hello_segments"] = by_client.get(c["client"])

tshark_version = subprocess.run(["tshark", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
lines = []
for file, fmt, links, desc, how in rows(files_tsv):
    conns = plan.get(file, [])
    path = os.path.join(outdir, file)
    verified = None
    if oracle != "none":
        verify(path, conns)
        verified = f"{tshark_version}, via tshark_oracle.py"
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
