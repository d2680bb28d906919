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
        return window.storedBytesRead();
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

    @Override
    public void close() throws IOException {
        window.close();
    }
}
