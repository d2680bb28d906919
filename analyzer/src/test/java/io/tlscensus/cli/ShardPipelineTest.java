package io.tlscensus.cli;

import io.tlscensus.testing.CliRun;
import io.tlscensus.testing.Conversation;
import io.tlscensus.testing.Packets;
import io.tlscensus.testing.TlsBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static io.tlscensus.testing.Packets.ACK;
import static io.tlscensus.testing.Packets.PSH;
import static io.tlscensus.testing.Packets.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * pcapng is read by one thread that hands the other shards' packets on through rings, copying them
 * into a heap arena per ring (ShardPipeline). A pcapng packet may be far larger than the arena
 * (up to 16 MiB): such packets get their own copy, and the run gives what one thread gives.
 */
class ShardPipelineTest {
    @TempDir
    Path dir;

    @Test
    void packetsLargerThanTheArenaPassAndResultsMatchOneThread() throws Exception {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        block(file, 0x0A0D0D0A, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1).array());
        block(file, 1, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 1).putShort((short) 0)
                .putInt(0).array());
        long ts = 1_700_000_000_000_000L;
        int clients = 300;
        for (int i = 0; i < clients; i++) {
            Conversation c = new Conversation(Packets.v4(10, 2, i >> 8, i & 0xff), 40000 + i, Packets.v4(192, 0, 2, 1 + i % 7),
                    443, 1000 * i, 77);
            byte[] hello = TlsBytes.clientHello().sni("site" + i + ".example").supportedVersions(0x0304, 0x0303).record();
            packet(file, ts++, c.client(SYN));
            packet(file, ts++, c.client(ACK | PSH, hello));
            // Now and then a frame of 5 MiB (Ethernet padding after the IP datagram): more than the arena.
            if (i % 50 == 7) packet(file, ts++, Packets.pad(c.client(ACK), 5 << 20));
        }
        Path pcapng = Files.write(dir.resolve("large.pcapng"), file.toByteArray());

        CliRun one = CliRun.of("-r", pcapng.toString(), "--threads", "1", "--connections", "--format", "jsonl", "-q");
        assertEquals(0, one.exitStatus, one.stderr);
        assertEquals(clients, one.jsonLines().size(), one.stderr);
        for (int threads = 2; threads <= 3; threads++) {
            String[] args = {"-r", pcapng.toString(), "--threads", String.valueOf(threads), "--connections", "--format", "jsonl", "-q"};
            CliRun many = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> CliRun.of(args), threads + " threads");
            assertEquals(0, many.exitStatus, many.stderr);
            assertEquals(ThreadCountTest.sortedLines(one.stdout), ThreadCountTest.sortedLines(many.stdout),
                    threads + " threads");
        }
    }

    private static void packet(ByteArrayOutputStream out, long micros, byte[] frame) {
        int padded = (frame.length + 3) & ~3;
        ByteBuffer b = ByteBuffer.allocate(20 + padded).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0).putInt((int) (micros >>> 32)).putInt((int) micros).putInt(frame.length).putInt(frame.length);
        b.put(frame);
        block(out, 6, b.array());
    }

    private static void block(ByteArrayOutputStream out, int type, byte[] body) {
        int length = 12 + body.length;
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(type).putInt(length).put(body).putInt(length);
        out.writeBytes(b.array());
    }
}
