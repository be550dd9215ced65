package io.sparkcnn.dataprep.readers;

import io.sparkcnn.dataprep.DatasetFs;
import io.sparkcnn.dataprep.DatasetReader;
import io.sparkcnn.dataprep.Emitter;
import io.sparkcnn.dataprep.ImagePipeline;
import io.sparkcnn.dataprep.PrepOptions;
import io.sparkcnn.dataprep.ProcessedImage;
import io.sparkcnn.dataprep.SourceFile;
import io.sparkcnn.dataprep.SourceUnit;
import io.sparkcnn.model.data.CityscapesLabels;
import io.sparkcnn.model.data.GrayImage;
import io.sparkcnn.model.data.ImageCodec;
import io.sparkcnn.model.data.RejectedException;
import io.sparkcnn.model.data.ShardSchema;
import io.sparkcnn.model.data.Task;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cityscapes fine annotations: {@code leftImg8bit/<split>/<city>/<city>_<seq>_<frame>_leftImg8bit.png}
 * paired with {@code gtFine/<split>/<city>/<city>_<seq>_<frame>_gtFine_labelIds.png} (and
 * {@code _gtFine_instanceIds.png} when instances are asked for). labelIds are mapped to the 19
 * trainIds, 255 = ignore; the mask must have the image's size; ids outside the table are rejects.
 */
public final class CityscapesReader implements DatasetReader {
    private static final long serialVersionUID = 1L;
    /** labelId -> trainId for labelIds 0..33 (cityscapesScripts labels.py, see {@link CityscapesLabels}). */
    public static final int[] TRAIN_ID = CityscapesLabels.labelIdToTrainIdTable();
    public static final List<String> CLASSES = CityscapesLabels.trainClassNames();
    private static final String IMG_SUFFIX = "_leftImg8bit.png";

    @Override
    public Task task() {
        return Task.SEGMENTATION;
    }

    @Override
    public Map<Integer, String> classes(DatasetFs fs) {
        Map<Integer, String> m = new LinkedHashMap<>();
        for (int i = 0; i < CLASSES.size(); i++) {
            m.put(i, CLASSES.get(i));
        }
        return m;
    }

    static String labelPath(String imagePath, String what) {
        String p = "gtFine/" + imagePath.substring("leftImg8bit/".length());
        return p.substring(0, p.length() - IMG_SUFFIX.length()) + "_gtFine_" + what + ".png";
    }

    @Override
    public List<SourceUnit> list(DatasetFs fs) throws IOException {
        Map<String, SourceFile> gt = new HashMap<>();
        for (SourceFile f : fs.listFiles("gtFine")) {
            gt.put(f.path(), f);
        }
        List<SourceUnit> units = new ArrayList<>();
        for (SourceFile f : fs.listFiles("leftImg8bit")) {
            String[] parts = f.path().split("/");
            if (parts.length != 4 || !f.path().endsWith(IMG_SUFFIX)) {
                continue;
            }
            List<SourceFile> files = new ArrayList<>(List.of(f));
            // a missing label file is part of the fingerprint too: when it appears, the unit is redone
            SourceFile labels = gt.get(labelPath(f.path(), "labelIds"));
            if (labels != null) {
                files.add(labels);
            }
            SourceFile inst = gt.get(labelPath(f.path(), "instanceIds"));
            if (inst != null) {
                files.add(inst);
            }
            units.add(new SourceUnit(f.path(), parts[1], files, Map.of()));
        }
        return units;
    }

    @Override
    public void process(SourceUnit unit, DatasetFs fs, ImagePipeline pipeline, PrepOptions options, Emitter out) {
        String labelsPath = labelPath(unit.id(), "labelIds");
        if (unit.files().stream().noneMatch(f -> f.path().equals(labelsPath))) {
            out.reject(labelsPath, "mask", "labelIds mask missing for " + unit.id());
            return;
        }
        ProcessedImage img = ImageFiles.load(unit.id(), fs, pipeline, options, out);
        if (img == null) {
            return;
        }
        ImageCodec codec = pipeline.codec();
        try {
            GrayImage ids = codec.decodeGray(fs.readAll(labelsPath, options.maxFileBytes()));
            int w = img.sourceWidth();
            int h = img.sourceHeight();
            if (ids.width() != w || ids.height() != h) {
                out.reject(labelsPath, "mask", "mask is " + ids.width() + "x" + ids.height() + ", image is " + w + "x" + h);
                return;
            }
            int[] train = new int[ids.values().length];
            for (int i = 0; i < train.length; i++) {
                int v = ids.values()[i];
                if (v < 0 || v >= TRAIN_ID.length) {
                    out.reject(labelsPath, "label", "label id " + v + " outside the labelId table 0.." + (TRAIN_ID.length - 1));
                    return;
                }
                train[i] = TRAIN_ID[v];
            }
            GrayImage mask = pipeline.resize().apply(new GrayImage(w, h, train));
            Map<String, Object> t = new HashMap<>();
            t.put(ShardSchema.MASK, ImageCodec.encodeGrayPng(mask));
            if (options.instances()) {
                String instPath = labelPath(unit.id(), "instanceIds");
                if (unit.files().stream().noneMatch(f -> f.path().equals(instPath))) {
                    out.reject(instPath, "mask", "instanceIds missing for " + unit.id());
                    return;
                }
                GrayImage inst = codec.decodeGray(fs.readAll(instPath, options.maxFileBytes()));
                if (inst.width() != w || inst.height() != h) {
                    out.reject(instPath, "mask", "instance map is " + inst.width() + "x" + inst.height() + ", image is " + w + "x" + h);
                    return;
                }
                t.put(ShardSchema.INSTANCE, ImageCodec.encodeGrayPng(pipeline.resize().apply(inst)));
            } else {
                t.put(ShardSchema.INSTANCE, null);
            }
            out.row(unit.id(), img, t);
        } catch (RejectedException e) {
            out.reject(labelsPath, "mask:" + e.stage(), e.reason());
        } catch (IOException e) {
            out.reject(labelsPath, "read", "cannot read: " + e.getMessage());
        }
    }
}
