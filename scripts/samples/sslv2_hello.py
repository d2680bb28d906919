#!/usr/bin/env python3
"""Send one ClientHello in the SSLv2 record format (as old clients did for backward compatibility)
and read the real server's answer. No TLS stack on this machine still emits this format, so the
hello is built by hand; everything the server sends back is the server's own doing.

usage: sslv2_hello.py SRC_IP SERVER_IP PORT VERSION   (VERSION e.g. 0x0301, or 0x0002 for pure SSLv2)
Prints what came back: the ServerHello version, an alert, or a plain close.
"""
import os, socket, struct, sys

src, dst, port, version = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4], 0)

# SSLv2 cipher specs are 3 bytes; TLS suites are carried as 0x00 + the 2-byte suite.
specs = [
    0x010080,  # SSL_CK_RC4_128_WITH_MD5 (SSLv2 only: a server speaking TLS must ignore it)
    0x00002F,  # TLS_RSA_WITH_AES_128_CBC_SHA
    0x000035,  # TLS_RSA_WITH_AES_256_CBC_SHA
    0x00000A,  # TLS_RSA_WITH_3DES_EDE_CBC_SHA
    0x0000FF,  # TLS_EMPTY_RENEGOTIATION_INFO_SCSV
]
cipher_specs = b"".join(s.to_bytes(3, "big") for s in specs)
challenge = os.urandom(32)
body = struct.pack("!BHHHH", 1, version, len(cipher_specs), 0, len(challenge)) + cipher_specs + challenge
record = struct.pack("!H", 0x8000 | len(body)) + body  # 2-byte header, no padding

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind((src, 0))
s.settimeout(5)
s.connect((dst, port))
s.sendall(record)

buf = b""
answer = "closed without answer"
try:
    while True:
        # Stop as soon as the server's first flight is complete (ServerHelloDone) or it alerts.
        while len(buf) >= 5:
            ctype, rver, rlen = struct.unpack("!BHH", buf[:5])
            if len(buf) < 5 + rlen:
                break
            frag, buf = buf[5:5 + rlen], buf[5 + rlen:]
            if ctype == 21:
                answer = f"alert level={frag[0]} desc={frag[1]}"
                raise StopIteration
            if ctype == 22:
                i = 0
                while i + 4 <= len(frag):
                    htype = frag[i]; hlen = int.from_bytes(frag[i + 1:i + 4], "big")
                    if htype == 2:
                        answer = "ServerHello version 0x%04x" % int.from_bytes(frag[i + 4:i + 6], "big")
                    if htype == 14:
                        raise StopIteration
                    i += 4 + hlen
        data = s.recv(65536)
        if not data:
            raise StopIteration
        buf += data
except (StopIteration, socket.timeout, ConnectionResetError):
    pass
s.close()
print(answer)
