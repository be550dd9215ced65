package io.sparkcnn.dataprep.readers;

import io.sparkcnn.dataprep.DatasetFs;
import io.sparkcnn.dataprep.DatasetReader;
import io.sparkcnn.dataprep.Emitter;
import io.sparkcnn.dataprep.ImagePipeline;
import io.sparkcnn.dataprep.PrepOptions;
import io.sparkcnn.dataprep.ProcessedImage;
import io.sparkcnn.dataprep.SourceFile;
import io.sparkcnn.dataprep.SourceUnit;
import io.sparkcnn.model.data.EncodingPolicy;
import io.sparkcnn.model.data.PixelStats;
import io.sparkcnn.model.data.ShardSchema;
import io.sparkcnn.model.data.Task;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Kinetics 400/600/700 as published (CVDF / ActivityNet crawler): annotation CSVs
 * {@code label,youtube_id,time_start,time_end,split} (header line; found anywhere under the root,
 * e.g. {@code annotations/train.csv}) and clips named {@code {youtube_id}_{start:06d}_{end:06d}.mp4}
 * under the split's folder, flat ({@code <split>/<file>.mp4}) or per label
 * ({@code <split>/<label>/<file>.mp4}): clips are looked up by file name inside the split's folder.
 *
 * <p>One unit per CSV row (the clip is its file, the row's label is in its attributes, so adding rows or
 * clips reprocesses only those). Class index = position of the label in the sorted label strings of all
 * CSVs. Rows that cannot become a clip unit (malformed, unknown split, no label, duplicate) become
 * units of their own, {@code <csv>#line=N}, whose processing is a reject. Frames are decoded by
 * {@link VideoClips} (FFmpeg) and stored raw, THWC uint8.
 */
public final class KineticsReader implements DatasetReader {
    private static final long serialVersionUID = 1L;
    /** Split column values and the folder they are stored under. */
    static final Map<String, String> SPLITS = Map.of("train", "train", "val", "val", "validate", "val", "test", "test");
    private static final Pattern YOUTUBE_ID = Pattern.compile("[A-Za-z0-9_-]{11}");
    private static final String A_LABEL = "label";
    private static final String A_NAME = "label_name";
    private static final String A_REJECT = "reject";
    private static final String A_STAGE = "stage";

    /** The labels the last {@link #list} found: {@link #classes} then needs no second listing and CSV parse. */
    private transient List<String> listedLabels;

    @Override
    public Task task() {
        return Task.VIDEO;
    }

    @Override
    public Map<Integer, String> classes(DatasetFs fs) throws IOException {
        List<String> labels = listedLabels != null ? listedLabels : labels(parseCsvs(fs, fs.listFiles("")));
        Map<Integer, String> m = new LinkedHashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            m.put(i, labels.get(i));
        }
        return m;
    }

    /** A CSV data line, parsed; {@code error} is set when it cannot name a clip. */
    record Row(String csv, int line, String label, String youtubeId, int start, int end, String split, String text,
               String error, String stage) {
        String fileName() {
            return String.format(Locale.ROOT, "%s_%06d_%06d.mp4", youtubeId, start, end);
        }

        String badId() {
            return csv + "#line=" + line;
        }
    }

    @Override
    public List<SourceUnit> list(DatasetFs fs) throws IOException {
        List<SourceFile> all = fs.listFiles("");
        List<Row> rows = parseCsvs(fs, all);
        List<String> labels = labels(rows);
        listedLabels = labels;
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            index.put(labels.get(i), i);
        }
        // clips by (split folder, file name); the first path wins when a name appears twice
        Map<String, SourceFile> clips = new HashMap<>();
        for (SourceFile f : all) {
            if (f.path().endsWith(".mp4")) {
                int slash = f.path().indexOf('/');
                String top = slash < 0 ? "" : f.path().substring(0, slash);
                clips.putIfAbsent(top + "/" + f.path().substring(f.path().lastIndexOf('/') + 1), f);
            }
        }
        Map<String, SourceUnit> units = new LinkedHashMap<>();
        List<SourceUnit> bad = new ArrayList<>();
        for (Row r : rows) {
            if (r.error() != null) {
                bad.add(badUnit(r, r.stage(), r.error()));
                continue;
            }
            String folder = SPLITS.get(r.split());
            String name = r.fileName();
            SourceFile clip = clips.get(folder + "/" + name);
            String id = clip != null ? clip.path() : folder + "/" + name;
            if (units.containsKey(id)) {
                bad.add(badUnit(r, "csv", "duplicate row for clip " + id + " (first listed in " + units.get(id).attr("row") + ")"));
                continue;
            }
            Map<String, String> attrs = new HashMap<>();
            attrs.put(A_LABEL, index.get(r.label()).toString());
            attrs.put(A_NAME, r.label());
            attrs.put("row", r.badId());
            if (clip == null) {
                attrs.put(A_STAGE, "read");
                attrs.put(A_REJECT, "clip missing: no " + name + " under " + folder + "/");
            }
            units.put(id, new SourceUnit(id, folder, clip == null ? List.of() : List.of(clip), attrs));
        }
        List<SourceUnit> out = new ArrayList<>(units.values());
        out.addAll(bad);
        out.sort(java.util.Comparator.comparing(SourceUnit::id));
        return out;
    }

    private static SourceUnit badUnit(Row r, String stage, String reason) {
        String split = r.split() != null && SPLITS.containsKey(r.split()) ? SPLITS.get(r.split()) : "unknown";
        return new SourceUnit(r.badId(), split, List.of(), Map.of(A_STAGE, stage, A_REJECT, reason, "text", r.text()));
    }

    private static List<String> labels(List<Row> rows) {
        TreeSet<String> set = new TreeSet<>();
        for (Row r : rows) {
            if (r.error() == null) {
                set.add(r.label());
            }
        }
        return new ArrayList<>(set);
    }

    /** Every {@code .csv} under the root whose header has the Kinetics columns, parsed line by line. */
    static List<Row> parseCsvs(DatasetFs fs, List<SourceFile> all) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (SourceFile f : all) {
            if (!f.path().toLowerCase(Locale.ROOT).endsWith(".csv")) {
                continue;
            }
            try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(f.path()), StandardCharsets.UTF_8))) {
                rows.addAll(parseCsv(f.path(), in));
            }
        }
        return rows;
    }

    /** The rows of one CSV (none when its header lacks the Kinetics columns); no Spark or file system needed. */
    static List<Row> parseCsv(String csv, BufferedReader in) throws IOException {
        List<Row> rows = new ArrayList<>();
        String header = in.readLine();
        if (header == null) {
            return rows;
        }
        List<String> h = splitCsv(header.replace("\uFEFF", "").trim());
        if (h == null) {
            return rows;
        }
        int cYt = h.indexOf("youtube_id");
        int cStart = h.indexOf("time_start");
        int cEnd = h.indexOf("time_end");
        int cSplit = h.indexOf("split");
        int cLabel = h.indexOf("label");
        if (cYt < 0 || cStart < 0 || cEnd < 0 || cSplit < 0) {
            return rows; // not a Kinetics annotation file
        }
        int n = 1;
        for (String line; (line = in.readLine()) != null; ) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            rows.add(parseRow(csv, n, line, h.size(), cLabel, cYt, cStart, cEnd, cSplit));
        }
        return rows;
    }

    static Row parseRow(String csv, int n, String line, int width, int cLabel, int cYt, int cStart, int cEnd, int cSplit) {
        List<String> c = splitCsv(line);
        if (c == null || c.size() != width) {
            return new Row(csv, n, null, null, 0, 0, null, line, "malformed CSV line: expected " + width + " fields", "csv");
        }
        String yt = c.get(cYt).trim();
        String split = c.get(cSplit).trim();
        String label = cLabel < 0 ? "" : c.get(cLabel).trim();
        int start;
        int end;
        try {
            start = Integer.parseInt(c.get(cStart).trim());
            end = Integer.parseInt(c.get(cEnd).trim());
        } catch (NumberFormatException e) {
            return new Row(csv, n, label, yt, 0, 0, split, line, "malformed CSV line: time_start/time_end are not integers", "csv");
        }
        if (!YOUTUBE_ID.matcher(yt).matches()) {
            return new Row(csv, n, label, yt, start, end, split, line, "malformed CSV line: youtube_id '" + yt + "' is not 11 characters of [A-Za-z0-9_-]", "csv");
        }
        if (start < 0 || end <= start) {
            return new Row(csv, n, label, yt, start, end, split, line, "malformed CSV line: time_end must be after time_start >= 0", "csv");
        }
        if (!SPLITS.containsKey(split)) {
            return new Row(csv, n, label, yt, start, end, split, line, "unknown split '" + split + "' (known: " + new TreeSet<>(SPLITS.keySet()) + ")", "split");
        }
        if (label.isEmpty()) {
            return new Row(csv, n, label, yt, start, end, split, line, "no label (unlabelled rows cannot be stored for training)", "label");
        }
        return new Row(csv, n, label, yt, start, end, split, line, null, null);
    }

    /** Splits one CSV line (RFC 4180 quoting); null when a quote is left open. */
    static List<String> splitCsv(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cur.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cur.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        if (quoted) {
            return null;
        }
        out.add(cur.toString());
        return out;
    }

    @Override
    public void process(SourceUnit unit, DatasetFs fs, ImagePipeline pipeline, PrepOptions options, Emitter out) {
        if (unit.attr(A_REJECT) != null) {
            out.reject(unit.id(), unit.attr(A_STAGE), unit.attr(A_REJECT));
            return;
        }
        if (options.encoding().kind() != EncodingPolicy.Kind.RAW) {
            out.reject(unit.id(), "config", "kinetics clips are stored as raw uint8 THWC frames: use encoding raw, not " + options.encoding());
            return;
        }
        byte[] bytes;
        try {
            bytes = fs.readAll(unit.id(), options.maxFileBytes());
        } catch (IOException e) {
            out.reject(unit.id(), "read", "cannot read clip: " + e.getMessage());
            return;
        }
        VideoClips.Clip clip;
        try {
            clip = VideoClips.sample(bytes, options.frames(), pipeline.resize(), options.maxPixels(), options.maxSide());
        } catch (VideoClips.ClipException e) {
            out.reject(unit.id(), e.stage(), unit.id().substring(unit.id().lastIndexOf('/') + 1) + ": " + e.getMessage());
            return;
        }
        ProcessedImage img = new ProcessedImage(clip.pixels(), ShardSchema.ENC_RAW, clip.width(), clip.height(), 3,
                PixelStats.of(clip.pixels(), 3), clip.sourceWidth(), clip.sourceHeight());
        out.row(unit.id(), img, Map.of(ShardSchema.LABEL, Integer.parseInt(unit.attr(A_LABEL)),
                ShardSchema.LABEL_NAME, unit.attr(A_NAME), ShardSchema.NUM_FRAMES, clip.frames()));
    }
}
