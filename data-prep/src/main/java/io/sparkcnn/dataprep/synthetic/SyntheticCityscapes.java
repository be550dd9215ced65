package io.sparkcnn.dataprep.synthetic;

import io.sparkcnn.model.data.IdxReader;
import io.sparkcnn.model.data.ImageCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Writes a small SYNTHETIC dataset in the exact Cityscapes layout (there is no Cityscapes on these
 * machines): {@code leftImg8bit/<split>/<city>/<city>_<seq>_<frame>_leftImg8bit.png} and
 * {@code gtFine/<split>/<city>/<city>_<seq>_<frame>_gtFine_labelIds.png} (8-bit labelIds), scenes drawn
 * by {@link SceneRenderer} from the real Fashion-MNIST garments. The train split pastes garments of
 * Fashion-MNIST's training set, val and test those of its test set, so evaluation sees unseen garments.
 * Each scene depends only on (seed, split, index): the same command writes the same bytes.
 * Exit 0 on success, 2 for bad options or an unreadable Fashion-MNIST folder.
 */
@Command(name = "synthetic-cityscapes", mixinStandardHelpOptions = true,
        description = "Generate a synthetic dataset in the Cityscapes layout from Fashion-MNIST garments on textured street scenes.")
public final class SyntheticCityscapes implements Callable<Integer> {
    /** Cities per split, as in Cityscapes; images are dealt to them in turn. */
    static final List<String> TRAIN_CITIES = List.of("aachen", "bochum", "bremen");
    static final List<String> VAL_CITIES = List.of("frankfurt", "lindau", "munster");
    static final List<String> TEST_CITIES = List.of("berlin", "bielefeld");
    /** Cityscapes' annotated frame is the 20th of each snippet. */
    static final int FRAME = 19;

    @Mixin
    GeneratorOptions common;
    @Option(names = "--width", defaultValue = "128", description = "scene width in pixels (default ${DEFAULT-VALUE})")
    int width;
    @Option(names = "--height", defaultValue = "64", description = "scene height in pixels (default ${DEFAULT-VALUE})")
    int height;
    @Option(names = "--train", defaultValue = "400", description = "train images (default ${DEFAULT-VALUE})")
    int train;
    @Option(names = "--val", defaultValue = "100", description = "val images (default ${DEFAULT-VALUE})")
    int val;
    @Option(names = "--test", defaultValue = "0", description = "test images (default ${DEFAULT-VALUE})")
    int test;
    @Option(names = "--garments", defaultValue = "2:5", description = "garments per scene, MIN:MAX (default ${DEFAULT-VALUE})")
    String garments;
    @Option(names = "--garment-size", defaultValue = "0.3:0.7",
            description = "garment side as a fraction of the scene height, MIN:MAX (default ${DEFAULT-VALUE})")
    String garmentSize;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns the exit code (tests call this). */
    public static int run(String... args) {
        return new CommandLine(new SyntheticCityscapes()).execute(args);
    }

    @Override
    public Integer call() {
        SceneRenderer renderer;
        try {
            if (train < 0 || val < 0 || test < 0 || train + val + test == 0) {
                throw new IllegalArgumentException("--train, --val, --test must be >= 0 and not all 0");
            }
            String[] g = GeneratorOptions.range(garments, "--garments");
            String[] s = GeneratorOptions.range(garmentSize, "--garment-size");
            renderer = new SceneRenderer(width, height, Integer.parseInt(g[0]), Integer.parseInt(g[1]),
                    Double.parseDouble(s[0]), Double.parseDouble(s[1]));
        } catch (IllegalArgumentException e) {
            System.err.println("synthetic-cityscapes: " + e.getMessage());
            return 2;
        }
        try {
            IdxReader.Labeled trainGarments = train > 0 ? IdxReader.readSplit(common.source, "train") : null;
            IdxReader.Labeled testGarments = val + test > 0 ? IdxReader.readSplit(common.source, "t10k") : null;
            write(renderer, "train", TRAIN_CITIES, train, trainGarments);
            write(renderer, "val", VAL_CITIES, val, testGarments);
            write(renderer, "test", TEST_CITIES, test, testGarments);
            Files.writeString(common.output.resolve("SYNTHETIC.txt"), readme(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            System.err.println("synthetic-cityscapes: " + e.getMessage());
            return 2;
        }
        System.out.printf("synthetic-cityscapes: %d train, %d val, %d test scenes of %dx%d in %s%n", train, val, test,
                width, height, common.output);
        return 0;
    }


    private void write(SceneRenderer renderer, String split, List<String> cities, int count,
            IdxReader.Labeled garmentSet) throws IOException {
        for (int i = 0; i < count; i++) {
            String city = cities.get(i % cities.size());
            String stem = String.format("%s_%06d_%06d", city, i / cities.size(), FRAME);
            SceneRenderer.Scene scene = renderer.render(garmentSet, new SplittableRandom(sceneSeed(split, i)));
            Path img = common.output.resolve("leftImg8bit").resolve(split).resolve(city).resolve(stem + "_leftImg8bit.png");
            Path gt = common.output.resolve("gtFine").resolve(split).resolve(city).resolve(stem + "_gtFine_labelIds.png");
            Files.createDirectories(img.getParent());
            Files.createDirectories(gt.getParent());
            Files.write(img, ImageCodec.encodePng(scene.image()));
            Files.write(gt, ImageCodec.encodeGrayPng(scene.labelIds()));
        }
    }

    private long sceneSeed(String split, int index) {
        return new SplittableRandom(common.seed ^ ((long) split.hashCode() << 32) ^ index).nextLong();
    }

    private String readme() {
        return "SYNTHETIC data in the Cityscapes layout, not Cityscapes: Fashion-MNIST garments pasted on textured\n"
                + "street scenes by io.sparkcnn.dataprep.synthetic.SyntheticCityscapes (seed " + common.seed + ", " + width + "x"
                + height + ").\nBackground: sky (labelId 23), building (11), road (7); void: garment borders (0, unlabeled)"
                + " and an\nego-vehicle strip (1); both map to trainId 255. Garments:\n" + GarmentClasses.table();
    }
}
