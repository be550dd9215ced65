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
import io.sparkcnn.model.data.GrayImage;
import io.sparkcnn.model.data.ImageCodec;
import io.sparkcnn.model.data.PixelStats;
import io.sparkcnn.model.data.ShardSchema;
import io.sparkcnn.model.data.Task;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * MNIST-style idx files: {@code <prefix>-images-idx3-ubyte[.gz]} with {@code <prefix>-labels-idx1-ubyte[.gz]},
 * prefix {@code train} -> split train, {@code t10k} -> split test. One unit per image/label pair.
 * Digits are stored gray (channels = 1): PNG, or raw HW bytes with encoding raw; resizing is not applied.
 */
public final class IdxReader implements DatasetReader {
    private static final long serialVersionUID = 1L;
    public static final List<String> DIGITS = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    public static final List<String> FASHION = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    private static final int IMAGES_MAGIC = 0x00000803;
    private static final int LABELS_MAGIC = 0x00000801;

    private final List<String> classNames;

    public IdxReader(List<String> classNames) {
        this.classNames = List.copyOf(classNames);
    }

    @Override
    public Task task() {
        return Task.CLASSIFICATION;
    }

    @Override
    public Map<Integer, String> classes(DatasetFs fs) {
        Map<Integer, String> m = new LinkedHashMap<>();
        for (int i = 0; i < classNames.size(); i++) {
            m.put(i, classNames.get(i));
        }
        return m;
    }

    @Override
    public List<SourceUnit> list(DatasetFs fs) throws IOException {
        List<SourceFile> files = fs.listFiles("");
        List<SourceUnit> units = new ArrayList<>();
        for (SourceFile f : files) {
            String name = f.path();
            int at = name.indexOf("-images-idx3-ubyte");
            if (at < 0 || name.contains("/")) {
                continue;
            }
            String prefix = name.substring(0, at);
            String labels = prefix + "-labels-idx1-ubyte" + name.substring(at + "-images-idx3-ubyte".length());
            List<SourceFile> members = new ArrayList<>(List.of(f));
            files.stream().filter(x -> x.path().equals(labels)).findFirst().ifPresent(members::add);
            String split = prefix.equals("t10k") ? "test" : prefix;
            units.add(new SourceUnit(name, split, members, Map.of("labels", labels)));
        }
        return units;
    }

    @Override
    public void process(SourceUnit unit, DatasetFs fs, ImagePipeline pipeline, PrepOptions options, Emitter out) {
        String labelsPath = unit.attr("labels");
        if (unit.files().size() < 2) {
            out.reject(labelsPath, "read", "labels file missing for " + unit.id());
            return;
        }
        InputStream images = null;
        InputStream labels;
        try {
            images = fs.open(unit.id());
            labels = fs.open(labelsPath);
        } catch (IOException e) {
            out.reject(unit.id(), "read", "cannot read idx pair: " + e);
            try (InputStream opened = images) {
                return;
            } catch (IOException ignored) {
                return; // the pair is rejected already
            }
        }
        readPair(images, labels, unit.id(), labelsPath, options, out);
    }

    /**
     * Emits the records of an images/labels pair (plain or gzipped streams, closed here); every
     * problem becomes a reject naming the file or the record, never an exception. No Spark or file
     * system needed.
     */
    void readPair(InputStream images, InputStream labels, String imagesId, String labelsPath, PrepOptions options, Emitter out) {
        try (DataInputStream img = open(images); DataInputStream lab = open(labels)) {
            int im = img.readInt();
            int lm = lab.readInt();
            if (im != IMAGES_MAGIC) {
                out.reject(imagesId, "header", String.format("bad idx images magic 0x%08x", im));
                return;
            }
            if (lm != LABELS_MAGIC) {
                out.reject(labelsPath, "header", String.format("bad idx labels magic 0x%08x", lm));
                return;
            }
            int n = img.readInt();
            int rows = img.readInt();
            int cols = img.readInt();
            int nl = lab.readInt();
            if (rows <= 0 || cols <= 0 || (long) rows * cols > options.maxPixels()) {
                out.reject(imagesId, "header", "idx header declares " + rows + "x" + cols + " images");
                return;
            }
            // a count read as negative (above 2^31 unsigned) is no file's size; two empty files give nothing to read
            if (n < 0 || (n == 0 && nl == 0)) {
                out.reject(imagesId, "header", "idx header declares " + (n < 0 ? Integer.toUnsignedString(n) : "0") + " images");
                return;
            }
            if (nl < 0) {
                out.reject(labelsPath, "header", "idx header declares " + Integer.toUnsignedString(nl) + " labels");
                return;
            }
            // record i is given when its image bytes or its label byte are there: each becomes a row or a
            // reject (an image without label, a label without image, a cut-off image), so none is lost
            byte[] px = new byte[rows * cols];
            boolean raw = options.encoding().kind() == EncodingPolicy.Kind.RAW;
            boolean imagesLeft = n > 0;
            boolean labelsLeft = nl > 0;
            for (int i = 0; imagesLeft || labelsLeft; i++) {
                int got = imagesLeft ? readRecord(img, px) : 0;
                int label = labelsLeft ? lab.read() : -1;
                String key = imagesId + "#" + i;
                if (got < px.length || label < 0) {
                    if (got == 0 && label < 0) {
                        break;
                    }
                    if (got > 0 && got < px.length) {
                        out.reject(key, "read", "truncated: images file ends inside record " + i + " of " + n);
                    } else if (got == 0) {
                        out.reject(labelsPath + "#" + i, "read", "label " + i + " has no image: images file "
                                + (i < n ? "ends at record " + i + " of " + n : "holds " + n));
                    } else {
                        out.reject(key, "read", "image " + i + " has no label: labels file "
                                + (i < nl ? "ends at record " + i + " of " + nl : "holds " + nl));
                    }
                    imagesLeft &= got == px.length && i + 1 < n;
                    labelsLeft &= label >= 0 && i + 1 < nl;
                    continue;
                }
                imagesLeft = i + 1 < n;
                labelsLeft = i + 1 < nl;
                if (label >= classNames.size()) {
                    out.reject(key, "label", "label " + label + " outside 0.." + (classNames.size() - 1));
                    continue;
                }
                byte[] payload;
                String enc;
                if (raw) {
                    payload = px.clone();
                    enc = ShardSchema.ENC_RAW;
                } else {
                    int[] v = new int[px.length];
                    for (int k = 0; k < v.length; k++) {
                        v[k] = px[k] & 0xff;
                    }
                    payload = ImageCodec.encodeGrayPng(new GrayImage(cols, rows, v));
                    enc = ShardSchema.ENC_PNG;
                }
                ProcessedImage p = new ProcessedImage(payload, enc, cols, rows, 1, PixelStats.of(px, 1), cols, rows);
                out.row(key, p, Map.of(ShardSchema.LABEL, label, ShardSchema.LABEL_NAME, classNames.get(label)));
            }
        } catch (IOException e) {
            out.reject(imagesId, "read", "cannot read idx pair: " + e);
        }
    }

    /** Reads up to {@code buf.length} bytes; fewer only at the end of the stream. */
    private static int readRecord(DataInputStream in, byte[] buf) throws IOException {
        int got = 0;
        while (got < buf.length) {
            int r = in.read(buf, got, buf.length - got);
            if (r < 0) {
                break;
            }
            got += r;
        }
        return got;
    }

    /** Opens a file, gunzipping when it starts with the gzip magic (names are not trusted). */
    static DataInputStream open(InputStream raw) throws IOException {
        InputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            in = new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
        }
        return new DataInputStream(in);
    }
}
