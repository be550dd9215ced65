package io.sparkcnn.dataprep.synthetic;

import io.sparkcnn.model.data.GrayImage;
import io.sparkcnn.model.data.IdxReader;
import io.sparkcnn.model.data.RgbImage;
import java.util.SplittableRandom;

/**
 * Draws one street-like scene: textured sky, a band of buildings and a road (value noise, bricks and
 * windows, asphalt grain and lane marks, never flat colour), then real Fashion-MNIST garments pasted at
 * random positions and sizes, each labelled with its Cityscapes class ({@link GarmentClasses}). A garment
 * pixel is its class where the (resampled) garment is solid, void ('unlabeled') on its soft border, and
 * background where the garment is empty; later garments cover earlier ones in image and labels alike.
 * Some scenes get an ego-vehicle strip at the bottom (void too).
 */
public final class SceneRenderer {
    /** Garment intensity (0..1) at or above which a pixel is the garment's class. */
    static final float SOLID = 0.30f;
    /** Between BORDER and SOLID a pixel is void: the annotator could not say. */
    static final float BORDER = 0.06f;

    private final int width;
    private final int height;
    private final int minGarments;
    private final int maxGarments;
    private final double minSize;
    private final double maxSize;

    /** Garment count in [minGarments, maxGarments]; garment side a fraction [minSize, maxSize] of the height. */
    public SceneRenderer(int width, int height, int minGarments, int maxGarments, double minSize, double maxSize) {
        if (width < 8 || height < 8) throw new IllegalArgumentException("scene must be at least 8x8, got " + width + "x" + height);
        if (minGarments < 0 || maxGarments < minGarments) {
            throw new IllegalArgumentException("garments per scene must satisfy 0 <= min <= max, got " + minGarments + ".." + maxGarments);
        }
        if (!(minSize > 0) || maxSize < minSize || maxSize > 1.5) {
            throw new IllegalArgumentException("garment size must satisfy 0 < min <= max <= 1.5, got " + minSize + ".." + maxSize);
        }
        this.width = width;
        this.height = height;
        this.minGarments = minGarments;
        this.maxGarments = maxGarments;
        this.minSize = minSize;
        this.maxSize = maxSize;
    }

    public record Scene(RgbImage image, GrayImage labelIds) {}

    /**
     * A scene while garments are pasted on it: the pixels, the Cityscapes labelIds, and which pasted
     * garment owns each pixel (its instance number, 1 for the first; 0 for background and for soft
     * borders, where no annotator would say which garment it is).
     */
    static final class Canvas {
        final int width;
        final int height;
        final float[] rgb;
        final int[] labels;
        final int[] instances;

        Canvas(int width, int height) {
            this.width = width;
            this.height = height;
            this.rgb = new float[width * height * 3];
            this.labels = new int[width * height];
            this.instances = new int[width * height];
        }

        RgbImage image() {
            byte[] px = new byte[rgb.length];
            for (int i = 0; i < rgb.length; i++) px[i] = (byte) Math.round(Math.max(0, Math.min(255, rgb[i])));
            return new RgbImage(width, height, px);
        }
    }

    public Scene render(IdxReader.Labeled garments, SplittableRandom r) {
        Canvas c = background(r);
        int n = minGarments + r.nextInt(maxGarments - minGarments + 1);
        for (int i = 0; i < n; i++) {
            int index = r.nextInt(garments.images().count());
            int side = garmentSide(r);
            int x0 = r.nextInt(width + side / 2) - side / 4;  // may hang a quarter over either edge
            int y0 = r.nextInt(height + side / 2) - side / 4;
            paste(c, garments, index, side, x0, y0, i + 1, r);
        }
        if (r.nextInt(4) == 0) egoVehicle(c, r);
        return new Scene(c.image(), new GrayImage(width, height, c.labels));
    }

    /** A garment side in pixels drawn from the renderer's size range (a fraction of the height). */
    int garmentSide(SplittableRandom r) {
        return Math.max(6, (int) Math.round(height * (minSize + r.nextDouble() * (maxSize - minSize))));
    }

    int width() { return width; }

    int height() { return height; }

    int minGarments() { return minGarments; }

    int maxGarments() { return maxGarments; }

    /** The textured sky, buildings and road of a new scene. */
    Canvas background(SplittableRandom r) {
        Canvas c = new Canvas(width, height);
        background(c.rgb, c.labels, r);
        return c;
    }

    private void background(float[] rgb, int[] labels, SplittableRandom r) {
        int horizon = (int) (height * (0.30 + 0.15 * r.nextDouble()));   // sky above
        int roadTop = (int) (height * (0.55 + 0.15 * r.nextDouble()));   // road below
        float[] cloud = valueNoise(r, 6);
        float[] grime = valueNoise(r, 10);
        float[] grain = valueNoise(r, 2);
        float[] skyTint = {60 + 30 * (float) r.nextDouble(), 110 + 40 * (float) r.nextDouble(), 170 + 60 * (float) r.nextDouble()};
        float[] wall = {90 + 80 * (float) r.nextDouble(), 60 + 60 * (float) r.nextDouble(), 50 + 50 * (float) r.nextDouble()};
        int brickH = 3 + r.nextInt(3);
        int brickW = 2 * brickH + r.nextInt(4);
        int winPeriod = 6 + r.nextInt(6);
        int laneX = r.nextInt(12);
        for (int y = 0; y < height; y++) {
            // a ragged skyline: building tops vary per column block
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                int skyline = horizon - (int) (height * 0.12 * cloud[((x / 5) * 5) % width]);
                float[] c;
                if (y < skyline) {
                    float t = cloud[i];
                    float up = (float) y / Math.max(1, skyline);
                    c = new float[] {skyTint[0] + 80 * t + 20 * up, skyTint[1] + 60 * t + 10 * up, skyTint[2] + 30 * t};
                    labels[i] = GarmentClasses.SKY;
                } else if (y < roadTop) {
                    boolean mortar = y % brickH == 0 || (x + (y / brickH % 2) * brickW / 2) % brickW == 0;
                    boolean window = (x / winPeriod) % 2 == 1 && ((y - skyline) / winPeriod) % 2 == 1;
                    float g = 0.7f + 0.6f * grime[i];
                    c = window ? new float[] {40 * g, 50 * g, 70 * g + 20 * grain[i]}
                            : mortar ? new float[] {170 * g, 165 * g, 155 * g}
                            : new float[] {wall[0] * g, wall[1] * g, wall[2] * g};
                    labels[i] = GarmentClasses.BUILDING;
                } else {
                    float depth = (float) (y - roadTop) / Math.max(1, height - roadTop);
                    float a = 70 + 40 * grain[i] + 25 * grime[i] + 20 * depth;
                    boolean lane = Math.abs(x - width / 2 - laneX) < 1 + depth * 2 && (y / 4) % 2 == 0;
                    c = lane ? new float[] {220 + 20 * grain[i], 215, 200} : new float[] {a, a * 0.97f, a * 1.02f};
                    labels[i] = GarmentClasses.ROAD;
                }
                float n = 12 * ((float) r.nextDouble() - 0.5f); // sensor noise
                for (int k = 0; k < 3; k++) rgb[i * 3 + k] = c[k] + n;
            }
        }
    }

    /** Smooth noise in [0, 1]: random values on a grid of the given cell size, bilinearly interpolated. */
    private float[] valueNoise(SplittableRandom r, int cell) {
        int gw = width / cell + 2;
        int gh = height / cell + 2;
        float[] grid = new float[gw * gh];
        for (int i = 0; i < grid.length; i++) grid[i] = (float) r.nextDouble();
        float[] out = new float[width * height];
        for (int y = 0; y < height; y++) {
            float fy = (float) y / cell;
            int y0 = (int) fy;
            float ty = fy - y0;
            for (int x = 0; x < width; x++) {
                float fx = (float) x / cell;
                int x0 = (int) fx;
                float tx = fx - x0;
                float top = grid[y0 * gw + x0] * (1 - tx) + grid[y0 * gw + x0 + 1] * tx;
                float bot = grid[(y0 + 1) * gw + x0] * (1 - tx) + grid[(y0 + 1) * gw + x0 + 1] * tx;
                out[y * width + x] = top * (1 - ty) + bot * ty;
            }
        }
        return out;
    }

    /**
     * Pastes garment index of the set as a side x side square at (x0, y0) (it may hang over the
     * edges), tinted and striped at random; its solid pixels become its class and instance.
     */
    void paste(Canvas c, IdxReader.Labeled garments, int index, int side, int x0, int y0, int instance, SplittableRandom r) {
        IdxReader.Images im = garments.images();
        int rows = im.rows();
        int cols = im.cols();
        int labelId = GarmentClasses.labelId(garments.labels()[index] & 0xff);
        float[] rgb = c.rgb;
        int[] labels = c.labels;
        float[] tint = {40 + 200 * (float) r.nextDouble(), 40 + 200 * (float) r.nextDouble(), 40 + 200 * (float) r.nextDouble()};
        int stripe = 2 + r.nextInt(5);
        float stripeDepth = r.nextInt(2) == 0 ? 0 : 0.25f * (float) r.nextDouble();
        int base = index * rows * cols;
        for (int py = 0; py < side; py++) {
            int y = y0 + py;
            if (y < 0 || y >= height) continue;
            for (int px = 0; px < side; px++) {
                int x = x0 + px;
                if (x < 0 || x >= width) continue;
                float a = bilinear(im.pixels(), base, rows, cols, (px + 0.5f) * cols / side - 0.5f,
                        (py + 0.5f) * rows / side - 0.5f);
                if (a < BORDER) continue;
                int i = y * width + x;
                // the garment's own shading (its Fashion-MNIST intensity) times a fabric stripe pattern
                float shade = (0.45f + 0.55f * a) * (1 - (((px + py) / stripe) % 2) * stripeDepth);
                float alpha = Math.min(1f, a / SOLID);
                for (int k = 0; k < 3; k++) rgb[i * 3 + k] = alpha * tint[k] * shade + (1 - alpha) * rgb[i * 3 + k];
                labels[i] = a >= SOLID ? labelId : GarmentClasses.UNLABELED;
                c.instances[i] = a >= SOLID ? instance : 0;
            }
        }
    }

    private static float bilinear(byte[] p, int base, int rows, int cols, float fx, float fy) {
        fx = Math.max(0, Math.min(cols - 1, fx));
        fy = Math.max(0, Math.min(rows - 1, fy));
        int x1 = (int) fx;
        int y1 = (int) fy;
        int x2 = Math.min(cols - 1, x1 + 1);
        int y2 = Math.min(rows - 1, y1 + 1);
        float tx = fx - x1;
        float ty = fy - y1;
        float a = p[base + y1 * cols + x1] & 0xff;
        float b = p[base + y1 * cols + x2] & 0xff;
        float c = p[base + y2 * cols + x1] & 0xff;
        float d = p[base + y2 * cols + x2] & 0xff;
        float top = a + (b - a) * tx;
        float bot = c + (d - c) * tx;
        return (top + (bot - top) * ty) / 255f;
    }

    private void egoVehicle(Canvas c, SplittableRandom r) {
        int top = height - Math.max(1, height / 16);
        float shade = 20 + 30 * (float) r.nextDouble();
        for (int y = top; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                float gloss = 25 * (float) Math.sin(x * 0.3 + y);
                for (int k = 0; k < 3; k++) c.rgb[i * 3 + k] = shade + gloss;
                c.labels[i] = GarmentClasses.EGO_VEHICLE;
                c.instances[i] = 0;
            }
        }
    }
}
