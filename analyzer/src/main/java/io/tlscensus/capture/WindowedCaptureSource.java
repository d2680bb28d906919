package io.tlscensus.capture;

import java.io.IOException;

/** A capture whose format is known from its magic, read through a {@link ByteWindow}. */
final class WindowedCaptureSource implements CaptureSource {
    enum Format { PCAP, PCAPNG }

    private final String name;
    private final long sizeBytes;
    private final ByteWindow window;
    private final Format format;
    private boolean read;
    private volatile SegmentedPcapReader segmented;

    WindowedCaptureSource(String name, long sizeBytes, ByteWindow window, Format format) {
        this.name = name;
        this.sizeBytes = sizeBytes;
        this.window = window;
        this.format = format;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long sizeBytes() {
        return sizeBytes;
    }

    @Override
    public long bytesRead() {
        SegmentedPcapReader split = segmented;
        return split != null ? split.bytesRead() : window.storedBytesRead();
    }

    /** @throws IllegalStateException on a second call: a stream cannot be read twice */
    @Override
    public void readAll(PacketHandler handler) throws IOException, CaptureFormatException {
        if (read) {
            throw new IllegalStateException(name + " has already been read");
        }
        read = true;
        if (format == Format.PCAP) {
            new PcapReader(window).readAll(handler);
        } else {
            new PcapNgReader(window).readAll(handler);
        }
    }

    /**
     * Plain pcap files of at least two segments are split (SegmentedPcapReader); the segment size
     * can be set with -Dtlscensus.segmentBytes (tests use tiny ones to cross many boundaries). Sizes
     * whose buffers would take more than an eighth of the heap are not split.
     */
    @Override
    public boolean readSharded(PacketHandler[] handlers, SegmentedPcapReader.Sharder sharder)
            throws IOException, CaptureFormatException {
        return readSharded(handlers, sharder,
                Integer.getInteger("tlscensus.segmentBytes", SegmentedPcapReader.DEFAULT_SEGMENT_BYTES));
    }

    boolean readSharded(PacketHandler[] handlers, SegmentedPcapReader.Sharder sharder, int segmentBytes)
            throws IOException, CaptureFormatException {
        if (format != Format.PCAP || !(window instanceof MappedFileWindow) || handlers.length < 2
                || segmentBytes < 1 || segmentBytes > SegmentedPcapReader.MAX_SEGMENT_BYTES
                || ((MappedFileWindow) window).fileSize() < 2L * segmentBytes
                || SegmentedPcapReader.bufferBytes(segmentBytes, handlers.length) > Runtime.getRuntime().maxMemory() / 8) {
            return false;
        }
        if (read) {
            throw new IllegalStateException(name + " has already been read");
        }
        read = true;
        MappedFileWindow mapped = (MappedFileWindow) window;
        PcapReader header = new PcapReader(window);
        header.readFileHeader();
        segmented = new SegmentedPcapReader(name, mapped.channel(), mapped.fileSize(), header, segmentBytes,
                handlers.length);
        segmented.read(handlers, sharder);
        return true;
    }

    /** For tests: segments of the split read walked a second time after a wrong guess. */
    int segmentedRewalks() {
        return segmented == null ? 0 : segmented.rewalks();
    }

    @Override
    public void close() throws IOException {
        window.close();
    }
}
