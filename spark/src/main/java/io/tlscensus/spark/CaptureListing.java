package io.tlscensus.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns the -r arguments into capture files, on the driver, with Hadoop's FileSystem API (so
 * {@code hdfs://}, {@code s3a://} and plain local paths work alike): a file stands for itself, a
 * directory for every file below it (in the order of the path below it, as the single-machine tool),
 * a glob ({@code FileSystem.globStatus}: {@code * ? [abc] {a,b}}) for what it matches. Nothing is
 * opened here: whether a listed file is a capture is found out by its task.
 */
final class CaptureListing {
    final List<CaptureInput> files = new ArrayList<>();
    /** One line per argument that names nothing, e.g. "x.pcap: no such file or directory". */
    final List<String> errors = new ArrayList<>();

    private CaptureListing() {
    }

    static CaptureListing list(List<String> arguments, Configuration conf) throws IOException {
        CaptureListing listing = new CaptureListing();
        for (int i = 0; i < arguments.size(); i++) listing.add(i, arguments.get(i), conf);
        return listing;
    }

    static boolean isGlob(String s) {
        return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0 || s.indexOf('{') >= 0;
    }

    private void add(int argument, String arg, Configuration conf) throws IOException {
        Path path = new Path(arg);
        FileSystem fs = path.getFileSystem(conf);
        if (!isGlob(arg)) {
            FileStatus status;
            try {
                status = fs.getFileStatus(path);
            } catch (java.io.FileNotFoundException e) {
                errors.add(arg + ": no such file or directory");
                return;
            }
            if (status.isDirectory()) directory(argument, stripSlashes(arg), status, fs);
            else files.add(new CaptureInput(arg, status.getPath().toString(), status.getLen(), argument, false));
            return;
        }
        FileStatus[] matches = fs.globStatus(path);
        if (matches == null || matches.length == 0) {
            errors.add(arg + ": no files match");
            return;
        }
        for (FileStatus m : matches) {
            String name = nameOf(arg, m.getPath(), fs);
            if (m.isDirectory()) directory(argument, name, m, fs);
            else files.add(new CaptureInput(name, m.getPath().toString(), m.getLen(), argument, true));
        }
    }

    /** Every file below the directory, named {@code name/relative/path}, in the tool's order. */
    private void directory(int argument, String name, FileStatus dir, FileSystem fs) throws IOException {
        String root = dir.getPath().toUri().getPath();
        if (!root.endsWith("/")) root += "/";
        List<CaptureInput> found = new ArrayList<>();
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(dir.getPath(), true);
        while (it.hasNext()) {
            LocatedFileStatus f = it.next();
            if (!f.isFile()) continue;
            String relative = f.getPath().toUri().getPath().substring(root.length());
            found.add(new CaptureInput(name + "/" + relative, f.getPath().toString(), f.getLen(), argument, true));
        }
        if (found.isEmpty()) {
            errors.add(name + ": no capture files in this directory");
            return;
        }
        found.sort(Comparator.comparing(c -> c.name().substring(name.length() + 1), CaptureListing::compareByElements));
        files.addAll(found);
    }

    /** Element by element, so a directory's files stay together ("a/x" before "a-b"), as Captures.expand. */
    private static int compareByElements(String a, String b) {
        String[] x = a.split("/"), y = b.split("/");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c = x[i].compareTo(y[i]);
            if (c != 0) return c;
        }
        return Integer.compare(x.length, y.length);
    }

    /**
     * A glob match named in the glob's own terms: a full URI for a glob with a scheme, an absolute
     * path for an absolute glob, a path relative to the working directory for a relative one.
     */
    private static String nameOf(String glob, Path match, FileSystem fs) {
        if (new Path(glob).toUri().getScheme() != null) return match.toString();
        String abs = match.toUri().getPath();
        if (glob.startsWith("/")) return abs;
        String wd = fs.getWorkingDirectory().toUri().getPath();
        if (!wd.endsWith("/")) wd += "/";
        return abs.startsWith(wd) ? abs.substring(wd.length()) : abs;
    }

    private static String stripSlashes(String s) {
        int end = s.length();
        while (end > 1 && s.charAt(end - 1) == '/') end--;
        return s.substring(0, end);
    }
}
