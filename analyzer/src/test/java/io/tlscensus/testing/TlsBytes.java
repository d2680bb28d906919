package io.tlscensus.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds TLS bytes for parser tests: records, handshake messages, ClientHello and ServerHello
 * bodies with the extensions the census reads, SSLv2 hellos and alerts. Lengths are computed
 * unless a test overrides them to lie.
 */
public final class TlsBytes {
    public static final int CHANGE_CIPHER_SPEC = 20;
    public static final int ALERT = 21;
    public static final int HANDSHAKE = 22;
    public static final int APPLICATION_DATA = 23;

    /** SHA-256("HelloRetryRequest"), RFC 8446 4.1.3. */
    public static final byte[] HRR_RANDOM = hex(
            "CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C");

    private TlsBytes() {
    }

    public static byte[] hex(String s) {
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        return b;
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    public static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] u16(int v) {
        return new byte[] {(byte) (v >>> 8), (byte) v};
    }

    static byte[] u24(int v) {
        return new byte[] {(byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    // ---------------------------------------------------------------- records

    public static byte[] record(int type, int version, byte[] body) {
        return concat(new byte[] {(byte) type}, u16(version), u16(body.length), body);
    }

    /** Handshake message: type, 24-bit length, body. */
    public static byte[] handshake(int type, byte[] body) {
        return concat(new byte[] {(byte) type}, u24(body.length), body);
    }

    /** Spreads handshake bytes over records whose payload sizes are given; the last takes the rest. */
    public static byte[] inRecords(int version, byte[] handshakeBytes, int... sizes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int p = 0;
        for (int size : sizes) {
            out.writeBytes(record(HANDSHAKE, version, Arrays.copyOfRange(handshakeBytes, p, p + size)));
            p += size;
        }
        out.writeBytes(record(HANDSHAKE, version, Arrays.copyOfRange(handshakeBytes, p, handshakeBytes.length)));
        return out.toByteArray();
    }

    public static byte[] alert(int version, int level, int description) {
        return record(ALERT, version, new byte[] {(byte) level, (byte) description});
    }

    public static byte[] changeCipherSpec(int version) {
        return record(CHANGE_CIPHER_SPEC, version, new byte[] {1});
    }

    public static byte[] applicationData(int version, int length) {
        byte[] body = new byte[length];
        Arrays.fill(body, (byte) 0x17);
        return record(APPLICATION_DATA, version, body);
    }

    // ---------------------------------------------------------------- ClientHello

    public static ClientHelloBuilder clientHello() {
        return new ClientHelloBuilder();
    }

    public static final class ClientHelloBuilder {
        private int version = 0x0303;
        private int recordVersion = 0x0301;
        private byte[] sessionId = new byte[32];
        private int[] cipherSuites = {0x1301, 0x1302, 0xc02f};
        private final ByteArrayOutputStream extensions = new ByteArrayOutputStream();
        private boolean withExtensions = true;

        public ClientHelloBuilder version(int v) {
            version = v;
            return this;
        }

        public ClientHelloBuilder recordVersion(int v) {
            recordVersion = v;
            return this;
        }

        public ClientHelloBuilder sessionId(byte[] id) {
            sessionId = id;
            return this;
        }

        public ClientHelloBuilder cipherSuites(int... suites) {
            cipherSuites = suites;
            return this;
        }

        /** No extensions block at all, as SSLv3 and early TLS clients sent. */
        public ClientHelloBuilder noExtensions() {
            withExtensions = false;
            return this;
        }

        public ClientHelloBuilder extension(int type, byte[] data) {
            extensions.writeBytes(u16(type));
            extensions.writeBytes(u16(data.length));
            extensions.writeBytes(data);
            return this;
        }

        public ClientHelloBuilder sni(String host) {
            byte[] name = host.getBytes(StandardCharsets.UTF_8);
            byte[] entry = concat(new byte[] {0}, u16(name.length), name);
            return extension(0, concat(u16(entry.length), entry));
        }

        public ClientHelloBuilder alpn(String... protocols) {
            ByteArrayOutputStream list = new ByteArrayOutputStream();
            for (String p : protocols) {
                byte[] b = p.getBytes(StandardCharsets.UTF_8);
                list.write(b.length);
                list.writeBytes(b);
            }
            return extension(16, concat(u16(list.size()), list.toByteArray()));
        }

        public ClientHelloBuilder supportedVersions(int... versions) {
            ByteArrayOutputStream list = new ByteArrayOutputStream();
            list.write(versions.length * 2);
            for (int v : versions) list.writeBytes(u16(v));
            return extension(43, list.toByteArray());
        }

        /** RFC 7685 padding extension, as browsers add to push a hello past 512 bytes. */
        public ClientHelloBuilder padding(int length) {
            return extension(21, new byte[length]);
        }

        public byte[] body() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(u16(version));
            byte[] random = new byte[32];
            for (int i = 0; i < 32; i++) random[i] = (byte) (0x40 + i);
            out.writeBytes(random);
            out.write(sessionId.length);
            out.writeBytes(sessionId);
            out.writeBytes(u16(cipherSuites.length * 2));
            for (int c : cipherSuites) out.writeBytes(u16(c));
            out.write(1);
            out.write(0);
            if (withExtensions) {
                out.writeBytes(u16(extensions.size()));
                out.writeBytes(extensions.toByteArray());
            }
            return out.toByteArray();
        }

        public byte[] message() {
            return handshake(1, body());
        }

        public byte[] record() {
            return TlsBytes.record(HANDSHAKE, recordVersion, message());
        }
    }

    // ---------------------------------------------------------------- ServerHello

    public static ServerHelloBuilder serverHello() {
        return new ServerHelloBuilder();
    }

    public static final class ServerHelloBuilder {
        private int version = 0x0303;
        private int recordVersion = 0x0303;
        private byte[] random = filled(32, 0x22);
        private byte[] sessionId = filled(32, 0x33);
        private boolean draftLayout;
        private int cipherSuite = 0xc02f;
        private final ByteArrayOutputStream extensions = new ByteArrayOutputStream();
        private boolean withExtensions;

        public ServerHelloBuilder version(int v) {
            version = v;
            return this;
        }

        public ServerHelloBuilder recordVersion(int v) {
            recordVersion = v;
            return this;
        }

        public ServerHelloBuilder sessionId(byte[] id) {
            sessionId = id;
            return this;
        }

        public ServerHelloBuilder cipherSuite(int c) {
            cipherSuite = c;
            return this;
        }

        public ServerHelloBuilder helloRetryRequest() {
            random = HRR_RANDOM.clone();
            return this;
        }

        /** TLS 1.3 drafts before 22: no session id and no compression method. */
        public ServerHelloBuilder draftLayout() {
            draftLayout = true;
            return this;
        }

        public ServerHelloBuilder extension(int type, byte[] data) {
            withExtensions = true;
            extensions.writeBytes(u16(type));
            extensions.writeBytes(u16(data.length));
            extensions.writeBytes(data);
            return this;
        }

        public ServerHelloBuilder selectedVersion(int v) {
            return extension(43, u16(v));
        }

        public byte[] body() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(u16(version));
            out.writeBytes(random);
            if (!draftLayout) {
                out.write(sessionId.length);
                out.writeBytes(sessionId);
            }
            out.writeBytes(u16(cipherSuite));
            if (!draftLayout) out.write(0);
            if (withExtensions) {
                out.writeBytes(u16(extensions.size()));
                out.writeBytes(extensions.toByteArray());
            }
            return out.toByteArray();
        }

        public byte[] message() {
            return handshake(2, body());
        }

        public byte[] record() {
            return TlsBytes.record(HANDSHAKE, recordVersion, message());
        }
    }

    // ---------------------------------------------------------------- SSLv2

    /**
     * SSLv2 CLIENT-HELLO with a two-byte header: version 0x0002 for SSLv2 itself, 0x0300/0x0301...
     * for the SSLv2-compatible hello of SSLv3/TLS clients.
     */
    public static byte[] sslv2ClientHello(int version) {
        byte[] cipherSpecs = hex("0100800700c0030080");
        byte[] challenge = filled(16, 0x99);
        byte[] body = concat(new byte[] {1}, u16(version), u16(cipherSpecs.length), u16(0), u16(challenge.length),
                cipherSpecs, challenge);
        return concat(u16(0x8000 | body.length), body);
    }

    /** SSLv2 SERVER-HELLO: type 4, session-id-hit, certificate type, version 0x0002, lengths. */
    public static byte[] sslv2ServerHello() {
        byte[] certificate = filled(20, 0x30);
        byte[] cipherSpecs = hex("010080");
        byte[] connectionId = filled(16, 0x44);
        byte[] body = concat(new byte[] {4, 0, 1}, u16(0x0002), u16(certificate.length), u16(cipherSpecs.length),
                u16(connectionId.length), certificate, cipherSpecs, connectionId);
        return concat(u16(0x8000 | body.length), body);
    }

    public static byte[] filled(int length, int value) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return b;
    }
}
