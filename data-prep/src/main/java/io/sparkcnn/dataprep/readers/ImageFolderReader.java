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
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Generic image folder: {@code <class>/<image>} (split train), or {@code <split>/<class>/<image>}
 * when the root holds train/val/test folders. Class index = position of the class folder name in
 * the sorted union of class names.
 */
public final class ImageFolderReader implements DatasetReader {
    private static final long serialVersionUID = 1L;
    static final Set<String> SPLITS = Set.of("train", "val", "test");

    @Override
    public Task task() {
        return Task.CLASSIFICATION;
    }

    private static boolean hasSplits(DatasetFs fs) throws IOException {
        List<String> dirs = fs.listDirs("");
        return !dirs.isEmpty() && SPLITS.containsAll(dirs);
    }

    private static List<String> classNames(DatasetFs fs) throws IOException {
        Set<String> names = new TreeSet<>();
        if (hasSplits(fs)) {
            for (String s : fs.listDirs("")) {
                names.addAll(fs.listDirs(s));
            }
        } else {
            names.addAll(fs.listDirs(""));
        }
        return new ArrayList<>(names);
    }

    @Override
    public Map<Integer, String> classes(DatasetFs fs) throws IOException {
        Map<Integer, String> m = new LinkedHashMap<>();
        List<String> names = classNames(fs);
        for (int i = 0; i < names.size(); i++) {
            m.put(i, names.get(i));
        }
        return m;
    }

    @Override
    public List<SourceUnit> list(DatasetFs fs) throws IOException {
        List<String> names = classNames(fs);
        boolean splits = hasSplits(fs);
        List<SourceUnit> units = new ArrayList<>();
        for (SourceFile f : fs.listFiles("")) {
            String[] parts = f.path().split("/");
            if (parts.length != (splits ? 3 : 2) || !ImageFiles.isImageName(f.path())) {
                continue;
            }
            String split = splits ? parts[0] : "train";
            String cls = parts[parts.length - 2];
            units.add(new SourceUnit(f.path(), split, List.of(f),
                    Map.of("label", Integer.toString(names.indexOf(cls)), "label_name", cls)));
        }
        return units;
    }

    @Override
    public void process(SourceUnit unit, DatasetFs fs, ImagePipeline pipeline, PrepOptions options, Emitter out) {
        ImageFiles.emit(unit.id(), fs, pipeline, options, out, Map.of(
                ShardSchema.LABEL, Integer.parseInt(unit.attr("label")),
                ShardSchema.LABEL_NAME, unit.attr("label_name")));
    }
}
