/**
 * Offline capture readers: classic pcap and pcapng, plain or gzip, from files or stdin.
 *
 * <p>Entry points are in {@link io.tlscensus.capture.Captures}: {@code open(Path)},
 * {@code openStdin(InputStream)}, {@code sniff(Path)} and {@code expand(Path)}. Formats are told
 * by magic, never by file name.
 *
 * <p>Design: the format readers ({@code PcapReader}, {@code PcapNgReader}) are written once against
 * {@code ByteWindow}, a forward-only view of the input through one big-endian buffer. Plain files use
 * {@code MappedFileWindow} (memory-mapped windows, 256 MiB by default, remapped at a record start
 * when a record would cross the window end, so files over 2 GiB work; the bytes reach the handler
 * through one reused 1 MiB heap chunk, whose array the readers and decoders read); gzip files and stdin use {@code StreamWindow} (one reusable heap
 * buffer, compacted, grown only for a record larger than itself). Nothing is allocated per packet:
 * the handler gets the window's buffer and an absolute offset. {@code SegmentedPcapReader} reads
 * one plain pcap file with several threads (guessed segment starts, checked in file order).
 *
 * <p>Damage: {@code open*} throws {@link io.tlscensus.capture.CaptureFormatException} for an empty
 * input, an unknown magic or a broken gzip header; {@link io.tlscensus.capture.CaptureSource#readAll}
 * throws it for everything later, after delivering every packet before the damage. Offsets in the
 * messages are positions in the decompressed input.
 *
 * <p>Timestamps are microseconds since the epoch from any resolution (sub-microsecond parts are
 * truncated). Simple Packet Blocks have no timestamp and are delivered with 0.
 * {@link io.tlscensus.capture.CaptureSource#bytesRead()} is a plain field: another thread polling it
 * for progress may see a slightly stale value.
 */
package io.tlscensus.capture;
