package io.tlscensus.capture;

import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapAddress;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.PcapStat;
import org.pcap4j.core.Pcaps;
import org.pcap4j.core.RawPacketListener;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

/**
 * A live capture on one interface through libpcap (pcap4j 1.8.2 over JNA). pcap4j only delivers
 * the raw bytes: they are copied into one reused buffer and handed to a {@link PacketHandler}, the
 * same contract the file readers deliver into, so live and offline share the whole pipeline.
 *
 * <p>Threading: {@link #capture} and {@link #close} run on the capture thread. {@link #wake} may be
 * called from any thread (timer, signal handler): it breaks libpcap's loop within milliseconds,
 * also on an idle interface where a pcap read timeout never fires (libpcap#572). Closing the handle
 * from another thread while the capture thread is inside libpcap deadlocks, hence this split.
 */
public final class LiveCapture implements AutoCloseable {
    /** pcap read timeout: the longest a packet waits in a TPACKET_V3 block before it is delivered. */
    public static final int READ_TIMEOUT_MILLIS = 100;
    public static final int MAX_SNAPLEN = 262_144;

    private final String interfaceName;
    private final PcapHandle handle;
    private final int linkType;
    private final int snaplen;
    private final Object lock = new Object();
    private boolean closed;
    private final ByteBuffer buffer = ByteBuffer.allocate(MAX_SNAPLEN);
    private PacketHandler handler;
    private long delivered;
    private long limit = Long.MAX_VALUE;
    private boolean limitReached;

    private final RawPacketListener listener = this::gotPacket;

    private LiveCapture(String interfaceName, PcapHandle handle, int snaplen) {
        this.interfaceName = interfaceName;
        this.handle = handle;
        this.snaplen = snaplen;
        this.linkType = linkTypeOf(handle.getDlt().value());
    }

    /**
     * Opens the interface. Failures (no such device, no permission, bad filter, libpcap missing)
     * come back as a {@link LiveCaptureException} with a one-line message for the user.
     *
     * @param bufferBytes kernel ring size, 0 for libpcap's default (2 MB)
     */
    public static LiveCapture open(String interfaceName, int snaplen, boolean promiscuous, int bufferBytes,
                                   String filter) throws LiveCaptureException {
        PcapHandle handle;
        try {
            PcapHandle.Builder b = new PcapHandle.Builder(interfaceName)
                    .snaplen(snaplen)
                    .promiscuousMode(promiscuous ? PcapNetworkInterface.PromiscuousMode.PROMISCUOUS
                            : PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS)
                    .timeoutMillis(READ_TIMEOUT_MILLIS);
            if (bufferBytes > 0) b.bufferSize(bufferBytes);
            handle = b.build();
        } catch (PcapNativeException e) {
            throw new LiveCaptureException(openFailure(interfaceName, e.getMessage()));
        } catch (LinkageError e) {
            throw new LiveCaptureException(libpcapMissing(e));
        }
        try {
            if (filter != null && !filter.isBlank()) {
                handle.setFilter(filter, BpfProgram.BpfCompileMode.OPTIMIZE);
            }
        } catch (PcapNativeException | NotOpenException e) {
            handle.close();
            throw new LiveCaptureException("bad filter '" + filter + "': " + clean(e.getMessage()));
        }
        return new LiveCapture(interfaceName, handle, snaplen);
    }

    /** Every interface libpcap can capture on, with its description and addresses (tcpdump -D). */
    public static List<String> listInterfaces() throws LiveCaptureException {
        List<PcapNetworkInterface> devices;
        try {
            devices = Pcaps.findAllDevs();
        } catch (PcapNativeException e) {
            throw new LiveCaptureException("cannot list interfaces: " + clean(e.getMessage()));
        } catch (LinkageError e) {
            throw new LiveCaptureException(libpcapMissing(e));
        }
        List<String> lines = new ArrayList<>();
        int n = 0;
        for (PcapNetworkInterface d : devices) {
            StringBuilder sb = new StringBuilder().append(++n).append('.').append(d.getName());
            if (d.getDescription() != null) sb.append(" (").append(d.getDescription()).append(')');
            List<String> flags = new ArrayList<>();
            if (d.isLoopBack()) flags.add("Loopback");
            flags.add(d.isUp() ? "Up" : "Down");
            if (d.isRunning()) flags.add("Running");
            sb.append(" [").append(String.join(", ", flags)).append(']');
            List<String> addresses = new ArrayList<>();
            for (PcapAddress a : d.getAddresses()) {
                InetAddress ip = a.getAddress();
                if (ip == null) continue;
                addresses.add(format(ip));
            }
            if (!addresses.isEmpty()) sb.append(' ').append(String.join(" ", addresses));
            lines.add(sb.toString());
        }
        return lines;
    }

    public String interfaceName() {
        return interfaceName;
    }

    /** LINKTYPE_* of the interface (what a pcap file header carries). */
    public int linkType() {
        return linkType;
    }

    public int snaplen() {
        return snaplen;
    }

    /** libpcap's name of the link type, as tcpdump prints it (EN10MB, LINUX_SLL, ...). */
    public String linkTypeName() {
        try {
            return Pcaps.dataLinkValToName(handle.getDlt().value());
        } catch (PcapNativeException | RuntimeException e) {
            return String.valueOf(linkType);
        }
    }

    /** Stops delivering after this many packets in total (tcpdump -c). */
    public void limit(long packets) {
        this.limit = packets;
    }

    public boolean limitReached() {
        return limitReached;
    }

    /** Packets delivered to handlers so far. */
    public long delivered() {
        return delivered;
    }

    /**
     * Delivers packets to the handler until {@link #wake} is called (from any thread) or the packet
     * limit is reached. A wake-up that came before the call makes it return at once, so none is lost.
     */
    public void capture(PacketHandler h) throws LiveCaptureException {
        if (limitReached) return;
        this.handler = h;
        try {
            handle.loop(-1, listener);
        } catch (InterruptedException e) {
            // breakLoop(): woken by wake() or by the packet limit; the caller looks at why.
        } catch (PcapNativeException | NotOpenException e) {
            throw new LiveCaptureException(interfaceName + ": capture failed: " + clean(e.getMessage()));
        }
    }

    /**
     * Delivers what the kernel still holds, without waiting for new packets: packets sit in a ring
     * block until it is retired after {@link #READ_TIMEOUT_MILLIS}, so stopping at once would lose
     * the last tenth of a second. Reads without blocking for at least that long and then until the
     * buffer is empty (at most 1.5 s), so a burst still queued when the stop came is counted.
     */
    public void drain(PacketHandler h) throws LiveCaptureException {
        if (limitReached) return;
        this.handler = h;
        long start = System.nanoTime();
        long deadline = start + (READ_TIMEOUT_MILLIS + 50) * 1_000_000L;
        // However full the kernel's buffer is, stop within the promised couple of seconds.
        long hardDeadline = start + 1_500_000_000L;
        try {
            handle.setBlockingMode(PcapHandle.BlockingMode.NONBLOCKING);
            while (!limitReached) {
                int n;
                try {
                    n = handle.dispatch(-1, listener);
                } catch (InterruptedException e) {
                    continue; // a late wake(); keep draining
                }
                long now = System.nanoTime();
                // Past the block timeout, stop at the first empty read: the buffer is drained.
                if (now >= hardDeadline || (n <= 0 && now >= deadline)) break;
                if (n <= 0) Thread.sleep(5);
            }
        } catch (PcapNativeException | NotOpenException e) {
            throw new LiveCaptureException(interfaceName + ": capture failed: " + clean(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Makes {@link #capture} return soon; safe from any thread, a no-op once closed. */
    public void wake() {
        synchronized (lock) {
            if (closed) return;
            try {
                handle.breakLoop();
            } catch (NotOpenException e) {
                // closed meanwhile: nothing to wake
            }
        }
    }

    /** Kernel counters: {received, dropped by the kernel (ps_drop), dropped by the interface (ps_ifdrop)}. */
    public long[] stats() {
        try {
            PcapStat s = handle.getStats();
            return new long[] {s.getNumPacketsReceived(), s.getNumPacketsDropped(), s.getNumPacketsDroppedByIf()};
        } catch (PcapNativeException | NotOpenException e) {
            return new long[] {-1, -1, -1};
        }
    }

    /** Closes the handle; on the capture thread, after {@link #capture} has returned. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) return;
            closed = true;
            handle.close();
        }
    }

    private void gotPacket(byte[] bytes) {
        if (delivered >= limit) {
            limitReached = true;
            breakLoopQuietly();
            return;
        }
        Timestamp ts = handle.getTimestamp();
        long micros = Math.floorDiv(ts.getTime(), 1000L) * 1_000_000L + ts.getNanos() / 1000;
        Integer original = handle.getOriginalLength();
        int length = Math.min(bytes.length, buffer.capacity());
        System.arraycopy(bytes, 0, buffer.array(), 0, length);
        delivered++;
        handler.onPacket(micros, linkType, buffer, 0, length, original == null ? bytes.length : original);
        if (delivered >= limit) {
            limitReached = true;
            breakLoopQuietly();
        }
    }

    private void breakLoopQuietly() {
        try {
            handle.breakLoop();
        } catch (NotOpenException e) {
            // not reachable inside the loop
        }
    }

    /** Dotted IPv4 or RFC 5952 IPv6, like every address the census prints. */
    private static String format(InetAddress ip) {
        byte[] b = ip.getAddress();
        if (b.length == 4) return ip.getHostAddress();
        long hi = 0, lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = hi << 8 | (b[i] & 0xff);
            lo = lo << 8 | (b[i + 8] & 0xff);
        }
        return io.tlscensus.decode.IpAddress.format(hi, lo);
    }

    /** DLT values that differ from the LINKTYPE written in files (tcpdump.org/linktypes.html). */
    static int linkTypeOf(int dlt) {
        switch (dlt) {
            case 12: // DLT_RAW on Linux
            case 14:
                return LinkType.RAW;
            default:
                return dlt;
        }
    }

    private static String openFailure(String name, String message) {
        String m = clean(message);
        String lower = m.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("permission") || lower.contains("not permitted")) {
            return name + ": no permission to capture (" + m
                    + "): live capture needs root or the capabilities CAP_NET_RAW and CAP_NET_ADMIN";
        }
        if (lower.contains("no such device")) {
            return name + ": no such interface (tlscensus -D lists them)";
        }
        return name + ": " + m;
    }

    private static String libpcapMissing(LinkageError e) {
        return "libpcap not found (" + clean(e.getMessage()) + "); install it (Debian/Ubuntu: apt-get install libpcap0.8)";
    }

    private static String clean(String message) {
        if (message == null) return "unknown error";
        return message.replace('\n', ' ').trim();
    }

    /** A live capture problem, with a one-line message for the user. */
    public static final class LiveCaptureException extends IOException {
        private static final long serialVersionUID = 1L;

        public LiveCaptureException(String message) {
            super(message);
        }
    }
}
