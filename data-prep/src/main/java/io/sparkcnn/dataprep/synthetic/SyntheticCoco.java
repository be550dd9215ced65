package io.sparkcnn.dataprep.synthetic;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.sparkcnn.model.data.IdxReader;
import io.sparkcnn.model.data.ImageCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Writes a small SYNTHETIC dataset in the exact COCO 2017 layout (there is no COCO on these
 * machines): {@code train2017/<12-digit id>.jpg}, {@code val2017/...} and
 * {@code annotations/instances_<split>2017.json} with images, annotations and categories
 * ({@link GarmentCategories}: ids with gaps). Each image is a textured scene ({@link SceneRenderer})
 * with real Fashion-MNIST garments pasted at random positions and sizes, later ones covering
 * earlier ones. Every garment that stays visible is one annotation: its box is the bounding box of
 * its visible solid pixels, its area their count, its segmentation an uncompressed RLE of them. Some
 * images also hold a crowd: a tight group of small garments of one class behind the others,
 * annotated once with {@code iscrowd = 1} and the RLE of the whole group. The train split pastes
 * Fashion-MNIST's training garments, val its test garments. Each image depends only on
 * (seed, split, index): the same command writes the same bytes. Exit 0 on success, 2 for bad
 * options or an unreadable Fashion-MNIST folder.
 */
@Command(name = "synthetic-coco", mixinStandardHelpOptions = true,
        description = "Generate a synthetic dataset in the COCO 2017 layout from Fashion-MNIST garments on textured scenes.")
public final class SyntheticCoco implements Callable<Integer> {
    /** Fewer visible pixels than this and a garment is treated as hidden: no annotation. */
    static final int MIN_VISIBLE_PIXELS = 12;
    /** Crowd members per group, and their side as a fraction of the image height. */
    static final int CROWD_MIN = 4;
    static final int CROWD_MAX = 7;
    static final double CROWD_SIZE_MIN = 0.10;
    static final double CROWD_SIZE_MAX = 0.16;

    @Mixin
    GeneratorOptions common;
    @Option(names = "--width", defaultValue = "96", description = "image width in pixels (default ${DEFAULT-VALUE})")
    int width;
    @Option(names = "--height", defaultValue = "96", description = "image height in pixels (default ${DEFAULT-VALUE})")
    int height;
    @Option(names = "--train", defaultValue = "400", description = "train images (default ${DEFAULT-VALUE})")
    int train;
    @Option(names = "--val", defaultValue = "100", description = "val images (default ${DEFAULT-VALUE})")
    int val;
    @Option(names = "--garments", defaultValue = "1:4", description = "single garments per image, MIN:MAX (default ${DEFAULT-VALUE})")
    String garments;
    @Option(names = "--garment-size", defaultValue = "0.2:0.6",
            description = "garment side as a fraction of the image height, MIN:MAX (default ${DEFAULT-VALUE})")
    String garmentSize;
    @Option(names = "--crowd", defaultValue = "0.1", description = "fraction of images with a crowd group (default ${DEFAULT-VALUE})")
    double crowd;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns the exit code (tests call this). */
    public static int run(String... args) {
        return new CommandLine(new SyntheticCoco()).execute(args);
    }

    /** One annotation: a garment class, whether it is a crowd, and its instance number on the canvas. */
    record Garment(int label, boolean crowd, int instance) {}

    @Override
    public Integer call() {
        SceneRenderer renderer;
        try {
            if (train < 0 || val < 0 || train + val == 0) throw new IllegalArgumentException("--train, --val must be >= 0 and not both 0");
            if (!(crowd >= 0 && crowd <= 1)) throw new IllegalArgumentException("--crowd must be in [0, 1], got " + crowd);
            if (width < 16 || height < 16) throw new IllegalArgumentException("images must be at least 16x16, got " + width + "x" + height);
            String[] g = GeneratorOptions.range(garments, "--garments");
            String[] s = GeneratorOptions.range(garmentSize, "--garment-size");
            renderer = new SceneRenderer(width, height, Integer.parseInt(g[0]), Integer.parseInt(g[1]),
                    Double.parseDouble(s[0]), Double.parseDouble(s[1]));
        } catch (IllegalArgumentException e) {
            System.err.println("synthetic-coco: " + e.getMessage());
            return 2;
        }
        int[] annotations = new int[2];
        try {
            IdxReader.Labeled trainGarments = train > 0 ? IdxReader.readSplit(common.source, "train") : null;
            IdxReader.Labeled testGarments = val > 0 ? IdxReader.readSplit(common.source, "t10k") : null;
            annotations[0] = write(renderer, "train2017", train, 1, trainGarments);
            annotations[1] = write(renderer, "val2017", val, train + 1, testGarments);
            Files.writeString(common.output.resolve("SYNTHETIC.txt"), readme(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            System.err.println("synthetic-coco: " + e.getMessage());
            return 2;
        }
        System.out.printf("synthetic-coco: %d train images (%d annotations), %d val images (%d annotations) of %dx%d in %s%n",
                train, annotations[0], val, annotations[1], width, height, common.output);
        return 0;
    }


    /** An annotation as it goes into the json. */
    private record Annotation(long imageId, Garment garment, InstanceMask mask) {}

    /** Writes a split's images, then its instances json (info, licenses, images, annotations, categories, COCO's order). */
    private int write(SceneRenderer renderer, String split, int count, long firstId, IdxReader.Labeled garmentSet)
            throws IOException {
        Path images = Files.createDirectories(common.output.resolve(split));
        Path json = Files.createDirectories(common.output.resolve("annotations")).resolve("instances_" + split + ".json");
        List<Annotation> annotations = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long id = firstId + i;
            SceneRenderer.Canvas c = renderer.background(new SplittableRandom(imageSeed(split, i)));
            for (Garment garment : paste(renderer, c, garmentSet, new SplittableRandom(~imageSeed(split, i)))) {
                InstanceMask m = InstanceMask.of(c, garment.instance());
                if (m.pixels() >= MIN_VISIBLE_PIXELS) annotations.add(new Annotation(id, garment, m));
            }
            Files.write(images.resolve(fileName(id)), ImageCodec.encodeJpeg(c.image(), 0.92f));
        }
        try (JsonGenerator g = new JsonFactory().createGenerator(json.toFile(), JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeObjectFieldStart("info");
            g.writeStringField("description", "SYNTHETIC: Fashion-MNIST garments in the COCO 2017 layout, not COCO");
            g.writeStringField("version", "1.0");
            g.writeNumberField("year", 2026);
            g.writeEndObject();
            g.writeArrayFieldStart("licenses");
            g.writeEndArray();
            g.writeArrayFieldStart("images");
            for (int i = 0; i < count; i++) {
                g.writeStartObject();
                g.writeNumberField("id", firstId + i);
                g.writeStringField("file_name", fileName(firstId + i));
                g.writeNumberField("width", width);
                g.writeNumberField("height", height);
                g.writeNumberField("license", 0);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("annotations");
            long annotationId = 0;
            for (Annotation a : annotations) writeAnnotation(g, ++annotationId, a.imageId(), a.garment(), a.mask());
            g.writeEndArray();
            g.writeArrayFieldStart("categories");
            for (int label : byCategoryId()) {
                g.writeStartObject();
                g.writeNumberField("id", GarmentCategories.categoryId(label));
                g.writeStringField("name", GarmentCategories.name(label));
                g.writeStringField("supercategory", GarmentCategories.supercategory(label));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return annotations.size();
    }

    /** COCO's file names: the image id in 12 digits. */
    static String fileName(long imageId) {
        return String.format("%012d.jpg", imageId);
    }

    /** Garment labels in ascending category id, the order COCO lists its categories in. */
    private static List<Integer> byCategoryId() {
        List<Integer> labels = new ArrayList<>();
        for (int id : GarmentCategories.sortedIds()) {
            for (int l = 0; l < GarmentCategories.count(); l++) if (GarmentCategories.categoryId(l) == id) labels.add(l);
        }
        return labels;
    }

    /** The crowd group first (behind), then the single garments; instance numbers from 1. */
    private List<Garment> paste(SceneRenderer renderer, SceneRenderer.Canvas c, IdxReader.Labeled set, SplittableRandom r) {
        List<Garment> placed = new ArrayList<>();
        int instance = 0;
        if (r.nextDouble() < crowd) {
            int label = r.nextInt(GarmentCategories.count());
            int members = CROWD_MIN + r.nextInt(CROWD_MAX - CROWD_MIN + 1);
            int side = Math.max(5, (int) Math.round(height * (CROWD_SIZE_MIN + r.nextDouble() * (CROWD_SIZE_MAX - CROWD_SIZE_MIN))));
            int cx = side + r.nextInt(Math.max(1, width - 3 * side));
            int cy = side + r.nextInt(Math.max(1, height - 3 * side));
            instance++;
            for (int m = 0; m < members; m++) {
                int x0 = cx + (int) Math.round((r.nextDouble() - 0.5) * 2 * side);
                int y0 = cy + (int) Math.round((r.nextDouble() - 0.5) * 2 * side);
                renderer.paste(c, set, indexOfLabel(set, label, r), side, x0, y0, instance, r);
            }
            placed.add(new Garment(label, true, instance));
        }
        int n = renderer.minGarments() + r.nextInt(renderer.maxGarments() - renderer.minGarments() + 1);
        for (int i = 0; i < n; i++) {
            int index = r.nextInt(set.images().count());
            int side = renderer.garmentSide(r);
            // mostly inside the image; some hang over an edge and are cut by it, as objects in photos are
            int x0 = r.nextInt(Math.max(1, width - side / 2)) - side / 4;
            int y0 = r.nextInt(Math.max(1, height - side / 2)) - side / 4;
            renderer.paste(c, set, index, side, x0, y0, ++instance, r);
            placed.add(new Garment(set.labels()[index] & 0xff, false, instance));
        }
        return placed;
    }

    private static int indexOfLabel(IdxReader.Labeled set, int label, SplittableRandom r) {
        // every class holds a tenth of Fashion-MNIST: a few draws find one
        while (true) {
            int index = r.nextInt(set.images().count());
            if ((set.labels()[index] & 0xff) == label) return index;
        }
    }

    private void writeAnnotation(JsonGenerator g, long id, long imageId, Garment garment, InstanceMask m) throws IOException {
        g.writeStartObject();
        g.writeNumberField("id", id);
        g.writeNumberField("image_id", imageId);
        g.writeNumberField("category_id", GarmentCategories.categoryId(garment.label()));
        g.writeNumberField("iscrowd", garment.crowd() ? 1 : 0);
        g.writeNumberField("area", (double) m.pixels());
        g.writeArrayFieldStart("bbox");
        // COCO boxes are [x, y, w, h] in pixel-edge coordinates: a one-pixel object is [x, y, 1, 1]
        g.writeNumber((double) m.x0());
        g.writeNumber((double) m.y0());
        g.writeNumber((double) (m.x1() - m.x0()));
        g.writeNumber((double) (m.y1() - m.y0()));
        g.writeEndArray();
        g.writeObjectFieldStart("segmentation");
        g.writeArrayFieldStart("size");
        g.writeNumber(height);
        g.writeNumber(width);
        g.writeEndArray();
        g.writeArrayFieldStart("counts");
        for (int run : m.rle()) g.writeNumber(run);
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndObject();
    }

    private long imageSeed(String split, int index) {
        return new SplittableRandom(common.seed ^ ((long) split.hashCode() << 32) ^ index).nextLong();
    }

    private String readme() {
        return "SYNTHETIC data in the COCO 2017 layout, not COCO: Fashion-MNIST garments pasted on textured scenes by\n"
                + "io.sparkcnn.dataprep.synthetic.SyntheticCoco (seed " + common.seed + ", " + width + "x" + height + ").\n"
                + "One annotation per visible garment (box = its visible pixels); crowd groups of small garments of one\n"
                + "class are one iscrowd=1 annotation with an RLE mask. Categories:\n" + GarmentCategories.table();
    }
}
