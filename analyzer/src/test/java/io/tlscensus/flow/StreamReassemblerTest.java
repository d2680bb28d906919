package io.tlscensus.flow;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamReassemblerTest {
    /** Feeds a segment from the middle of a larger buffer: accept() takes absolute offsets. */
    private static void feed(StreamReassembler r, int seq, String data) {
        byte[] bytes = data.getBytes(StandardCharsets.ISO_8859_1);
        byte[] buffer = new byte[bytes.length + 20];
        Arrays.fill(buffer, (byte) '#');
        System.arraycopy(bytes, 0, buffer, 11, bytes.length);
        r.accept(seq, ByteBuffer.wrap(buffer), 11, bytes.length);
    }

    private static String held(StreamReassembler r) {
        return new String(r.array(), r.start(), r.available(), StandardCharsets.ISO_8859_1);
    }

    /** Found by fuzzing (EngineFuzzTest#packetSequence): rel == Integer.MIN_VALUE negates to itself. */
    @Test
    void segmentExactly2To31BehindIsIgnoredNotTakenForAnOverlap() {
        StreamReassembler r = new StreamReassembler(1024);
        r.synSeen(999);
        feed(r, 1000, "abc");
        feed(r, 1003 + Integer.MIN_VALUE, "conflicting bytes"); // threw IndexOutOfBoundsException
        assertEquals("abc", held(r));
        StreamReassembler noSyn = new StreamReassembler(1024);
        feed(noSyn, 5000, "abc");
        feed(noSyn, 5000 + Integer.MIN_VALUE, "xyz"); // also not a late first segment
        assertEquals("abc", held(noSyn));
        assertFalse(noSyn.overflowed());
    }

    @Test
    void inOrderSegmentsAreJoinedAfterTheSyn() {
        StreamReassembler r = new StreamReassembler(1024);
        r.synSeen(999); // the SYN takes one sequence number: data starts at 1000
        feed(r, 1000, "abc");
        feed(r, 1003, "def");
        assertEquals("abcdef", held(r));
        assertEquals(0, r.position());
        assertFalse(r.overflowed());
    }

    @Test
    void outOfOrderSegmentsWaitForTheHole() {
        StreamReassembler r = new StreamReassembler(1024);
        r.synSeen(99);
        feed(r, 108, "CCCC");
        assertEquals("", held(r), "segment 3 waits behind the hole");
        feed(r, 100, "AAAA");
        assertEquals("AAAA", held(r), "segment 1 delivered; 3 still waits for 2");
        feed(r, 104, "BBBB");
        assertEquals("AAAABBBBCCCC", held(r));
    }

    @Test
    void segmentsAheadAreDeliveredWhateverOrderTheyArrivedIn() {
        StreamReassembler r = new StreamReassembler(1024);
        r.synSeen(-1);
        feed(r, 12, "4444");
        feed(r, 4, "2222");
        feed(r, 8, "3333");
        assertEquals("", held(r));
        feed(r, 0, "1111");
        assertEquals("1111222233334444", held(r));
    }

    @Test
    void retransmittedBytesAlreadyHeldAreNotRewritten() {
        StreamReassembler r = new StreamReassembler(1024);
        r.synSeen(99);
        feed(r, 100, "hello");
        // a retransmission that overlaps with different content and extends the stream:
        // the first copy of bytes 100..104 wins, only the new tail is taken
        feed(r, 100, "HELLO world");
        assertEquals("hello world", held(r));
        // wholly old data is ignored
        feed(r, 102, "XYZ");
        assertEquals("hello world", held(r));
    }

    @Test
    void retransmissionOfASegmentHeldAheadKeepsTheFirstCopy() {
        StreamReassembler r = new StreamReassembler(1024);
        r.synSeen(99);
        feed(r, 104, "1111");
        feed(r, 104, "2222"); // same place, conflicting bytes
        feed(r, 100, "abcd");
        assertEquals("abcd1111", held(r));
    }

    @Test
    void longerRetransmissionOfAHeldSegmentOnlyAddsItsTail() {
        StreamReassembler r = new StreamReassembler(1024);
        r.synSeen(99);
        feed(r, 104, "1111");
        feed(r, 104, "22223333");
        feed(r, 100, "abcd");
        assertEquals("abcd11113333", held(r));
    }

    @Test
    void consumedBytesAreNotDeliveredAgainByARetransmission() {
        StreamReassembler r = new StreamReassembler(1024);
        r.synSeen(99);
        feed(r, 100, "abcdef");
        r.skip(4);
        assertEquals("ef", held(r));
        assertEquals(4, r.position());
        feed(r, 100, "abcdefgh");
        assertEquals("efgh", held(r));
    }

    @Test
    void sequenceNumbersWrapAround() {
        StreamReassembler r = new StreamReassembler(1024);
        r.synSeen(0xfffffffc); // data from 0xfffffffd
        feed(r, 3, "efg");                 // after the wrap, ahead of a hole
        feed(r, 0xfffffffd, "abcd");       // 0xfffffffd, 0xfffffffe, 0xffffffff, 0
        feed(r, 1, "XY");                  // 1, 2: fills the hole
        assertEquals("abcdXYefg", held(r));
        feed(r, 0xffffffff, "zzzzzzzzzz"); // retransmission across the wrap: only bytes 6..8 are new
        assertEquals("abcdXYefgzzz", held(r));
    }

    @Test
    void withoutSynTheFirstSegmentSeenStartsTheStream() {
        StreamReassembler r = new StreamReassembler(1024);
        feed(r, 0x7ffffffe, "mid");
        feed(r, 0x80000001, "dle");
        assertEquals("middle", held(r));
    }

    @Test
    void aLateFirstSegmentWithoutSynIsPrepended() {
        // capture started after the SYN and the first data segment was overtaken by the second
        StreamReassembler r = new StreamReassembler(1024);
        feed(r, 500, "world");
        feed(r, 495, "hello");
        assertEquals("helloworld", held(r));
        feed(r, 505, "!");
        assertEquals("helloworld!", held(r));
    }

    @Test
    void aPrependedSegmentOverlappingWhatIsHeldLosesTheOverlap() {
        StreamReassembler r = new StreamReassembler(1024);
        feed(r, 500, "world");
        feed(r, 497, "llOWO"); // 497..501: bytes 500, 501 are already held as "wo"
        assertEquals("llOworld", held(r));
    }

    @Test
    void aLateSegmentThatLeavesAHoleBeforeTheStreamIsNotPrepended() {
        StreamReassembler r = new StreamReassembler(1024);
        feed(r, 500, "world");
        feed(r, 490, "ab"); // 490..491; 492..499 still missing: not contiguous with what is held
        assertEquals("world", held(r));
    }

    @Test
    void nothingIsPrependedOnceTheReaderHasConsumedBytes() {
        StreamReassembler r = new StreamReassembler(1024);
        feed(r, 500, "world");
        r.skip(1);
        feed(r, 495, "hello");
        assertEquals("orld", held(r), "the reader has moved on; stream offsets must not shift under it");
        assertEquals(1, r.position());
    }

    @Test
    void skipBeyondWhatIsHeldDropsFutureBytesAsTheyArrive() {
        StreamReassembler r = new StreamReassembler(1024);
        r.synSeen(99);
        feed(r, 100, "abcd");
        r.skip(10); // e.g. a record body of which only 4 bytes have arrived
        assertEquals(0, r.available());
        assertEquals(4, r.position());
        feed(r, 104, "efgh");
        assertEquals(0, r.available());
        assertEquals(8, r.position());
        feed(r, 108, "ijKLMN");
        assertEquals("KLMN", held(r), "the two skipped bytes are dropped, the rest is the next record");
        assertEquals(10, r.position());
    }

    @Test
    void skipAlsoAppliesToSegmentsHeldAhead() {
        StreamReassembler r = new StreamReassembler(1024);
        r.synSeen(99);
        feed(r, 100, "ab");
        feed(r, 106, "ghij"); // held ahead of the hole 102..105
        r.skip(6);           // through byte 105
        feed(r, 102, "cdef");
        assertEquals("ghij", held(r));
        assertEquals(6, r.position());
    }

    @Test
    void exceedingTheLimitInOrderOverflows() {
        StreamReassembler r = new StreamReassembler(16);
        r.synSeen(0);
        feed(r, 1, "0123456789");
        assertFalse(r.overflowed());
        feed(r, 11, "0123456789");
        assertTrue(r.overflowed());
        assertEquals("0123456789", held(r), "what was held stays readable; the overflowing segment is not added");
        feed(r, 11, "ab");
        assertEquals("0123456789", held(r), "an overflowed direction takes nothing more");
    }

    @Test
    void bytesHeldAheadCountTowardsTheLimit() {
        StreamReassembler r = new StreamReassembler(16);
        r.synSeen(0);
        feed(r, 11, "0123456789");
        assertFalse(r.overflowed());
        feed(r, 1, "abcdefghij");
        assertTrue(r.overflowed());
    }

    @Test
    void consumingBytesMakesRoomUnderTheLimit() {
        StreamReassembler r = new StreamReassembler(16);
        r.synSeen(0);
        StringBuilder all = new StringBuilder();
        int seq = 1;
        for (int i = 0; i < 100; i++) {
            String chunk = "chunk" + (char) ('a' + i % 26) + "xyz"; // 9 bytes
            feed(r, seq, chunk);
            seq += chunk.length();
            all.append(held(r));
            r.skip(r.available());
        }
        assertFalse(r.overflowed(), "only 9 bytes are held at any time");
        assertEquals(900, all.length());
        assertEquals(900, r.position());
    }

    @Test
    void tooManySegmentsAheadOverflow() {
        StreamReassembler r = new StreamReassembler(1 << 20);
        r.synSeen(0);
        for (int i = 0; i < 64; i++) feed(r, 10 + 2 * i, "x");
        assertFalse(r.overflowed());
        feed(r, 1000, "x");
        assertTrue(r.overflowed());
    }

    @Test
    void segmentsFarAheadAreIgnoredWithoutOverflow() {
        StreamReassembler r = new StreamReassembler(1024);
        r.synSeen(0);
        feed(r, 1 + (1 << 20), "far");
        feed(r, 1, "near");
        assertEquals("near", held(r));
        assertFalse(r.overflowed());
    }

    @Test
    void releaseFreesEverything() {
        StreamReassembler r = new StreamReassembler(1024);
        r.synSeen(0);
        feed(r, 1, "abc");
        feed(r, 10, "ahead");
        r.release();
        assertEquals(0, r.available());
        assertEquals(0, r.array().length);
    }

    @Test
    void emptySegmentsChangeNothing() {
        StreamReassembler r = new StreamReassembler(1024);
        r.accept(5, ByteBuffer.allocate(0), 0, 0);
        feed(r, 100, "abc"); // the empty segment did not fix the start
        assertEquals("abc", held(r));
    }
}
