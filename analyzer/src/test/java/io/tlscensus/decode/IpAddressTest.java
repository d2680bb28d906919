package io.tlscensus.decode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IpAddressTest {
    /** hi/lo of an address given as eight groups, the form the decoder stores. */
    private static String format(String groups) {
        String[] g = groups.split(":");
        ByteBuffer b = ByteBuffer.allocate(16);
        for (String s : g) b.putShort((short) Integer.parseInt(s, 16));
        b.flip();
        return IpAddress.format(b.getLong(), b.getLong());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            // RFC 5952 4.2.1: the longest run of zero groups is compressed
            "2001:0db8:0000:0000:0000:0000:0002:0001, 2001:db8::2:1",
            // leading and trailing runs
            "0000:0000:0000:0000:0000:0000:0000:0001, ::1",
            "fe80:0000:0000:0000:0000:0000:0000:0000, fe80::",
            "0000:0000:0000:0000:0000:0000:0000:0000, ::",
            // 4.2.2: a single zero group is written 0, never ::
            "2001:0db8:0000:0001:0001:0001:0001:0001, 2001:db8:0:1:1:1:1:1",
            // 4.2.3: the longest run wins even when it comes second
            "2001:0000:0000:0001:0000:0000:0000:0001, 2001:0:0:1::1",
            // ... and of two equal runs the first is compressed
            "2001:0db8:0000:0000:0001:0000:0000:0001, 2001:db8::1:0:0:1",
            // 4.1: no leading zeros; 4.3: lowercase
            "2001:0DB8:00AB:0CDE:ABCD:EF01:0000:0001, 2001:db8:ab:cde:abcd:ef01:0:1",
            // runs at both ends: the longer (trailing) one is compressed
            "0000:0000:0001:0000:0000:0000:0000:0000, 0:0:1::",
            "0000:0000:0000:0001:0000:0000:0001:0000, ::1:0:0:1:0",
            // full address, no zeros
            "1111:2222:3333:4444:5555:6666:7777:8888, 1111:2222:3333:4444:5555:6666:7777:8888",
    })
    void ipv6FollowsRfc5952(String groups, String expected) {
        assertEquals(expected, format(groups));
    }

    @Test
    void ipv4MappedAddressesAreDotted() {
        assertEquals("192.0.2.1", IpAddress.format(0, 0x0000_ffff_c000_0201L));
        assertEquals("255.255.255.255", IpAddress.format(0, 0x0000_ffff_ffff_ffffL));
        assertEquals("0.0.0.0", IpAddress.format(0, 0x0000_ffff_0000_0000L));
        assertTrue(IpAddress.isIpv4(0, 0x0000_ffff_0a00_0001L));
    }

    @Test
    void nearMissesOfTheMappedPrefixStayIpv6() {
        // ::fffe:... and ::1:ffff:... are not IPv4-mapped
        assertFalse(IpAddress.isIpv4(0, 0x0000_fffe_c000_0201L));
        assertEquals("::fffe:c000:201", IpAddress.format(0, 0x0000_fffe_c000_0201L));
        assertFalse(IpAddress.isIpv4(1, 0x0000_ffff_c000_0201L));
        assertEquals("::1:0:ffff:c000:201", IpAddress.format(1, 0x0000_ffff_c000_0201L));
    }

    @Test
    void endpointBracketsIpv6Only() {
        assertEquals("[2001:db8::1]:443", IpAddress.endpoint("2001:db8::1", 443));
        assertEquals("[::1]:8443", IpAddress.endpoint("::1", 8443));
        assertEquals("192.0.2.1:443", IpAddress.endpoint("192.0.2.1", 443));
    }
}
