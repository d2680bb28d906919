package io.tlscensus.capture;

import java.io.EOFException;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Opens captures by their content, never their name: pcap, pcapng, and gzip of either. Plain files
 * are memory-mapped and parsed in place; gzip files and stdin are streamed.
 *
 * <p>Which damage is reported where: {@code open*} throws {@link CaptureFormatException} when the
 * input is empty, is not a capture (unknown magic, fewer than 4 bytes) or has a broken gzip header;
 * everything after the magic (file header, records, blocks, truncated gzip data) is reported by
 * {@link CaptureSource#readAll} after the packets before the damage have been delivered.
 */
public final class Captures {
    private static final int GZIP_INPUT_BUFFER_BYTES = 64 * 1024;

    private Captures() {
    }

    /**
     * Opens a capture file; the source's name is {@code path} as given. Regular files are mapped, a
     * pipe or device path is streamed like stdin.
     */
    public static CaptureSource open(Path path) throws IOException, CaptureFormatException {
        return open(path, MappedFileWindow.DEFAULT_WINDOW_BYTES, StreamWindow.DEFAULT_BUFFER_BYTES);
    }

    /** Opens a capture arriving on a stream (stdin), plain or gzip; the source's name is "-". */
    public static CaptureSource openStdin(InputStream in) throws IOException, CaptureFormatException {
        return openStdin(in, StreamWindow.DEFAULT_BUFFER_BYTES);
    }

    /**
     * Whether the file's magic is that of a capture (for a gzip file, the magic of its decompressed
     * start). An empty file, a short file or a gzip file that cannot be inflated that far is not.
     */
    public static boolean sniff(Path file) throws IOException {
        byte[] head = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, 4);
        }
        if (n >= 2 && isGzip(head[0], head[1])) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
                n = in.readNBytes(head, 0, 4);
            } catch (EOFException | ZipException e) {
                return false;
            }
        }
        return n == 4 && formatOf(ByteBuffer.wrap(head).getInt()) != null;
    }

    /**
     * A file stands for itself; a directory for all regular files below it, in tree order of their
     * path relative to it (symbolic links to files are included, to directories not followed).
     * Nothing is sniffed here.
     */
    public static List<Path> expand(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString());
        }
        if (!Files.isDirectory(path)) {
            return List.of(path);
        }
        try (Stream<Path> walk = Files.walk(path)) {
            List<Path> files = new ArrayList<>();
            walk.filter(Files::isRegularFile).forEach(files::add);
            files.sort(Comparator.comparing(path::relativize, Captures::compareByElements));
            return files;
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Element by element, so a directory's files stay together ("a/x" before "a-b"). */
    private static int compareByElements(Path a, Path b) {
        int common = Math.min(a.getNameCount(), b.getNameCount());
        for (int i = 0; i < common; i++) {
            int c = a.getName(i).toString().compareTo(b.getName(i).toString());
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.getNameCount(), b.getNameCount());
    }

    static CaptureSource open(Path path, int windowBytes, int streamBufferBytes)
            throws IOException, CaptureFormatException {
        String name = path.toString();
        if (Files.exists(path) && !Files.isRegularFile(path) && !Files.isDirectory(path)) {
            // A pipe (/dev/stdin, a shell's <(...)) has no size and cannot be mapped: stream it. Not
            // Files.newInputStream: its available() seeks, which fails on a pipe inside GZIPInputStream.
            return openStream(name, new FileInputStream(path.toFile()), streamBufferBytes);
        }
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            long size = channel.size();
            if (size == 0) {
                throw new CaptureFormatException("empty file", 0);
            }
            ByteBuffer head = ByteBuffer.allocate(4);
            while (head.hasRemaining() && channel.read(head, head.position()) > 0) {
                // positional reads until 4 bytes or end of file
            }
            if (head.position() >= 2 && isGzip(head.get(0), head.get(1))) {
                channel.close();
                return openGzip(name, size, Files.newInputStream(path), streamBufferBytes);
            }
            if (head.position() < 4) {
                throw new CaptureFormatException("not a capture file (only " + head.position() + " bytes)", 0);
            }
            WindowedCaptureSource.Format format = requireFormat(head.getInt(0));
            return new WindowedCaptureSource(name, size, new MappedFileWindow(channel, size, windowBytes), format);
        } catch (IOException | CaptureFormatException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    static CaptureSource openStdin(InputStream in, int streamBufferBytes) throws IOException, CaptureFormatException {
        return openStream("-", in, streamBufferBytes);
    }

    private static CaptureSource openStream(String name, InputStream in, int streamBufferBytes)
            throws IOException, CaptureFormatException {
        PushbackInputStream pushback = new PushbackInputStream(in, 2);
        byte[] head = new byte[2];
        int n;
        try {
            n = pushback.readNBytes(head, 0, 2);
            pushback.unread(head, 0, n);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
        if (n == 2 && isGzip(head[0], head[1])) {
            return openGzip(name, -1, pushback, streamBufferBytes);
        }
        CountingInputStream counting = new CountingInputStream(pushback);
        return detectFormat(name, -1, new StreamWindow(counting, counting, false, streamBufferBytes), false);
    }

    private static CaptureSource openGzip(String name, long size, InputStream raw, int streamBufferBytes)
            throws IOException, CaptureFormatException {
        CountingInputStream counting = new CountingInputStream(raw);
        GZIPInputStream gzip;
        try {
            gzip = new GZIPInputStream(new MoreMembersInputStream(counting), GZIP_INPUT_BUFFER_BYTES);
        } catch (EOFException e) {
            raw.close();
            throw new CaptureFormatException("truncated gzip header", 0);
        } catch (ZipException e) {
            raw.close();
            throw new CaptureFormatException("corrupt gzip header (" + e.getMessage() + ")", 0);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
        return detectFormat(name, size, new StreamWindow(gzip, counting, true, streamBufferBytes), true);
    }

    private static CaptureSource detectFormat(String name, long size, StreamWindow window, boolean gzip)
            throws IOException, CaptureFormatException {
        try {
            int n = window.request(0, 4);
            if (n == 0) {
                throw new CaptureFormatException(gzip ? "empty file (after gzip decompression)" : "empty input", 0);
            }
            if (n < 4) {
                throw new CaptureFormatException("not a capture file (only " + n + " bytes"
                        + (gzip ? " after gzip decompression)" : ")"), 0);
            }
            WindowedCaptureSource.Format format = requireFormat(window.buffer().getInt(window.index(0)));
            return new WindowedCaptureSource(name, size, window, format);
        } catch (IOException | CaptureFormatException | RuntimeException e) {
            window.close();
            throw e;
        }
    }

    private static boolean isGzip(byte first, byte second) {
        return first == (byte) 0x1f && second == (byte) 0x8b;
    }

    private static WindowedCaptureSource.Format requireFormat(int magic) throws CaptureFormatException {
        WindowedCaptureSource.Format format = formatOf(magic);
        if (format == null) {
            throw new CaptureFormatException(String.format("not a capture file (magic 0x%08x)", magic), 0);
        }
        return format;
    }

    private static WindowedCaptureSource.Format formatOf(int magic) {
        if (PcapReader.isMagic(magic)) {
            return WindowedCaptureSource.Format.PCAP;
        }
        if (magic == PcapNgReader.SECTION_HEADER) {
            return WindowedCaptureSource.Format.PCAPNG;
        }
        return null;
    }
}
