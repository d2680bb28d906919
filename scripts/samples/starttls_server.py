#!/usr/bin/env python3
"""A tiny multi-protocol server that speaks just enough of each plaintext protocol for a client to
upgrade the connection to TLS (openssl s_client -starttls PROTO), then does the TLS handshake with
Python's ssl module (the system OpenSSL: a real TLS stack). Also an HTTP CONNECT proxy, a SOCKS5 and a
SOCKS4a proxy that relay to a real TLS server (curl -x / --socks5-hostname / --socks4a).

usage: starttls_server.py CERT KEY BIND_ADDR [NAME=ADDR ...]
  Listens on BIND_ADDR on every port in PORTS below. NAME=ADDR maps host names the proxies are asked
  for to addresses (the namespaces have no DNS). Runs until killed; one thread per connection.
Nothing here is a complete implementation of any protocol: only the exchange up to the upgrade.
"""
import socket, ssl, struct, sys, threading

cert, key, bind_addr, *maps = sys.argv[1:]
NAMES = dict(m.split("=", 1) for m in maps)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)


class Conn:
    def __init__(self, s):
        self.s, self.buf = s, b""

    def line(self):
        while b"\n" not in self.buf:
            d = self.s.recv(4096)
            if not d:
                raise EOFError
            self.buf += d
        l, self.buf = self.buf.split(b"\n", 1)
        return l.rstrip(b"\r").decode("latin-1")

    def exact(self, n):
        while len(self.buf) < n:
            d = self.s.recv(n - len(self.buf))  # never more: TLS may follow at once (MySQL)
            if not d:
                raise EOFError
            self.buf += d
        r, self.buf = self.buf[:n], self.buf[n:]
        return r

    def until(self, token):
        while token not in self.buf:
            d = self.s.recv(4096)
            if not d:
                raise EOFError
            self.buf += d
        i = self.buf.index(token) + len(token)
        r, self.buf = self.buf[:i], self.buf[i:]
        return r

    def send(self, text):
        self.s.sendall(text.encode() if isinstance(text, str) else text)


def crlf(*lines):
    return "".join(l + "\r\n" for l in lines)


def smtp(c, hello="EHLO"):
    c.send(crlf("220 mail.example.test ESMTP tlscensus"))
    while True:
        cmd = c.line().upper()
        if cmd.startswith(hello):
            c.send(crlf("250-mail.example.test", "250-PIPELINING", "250-8BITMIME", "250 STARTTLS"))
        elif cmd == "STARTTLS":
            c.send(crlf("220 2.0.0 Ready to start TLS"))
            return
        else:
            c.send(crlf("502 5.5.2 not here"))


def lmtp(c):
    smtp(c, "LHLO")


def pop3(c):
    c.send(crlf("+OK POP3 tlscensus ready"))
    while True:
        cmd = c.line().upper()
        if cmd == "CAPA":
            c.send(crlf("+OK", "STLS", "."))
        elif cmd == "STLS":
            c.send(crlf("+OK Begin TLS negotiation"))
            return
        else:
            c.send(crlf("-ERR not here"))


def imap(c):
    c.send(crlf("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] tlscensus ready"))
    while True:
        tag, _, cmd = c.line().partition(" ")
        if cmd.upper() == "CAPABILITY":
            c.send(crlf("* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED", tag + " OK CAPABILITY completed"))
        elif cmd.upper() == "STARTTLS":
            c.send(crlf(tag + " OK Begin TLS negotiation now"))
            return
        else:
            c.send(crlf(tag + " BAD not here"))


def ftp(c):
    c.send(crlf("220-tlscensus FTP", "220 ready"))
    while True:
        cmd = c.line().upper()
        if cmd in ("AUTH TLS", "AUTH SSL"):
            c.send(crlf("234 AUTH TLS successful"))
            return
        c.send(crlf("530 Please login with USER and PASS"))


def nntp(c):
    c.send(crlf("200 tlscensus NNTP ready"))
    while True:
        cmd = c.line().upper()
        if cmd == "CAPABILITIES":
            c.send(crlf("101 Capability list:", "VERSION 2", "READER", "STARTTLS", "."))
        elif cmd == "STARTTLS":
            c.send(crlf("382 Continue with TLS negotiation"))
            return
        else:
            c.send(crlf("500 not here"))


def sieve(c):
    c.send(crlf('"IMPLEMENTATION" "tlscensus"', '"SIEVE" "fileinto"', '"STARTTLS"', '"VERSION" "1.0"', "OK"))
    while True:
        cmd = c.line().upper()
        if cmd == "STARTTLS":
            c.send(crlf('OK "Begin TLS negotiation now"'))
            return
        c.send(crlf('NO "not here"'))


def irc(c):
    while True:
        cmd = c.line().upper()
        if cmd == "STARTTLS":
            c.send(crlf(":irc.example.test 670 * :STARTTLS successful, proceed with TLS handshake"))
            return
        c.send(crlf(":irc.example.test 421 * :Unknown command"))


def xmpp(c):
    c.until(b"<stream:stream")
    c.until(b">")
    c.send("<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
           "xmlns:stream='http://etherx.jabber.org/streams' id='tlscensus1' from='xmpp.example.test' "
           "version='1.0'><stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'>"
           "<required/></starttls></stream:features>")
    c.until(b"<starttls")
    c.until(b">")
    c.send("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")


def postgres(c):
    length, code = struct.unpack("!II", c.exact(8))
    assert length == 8 and code == 80877103, "not an SSLRequest"
    c.send(b"S")


def mysql(c):
    caps = 0x0001 | 0x0200 | 0x0800 | 0x8000  # LONG_PASSWORD, PROTOCOL_41, SSL, SECURE_CONNECTION
    salt = b"tlscensus-salt-20b!!"
    body = (b"\x0a" + b"8.0.0-tlscensus\0" + struct.pack("<I", 7) + salt[:8] + b"\0" + struct.pack("<H", caps)
            + bytes([0x21]) + struct.pack("<H", 2) + struct.pack("<H", 0x0008) + bytes([21]) + b"\0" * 10
            + salt[8:] + b"\0" + b"mysql_native_password\0")
    c.send(struct.pack("<I", len(body))[:3] + b"\x00" + body)
    n = struct.unpack("<I", c.exact(4)[:3] + b"\0")[0]  # SSL request: 32 bytes, sequence 1
    c.exact(n)


def ldap(c):
    # LDAPMessage ::= SEQUENCE { messageID, extendedReq [APPLICATION 23] { requestName [0] OID } }
    t, l = c.exact(2)
    req = c.exact(l)
    assert t == 0x30 and b"1.3.6.1.4.1.1466.20037" in req, "not a StartTLS extended request"
    msgid = req[2:2 + req[1]]
    oid = b"1.3.6.1.4.1.1466.20037"
    # ExtendedResponse [APPLICATION 24] { resultCode success, matchedDN "", diagnosticMessage "",
    #                                     responseName [10] OID }
    resp = b"\x0a\x01\x00" + b"\x04\x00" + b"\x04\x00" + bytes([0x8a, len(oid)]) + oid
    inner = bytes([0x02, len(msgid)]) + msgid + bytes([0x78, len(resp)]) + resp
    c.send(bytes([0x30, len(inner)]) + inner)


def relay(a, b):
    def pump(x, y):
        try:
            while True:
                d = x.recv(65536)
                if not d:
                    break
                y.sendall(d)
        except OSError:
            pass
        for s in (x, y):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
    t = threading.Thread(target=pump, args=(b, a), daemon=True)
    t.start()
    pump(a, b)
    t.join()


def http_connect(c):
    req = c.until(b"\r\n\r\n").decode("latin-1")
    method, target, _ = req.split("\r\n")[0].split(" ")
    assert method == "CONNECT"
    host, port = target.rsplit(":", 1)
    up = socket.create_connection((NAMES.get(host, host), int(port)))
    c.send("HTTP/1.1 200 Connection established\r\n\r\n")
    relay(c.s, up)
    return "relayed"


def socks5(c):
    ver, n = c.exact(2)
    c.exact(n)
    c.send(b"\x05\x00")  # no authentication
    ver, cmd, _, atyp = c.exact(4)
    assert ver == 5 and cmd == 1
    if atyp == 1:
        host = socket.inet_ntoa(c.exact(4))
    elif atyp == 3:
        host = c.exact(c.exact(1)[0]).decode()
    else:
        host = socket.inet_ntop(socket.AF_INET6, c.exact(16))
    port = struct.unpack("!H", c.exact(2))[0]
    up = socket.create_connection((NAMES.get(host, host), port))
    bound = up.getsockname()
    c.send(b"\x05\x00\x00\x01" + socket.inet_aton(bound[0]) + struct.pack("!H", bound[1]))
    relay(c.s, up)
    return "relayed"


def socks4(c):
    ver, cmd = c.exact(2)
    assert ver == 4 and cmd == 1
    port = struct.unpack("!H", c.exact(2))[0]
    ip = c.exact(4)
    c.until(b"\0")  # user id
    host = socket.inet_ntoa(ip)
    if ip[:3] == b"\0\0\0" and ip[3]:  # SOCKS4a: the name follows
        host = c.until(b"\0")[:-1].decode()
    up = socket.create_connection((NAMES.get(host, host), port))
    c.send(b"\x00\x5a" + struct.pack("!H", port) + ip)
    relay(c.s, up)
    return "relayed"


PORTS = {21: ftp, 24: lmtp, 25: smtp, 110: pop3, 119: nntp, 143: imap, 389: ldap, 3306: mysql,
         4190: sieve, 5222: xmpp, 5432: postgres, 6667: irc, 3128: http_connect, 1080: socks5, 1081: socks4}


def handle(sock, proto):
    c = Conn(sock)
    try:
        if proto(c) == "relayed":
            return
        assert not c.buf, "client sent data before the upgrade was answered"
        tls = ctx.wrap_socket(sock, server_side=True)
        try:
            while tls.recv(4096):
                pass
        except (ssl.SSLError, OSError):
            pass
        try:
            tls.unwrap()
        except (ssl.SSLError, OSError, ValueError):
            pass
    except Exception as e:  # one failed dialogue must not stop the server; the log says why
        print("%s: %r" % (proto.__name__, e), file=sys.stderr, flush=True)
    finally:
        sock.close()


def serve(port, proto):
    ls = socket.socket(socket.AF_INET6 if ":" in bind_addr else socket.AF_INET)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((bind_addr, port))
    ls.listen(16)
    while True:
        s, _ = ls.accept()
        threading.Thread(target=handle, args=(s, proto), daemon=True).start()


for port, proto in PORTS.items():
    threading.Thread(target=serve, args=(port, proto), daemon=True).start()
print("listening", flush=True)
threading.Event().wait()
