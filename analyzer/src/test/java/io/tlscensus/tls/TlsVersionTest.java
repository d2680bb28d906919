package io.tlscensus.tls;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TlsVersionTest {
    @Test
    void namesFollowWireshark() {
        assertEquals("SSLv2", TlsVersion.name(0x0002));
        assertEquals("SSLv3", TlsVersion.name(0x0300));
        assertEquals("TLSv1.0", TlsVersion.name(0x0301));
        assertEquals("TLSv1.1", TlsVersion.name(0x0302));
        assertEquals("TLSv1.2", TlsVersion.name(0x0303));
        assertEquals("TLSv1.3", TlsVersion.name(0x0304));
        assertEquals("TLSv1.3-draft23", TlsVersion.name(0x7f17));
        assertEquals("DTLSv1.2", TlsVersion.name(0xfefd));
        assertEquals("0x7e01", TlsVersion.name(0x7e01));
        assertEquals("0x0305", TlsVersion.name(0x0305));
        assertNull(TlsVersion.name(TlsVersion.NONE));
    }

    @Test
    void rankOrdersByWhatIsOfferedNotByNumber() {
        List<Integer> ascending = List.of(TlsVersion.NONE, 0x0305, 0x0002, 0x0300, 0x0301, 0x0302, 0x0303,
                0x7e01, 0x7e02, 0x7f0e, 0x7f12, 0x7f1c, 0x0304);
        for (int i = 1; i < ascending.size(); i++) {
            int lower = ascending.get(i - 1), higher = ascending.get(i);
            assertTrue(TlsVersion.rank(lower) < TlsVersion.rank(higher),
                    String.format("%04x should rank below %04x", lower, higher));
        }
    }

    @Test
    void draftsAndTheExperimentCountAsTls13() {
        assertEquals(5, TlsVersion.bucket(0x0304));
        assertEquals(5, TlsVersion.bucket(0x7f17));
        assertEquals(5, TlsVersion.bucket(0x7e01));
        assertEquals(0, TlsVersion.bucket(0x0002));
        assertEquals(4, TlsVersion.bucket(0x0303));
        assertEquals("DTLSv1.2", TlsVersion.BUCKETS[TlsVersion.bucket(0xfefd)]);
        assertEquals(TlsVersion.BUCKET_OTHER, TlsVersion.bucket(0x0305));
        assertEquals(TlsVersion.BUCKET_NONE, TlsVersion.bucket(TlsVersion.NONE));
        assertTrue(TlsVersion.isTls13Variant(0x7e01));
        assertFalse(TlsVersion.isTls13Draft(0x7e01));
    }

    @Test
    void greaseIsExactlyTheSixteenReservedValues() {
        int count = 0;
        for (int v = 0; v <= 0xffff; v++) {
            if (TlsVersion.isGrease(v)) {
                count++;
                assertEquals(0x0a0a, v & 0x0f0f);
                assertEquals(v >>> 8, v & 0xff);
            }
        }
        assertEquals(16, count);
        assertFalse(TlsVersion.isGrease(0x1a0a));
        assertFalse(TlsVersion.isGrease(0x0303));
    }

    @Test
    void clientMaxVersionRanksDraftsBelowFinalTls13() {
        assertEquals(0x0304, max(0x7f1c, 0x0304, 0x0303), "0x7f1c is numerically larger but older");
        assertEquals(0x7f17, max(0x0303, 0x7f17, 0x0302));
        assertEquals(0x7e01, max(0x0303, 0x7e01), "Chrome 63's experiment sits above TLS 1.2");
        assertEquals(0x0303, max(0x0303, 0x0305), "an unknown number does not beat a known version");
    }

    @Test
    void clientMaxVersionFallsBackToTheHelloVersion() {
        ConnectionRecord r = new ConnectionRecord();
        assertEquals(TlsVersion.NONE, r.clientMaxVersion());
        r.clientHelloVersion = 0x0301;
        assertEquals(0x0301, r.clientMaxVersion());
        r.clientHelloVersion = TlsVersion.SSL2;
        assertEquals(TlsVersion.SSL2, r.clientMaxVersion());
        r.clientSupportedVersions.add(0x0303);
        assertEquals(0x0303, r.clientMaxVersion(), "supported_versions overrides the legacy version");
    }

    private static int max(int... versions) {
        ConnectionRecord r = new ConnectionRecord();
        r.clientHelloVersion = 0x0303;
        for (int v : versions) r.clientSupportedVersions.add(v);
        return r.clientMaxVersion();
    }
}
