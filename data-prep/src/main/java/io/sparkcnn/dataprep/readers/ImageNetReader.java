package io.sparkcnn.dataprep.readers;

import io.sparkcnn.dataprep.DatasetFs;
import io.sparkcnn.dataprep.DatasetReader;
import io.sparkcnn.dataprep.Emitter;
import io.sparkcnn.dataprep.ImagePipeline;
import io.sparkcnn.dataprep.PrepOptions;
import io.sparkcnn.dataprep.SourceFile;
import io.sparkcnn.dataprep.SourceUnit;
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
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ILSVRC2012 in either published layout:
 * <ul>
 * <li>image-net.org: {@code train/<wnid>/<wnid>_<n>.JPEG}, {@code val/ILSVRC2012_val_<8 digits>.JPEG},
 *     labels from {@code ILSVRC2012_devkit_t12/data/ILSVRC2012_validation_ground_truth.txt} (ILSVRC2012_IDs)
 *     mapped to wnids through {@code ILSVRC2012_devkit_t12/data/meta.mat};</li>
 * <li>Kaggle: {@code ILSVRC/Data/CLS-LOC/{train,val}/...}, {@code LOC_synset_mapping.txt} and
 *     {@code LOC_val_solution.csv} (first wnid of PredictionString).</li>
 * </ul>
 * Class index = position of the wnid in the sorted wnid list. A val image whose label cannot be found
 * becomes a reject, and so does a train file whose folder is not a known wnid.
 */
public final class ImageNetReader implements DatasetReader {
    private static final long serialVersionUID = 1L;
    static final String DEVKIT = "ILSVRC2012_devkit_t12/data/";
    static final String GROUND_TRUTH = DEVKIT + "ILSVRC2012_validation_ground_truth.txt";
    static final String META = DEVKIT + "meta.mat";
    static final String SYNSETS = "LOC_synset_mapping.txt";
    static final String SOLUTION = "LOC_val_solution.csv";
    static final String KAGGLE = "ILSVRC/Data/CLS-LOC/";
    private static final Pattern VAL_NAME = Pattern.compile("ILSVRC2012_val_(\\d{8})\\.JPEG");

    @Override
    public Task task() {
        return Task.CLASSIFICATION;
    }

    @Override
    public Map<Integer, String> classes(DatasetFs fs) throws IOException {
        List<String> w = wnids(fs, idToWnid(fs));
        Map<Integer, String> m = new LinkedHashMap<>();
        for (int i = 0; i < w.size(); i++) {
            m.put(i, w.get(i));
        }
        return m;
    }

    private static String base(DatasetFs fs) throws IOException {
        return fs.exists(KAGGLE + "train") || fs.exists(KAGGLE + "val") ? KAGGLE : "";
    }

    /** Devkit: ILSVRC2012_ID -> wnid from meta.mat (empty when the devkit is absent). */
    private static Map<Integer, String> idToWnid(DatasetFs fs) throws IOException {
        Map<Integer, String> m = new HashMap<>();
        if (!fs.exists(META)) {
            return m;
        }
        return idToWnid(fs.readAll(META, 64L << 20), META);
    }

    /** meta.mat's synsets struct as ILSVRC2012_ID -> wnid; a file without it, or of other types, is named in the error. */
    static Map<Integer, String> idToWnid(byte[] meta, String source) throws IOException {
        MatFile.Array synsets = MatFile.parse(meta, source).get("synsets");
        if (synsets == null || !synsets.fields().containsKey("ILSVRC2012_ID") || !synsets.fields().containsKey("WNID")) {
            throw new SourceFormatException(source, "has no synsets struct with ILSVRC2012_ID and WNID");
        }
        List<MatFile.Array> ids = synsets.fields().get("ILSVRC2012_ID");
        List<MatFile.Array> wn = synsets.fields().get("WNID");
        Map<Integer, String> m = new HashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            double[] id = ids.get(i).numbers();
            String w = wn.get(i).text();
            if (id == null || id.length != 1 || id[0] != Math.rint(id[0]) || Math.abs(id[0]) > Integer.MAX_VALUE || w == null) {
                throw new SourceFormatException(source, "synset " + (i + 1) + " has no numeric ILSVRC2012_ID or no text WNID");
            }
            m.put((int) id[0], w.trim());
        }
        return m;
    }

    /** The class list: LOC_synset_mapping.txt, else the devkit's 1000 leaf synsets, else train folders. */
    private static List<String> wnids(DatasetFs fs, Map<Integer, String> idToWnid) throws IOException {
        TreeSet<String> set = new TreeSet<>();
        if (fs.exists(SYNSETS)) {
            for (String line : lines(fs, SYNSETS)) {
                if (!line.isBlank()) {
                    set.add(line.trim().split("\\s+", 2)[0]);
                }
            }
        } else if (!idToWnid.isEmpty()) {
            idToWnid.forEach((id, w) -> {
                if (id >= 1 && id <= 1000) {
                    set.add(w);
                }
            });
        } else {
            set.addAll(fs.listDirs(base(fs) + "train"));
        }
        return new ArrayList<>(set);
    }

    @Override
    public List<SourceUnit> list(DatasetFs fs) throws IOException {
        Map<Integer, String> idToWnid = idToWnid(fs);
        List<String> wnids = wnids(fs, idToWnid);
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < wnids.size(); i++) {
            index.put(wnids.get(i), i);
        }
        String base = base(fs);
        List<SourceUnit> units = new ArrayList<>();
        for (SourceFile f : fs.listFiles(base + "train")) {
            if (!ImageFiles.isImageName(f.path())) {
                continue;
            }
            String[] parts = f.path().substring(base.length()).split("/");
            String wnid = parts.length == 3 ? parts[1] : "";
            units.add(unit(f, "train", wnid, index, List.of()));
        }
        Map<String, String> valLabels = Map.of();
        List<SourceFile> labelFiles = new ArrayList<>();
        if (fs.exists(SOLUTION)) {
            labelFiles.add(fs.stat(SOLUTION));
            valLabels = solutionLabels(lines(fs, SOLUTION));
        } else if (fs.exists(GROUND_TRUTH)) {
            labelFiles.add(fs.stat(GROUND_TRUTH));
            if (fs.exists(META)) {
                labelFiles.add(fs.stat(META));
            }
            valLabels = groundTruthLabels(lines(fs, GROUND_TRUTH), idToWnid);
        }
        for (SourceFile f : fs.listFiles(base + "val")) {
            if (!ImageFiles.isImageName(f.path())) {
                continue;
            }
            String name = f.path().substring(f.path().lastIndexOf('/') + 1);
            Matcher m = VAL_NAME.matcher(name);
            String id = m.matches() ? name.substring(0, name.length() - ".JPEG".length()) : name;
            String wnid = valLabels.getOrDefault(id, "");
            // a val image depends on the label files too: a new ground truth relabels it
            units.add(unit(f, "val", wnid, index, labelFiles));
        }
        return units;
    }

    /** LOC_val_solution.csv: ImageId -> first wnid of PredictionString. */
    static Map<String, String> solutionLabels(List<String> lines) {
        Map<String, String> valLabels = new HashMap<>();
        for (String line : lines) {
            String[] c = line.split(",", 2);
            // one notion of blank for the test and the value (trim() also drops control characters that
            // isBlank() keeps, which once gave an image an empty label)
            String label = c.length == 2 ? c[1].strip().split("\\s+")[0] : "";
            if (!label.isEmpty() && !c[0].strip().equals("ImageId")) {
                valLabels.put(c[0].strip(), label);
            }
        }
        return valLabels;
    }

    /**
     * The devkit's ground truth, one ILSVRC2012_ID per line in val image order. A line that is not a
     * known id keeps its text ("?id=...") so the image's reject says what the file held.
     */
    static Map<String, String> groundTruthLabels(List<String> gt, Map<Integer, String> idToWnid) {
        Map<String, String> valLabels = new HashMap<>();
        for (int i = 0; i < gt.size(); i++) {
            String s = gt.get(i).trim();
            if (!s.isEmpty()) {
                // at most 9 digits always fits an int; a longer number is no id of the devkit's
                String w = s.matches("\\d{1,9}") ? idToWnid.get(Integer.parseInt(s)) : null;
                valLabels.put(String.format("ILSVRC2012_val_%08d", i + 1), w == null ? "?id=" + s : w);
            }
        }
        return valLabels;
    }

    private static SourceUnit unit(SourceFile f, String split, String wnid, Map<String, Integer> index, List<SourceFile> extra) {
        List<SourceFile> files = new ArrayList<>();
        files.add(f);
        files.addAll(extra);
        Integer label = index.get(wnid);
        return new SourceUnit(f.path(), split, files,
                Map.of("wnid", wnid, "label", label == null ? "-1" : label.toString()));
    }

    @Override
    public void process(SourceUnit unit, DatasetFs fs, ImagePipeline pipeline, PrepOptions options, Emitter out) {
        int label = Integer.parseInt(unit.attr("label"));
        if (label < 0) {
            String wnid = unit.attr("wnid");
            out.reject(unit.id(), "label", wnid.isEmpty() ? "no ground-truth label for this image"
                    : "label '" + wnid + "' is not one of the known wnids");
            return;
        }
        ImageFiles.emit(unit.id(), fs, pipeline, options, out,
                Map.of(ShardSchema.LABEL, label, ShardSchema.LABEL_NAME, unit.attr("wnid")));
    }

    private static List<String> lines(DatasetFs fs, String rel) throws IOException {
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(rel), StandardCharsets.UTF_8))) {
            for (String l; (l = r.readLine()) != null; ) {
                out.add(l);
            }
        }
        return out;
    }
}
