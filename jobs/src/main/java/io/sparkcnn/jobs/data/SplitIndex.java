package io.sparkcnn.jobs.data;

import io.sparkcnn.model.data.Manifest;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The rows of one split as one numbered sequence: the split's shard files from the manifest,
 * sorted by path, each contributing its row count. Row g of the split is row g - start(f) of
 * file f. Workers and evaluation partitions take contiguous ranges of this sequence.
 */
public final class SplitIndex implements Serializable {
    private static final long serialVersionUID = 1L;

    /** A shard file (URI) and the number of the split's first row in it. */
    public record ShardFile(String uri, long firstRow, long rows) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    private final String split;
    private final List<ShardFile> files;
    private final long rows;

    public SplitIndex(String split, List<ShardFile> files) {
        this.split = split;
        this.files = List.copyOf(files);
        long n = 0;
        for (ShardFile f : this.files) {
            if (f.firstRow() != n) throw new IllegalArgumentException("shard " + f.uri() + " starts at row " + f.firstRow() + ", expected " + n);
            n += f.rows();
        }
        this.rows = n;
    }

    /** The split's shards listed in the manifest, resolved against the data root URI. */
    public static SplitIndex of(Manifest manifest, String dataRoot, String split) {
        return of(manifest.shards() == null ? List.of() : manifest.shards(), dataRoot, split);
    }

    /** The split's shards among these (every split's, e.g. one table version's files), resolved against the data root URI. */
    public static SplitIndex of(List<Manifest.Shard> allShards, String dataRoot, String split) {
        List<Manifest.Shard> shards = new ArrayList<>();
        for (Manifest.Shard s : allShards) if (split.equals(s.split()) && s.rows() > 0) shards.add(s);
        shards.sort(Comparator.comparing(Manifest.Shard::path));
        String root = dataRoot.endsWith("/") ? dataRoot : dataRoot + "/";
        List<ShardFile> files = new ArrayList<>();
        long first = 0;
        for (Manifest.Shard s : shards) {
            files.add(new ShardFile(root + s.path(), first, s.rows()));
            first += s.rows();
        }
        return new SplitIndex(split, files);
    }

    public String split() { return split; }

    public List<ShardFile> files() { return files; }

    public long rows() { return rows; }

    /** The split's first n rows (all of them when n >= rows): its first files, the last one cut short. */
    public SplitIndex head(long n) {
        if (n >= rows) return this;
        List<ShardFile> kept = new ArrayList<>();
        for (ShardFile f : files) {
            if (f.firstRow() >= n) break;
            kept.add(new ShardFile(f.uri(), f.firstRow(), Math.min(f.rows(), n - f.firstRow())));
        }
        return new SplitIndex(split, kept);
    }

    /** The index of the file holding split row g. */
    public int fileOf(long g) {
        if (g < 0 || g >= rows) throw new IndexOutOfBoundsException("row " + g + " of " + rows);
        int lo = 0, hi = files.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (files.get(mid).firstRow() <= g) lo = mid; else hi = mid - 1;
        }
        return lo;
    }
}
