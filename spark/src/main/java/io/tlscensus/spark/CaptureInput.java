package io.tlscensus.spark;

import java.io.Serializable;

/**
 * One capture file to analyse as one task.
 *
 * @param name        how the file is named in the output ({@code file} column, messages): as the
 *                    single-machine tool names it, the -r argument or that joined with the path below it
 * @param path        the Hadoop path (qualified URI) to open
 * @param length      bytes on the file system
 * @param argument    index of the -r argument it came from
 * @param fromListing found by listing a directory or a glob: skipped (not counted) when it is not a
 *                    capture, as the single-machine tool skips such files in a directory
 */
record CaptureInput(String name, String path, long length, int argument, boolean fromListing)
        implements Serializable {
}
