package io.sparkcnn.dataprep;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * A dataset root on any Hadoop FileSystem. Every path handed in is relative to the root and checked
 * so that nothing (e.g. a COCO {@code file_name} with {@code ../}) escapes it.
 */
public final class DatasetFs {
    private final FileSystem fs;
    private final Path root;
    private final String rootString;

    public DatasetFs(String rootUri, Configuration conf) throws IOException {
        Path p = new Path(rootUri);
        this.fs = p.getFileSystem(conf);
        this.root = fs.makeQualified(p);
        this.rootString = root.toUri().getPath().replaceAll("/+$", "");
    }

    public FileSystem fs() {
        return fs;
    }

    public Path root() {
        return root;
    }

    public boolean rootExists() throws IOException {
        return fs.exists(root);
    }

    /** Resolves a relative path; refuses absolute paths and anything that normalises outside the root. */
    public Path resolve(String rel) throws EscapeException {
        if (rel == null || rel.isEmpty() || rel.startsWith("/") || rel.contains("\\") || rel.contains(":")) {
            throw new EscapeException("path '" + rel + "' is not a plain relative path");
        }
        java.nio.file.Path norm = java.nio.file.Path.of(rel).normalize();
        if (norm.startsWith("..") || norm.toString().isEmpty()) {
            throw new EscapeException("path '" + rel + "' escapes the dataset root");
        }
        return new Path(root, norm.toString());
    }

    /** Relative path of a file under the root. */
    public String relativize(Path p) {
        String s = p.toUri().getPath();
        if (!s.startsWith(rootString + "/")) {
            throw new IllegalArgumentException(p + " is not under " + root);
        }
        return s.substring(rootString.length() + 1);
    }

    public boolean exists(String rel) throws IOException {
        try {
            return fs.exists(resolve(rel));
        } catch (EscapeException e) {
            return false;
        }
    }

    /** Files under {@code relDir} (recursively), skipping hidden ones ({@link #isHidden}), sorted by path. */
    public List<SourceFile> listFiles(String relDir) throws IOException {
        Path dir = relDir.isEmpty() ? root : new Path(root, relDir);
        List<SourceFile> out = new ArrayList<>();
        if (!fs.exists(dir)) {
            return out;
        }
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(dir, true);
        while (it.hasNext()) {
            LocatedFileStatus st = it.next();
            String rel = relativize(st.getPath());
            if (isHidden(rel)) {
                continue;
            }
            out.add(new SourceFile(rel, st.getLen(), st.getModificationTime()));
        }
        out.sort(java.util.Comparator.comparing(SourceFile::path));
        return out;
    }

    /** Direct child directory names of {@code relDir}, sorted. */
    public List<String> listDirs(String relDir) throws IOException {
        Path dir = relDir.isEmpty() ? root : new Path(root, relDir);
        List<String> out = new ArrayList<>();
        if (!fs.exists(dir)) {
            return out;
        }
        for (var st : fs.listStatus(dir)) {
            if (st.isDirectory() && !isHiddenFolder(st.getPath().getName())) {
                out.add(st.getPath().getName());
            }
        }
        out.sort(null);
        return out;
    }

    public SourceFile stat(String rel) throws IOException {
        var st = fs.getFileStatus(resolve(rel));
        return new SourceFile(rel, st.getLen(), st.getModificationTime());
    }

    public InputStream open(String rel) throws IOException {
        return fs.open(resolve(rel));
    }

    /** Whole file, refusing files larger than {@code maxBytes} without reading them. */
    public byte[] readAll(String rel, long maxBytes) throws IOException {
        Path p = resolve(rel);
        long len = fs.getFileStatus(p).getLen();
        if (len > maxBytes) {
            throw new IOException("file is " + len + " bytes, above the limit of " + maxBytes);
        }
        try (InputStream in = fs.open(p)) {
            ByteArrayOutputStream bos = new ByteArrayOutputStream((int) len);
            in.transferTo(bos);
            return bos.toByteArray();
        }
    }

    /**
     * Whether the listing skips this file: under a hidden folder ({@link #isHiddenFolder}), a dot file (our
     * own in-progress copies are written as {@code .name}), or one of Hadoop's marker files ({@code _SUCCESS},
     * {@code _committed_*}, {@code _started_*}). Other files may start with "_": a YouTube id can, so a
     * Kinetics clip name can ({@code _lU6VwZ4ulw_000060_000070.mp4}).
     */
    static boolean isHidden(String rel) {
        String[] parts = rel.split("/");
        for (int i = 0; i < parts.length - 1; i++) {
            if (isHiddenFolder(parts[i])) {
                return true;
            }
        }
        String name = parts[parts.length - 1];
        return name.startsWith(".") || name.equals("_SUCCESS") || name.startsWith("_committed_") || name.startsWith("_started_");
    }

    /** Folders of tools, not of the dataset: dot folders and Hadoop/Spark bookkeeping (_temporary, _delta_log). */
    static boolean isHiddenFolder(String name) {
        return name.startsWith(".") || name.startsWith("_");
    }

    /** A path that would leave the dataset root. */
    public static final class EscapeException extends IOException {
        public EscapeException(String m) {
            super(m);
        }
    }
}
