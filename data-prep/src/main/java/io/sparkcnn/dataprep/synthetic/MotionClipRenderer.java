package io.sparkcnn.dataprep.synthetic;

import io.sparkcnn.model.data.IdxReader;
import java.util.SplittableRandom;

/**
 * Draws the frames of one synthetic video: a real Fashion-MNIST garment, tinted, gliding at a constant
 * velocity over a static textured background (value noise and a grating) with fresh sensor noise in every
 * frame. The frame is a torus: a garment leaving one edge comes back at the opposite one, so it never
 * leaves the frame and every start position is possible for every velocity. Everything but the velocity
 * is drawn by {@link #draw} before the velocity is known, which is what makes a single frame carry no
 * information about the class (see {@link SyntheticKinetics}).
 */
public final class MotionClipRenderer {
    /** Per-pixel sensor noise (standard deviation, 0..255), drawn afresh for every frame. */
    static final double NOISE = 6.0;

    private final int width;
    private final int height;
    private final int frames;
    private final int side;

    /** Frames of width x height (even, >= 16), a garment side of {@code side} pixels (< both sides). */
    public MotionClipRenderer(int width, int height, int frames, int side) {
        if (width < 16 || height < 16 || width % 2 != 0 || height % 2 != 0) {
            throw new IllegalArgumentException("frames must be at least 16x16 with even sides (H.264 4:2:0), got " + width + "x" + height);
        }
        if (frames < 1) throw new IllegalArgumentException("--frames must be >= 1, got " + frames);
        if (side < 4 || side >= Math.min(width, height)) {
            throw new IllegalArgumentException("--garment-size must be >= 4 and smaller than both frame sides, got " + side);
        }
        this.width = width;
        this.height = height;
        this.frames = frames;
        this.side = side;
    }

    public int width() { return width; }

    public int height() { return height; }

    public int frames() { return frames; }

    /**
     * What a video shows apart from its motion, drawn independently of the class: the garment's coverage
     * (alpha) and shading (0..1, side x side), its tint, the background (HWC), the start position and the
     * seed of the per-frame noise.
     */
    public record Scene(int garment, float[] alpha, float[] shade, float[] tint, float[] background, int x0, int y0,
                        long noiseSeed) {}

    /** Draws garment (index into the set), its tint, the background and the start position, uniformly. */
    public Scene draw(IdxReader.Labeled garments, SplittableRandom r) {
        int g = r.nextInt(garments.images().count());
        float[] bg = background(r);
        float[] mean = new float[3];
        for (int i = 0; i < bg.length; i++) mean[i % 3] += bg[i] / (width * height);
        float[] tint = new float[3];
        for (int k = 0; k < 3; k++) {
            // far from the background's mean colour, so the garment stands out in every channel
            tint[k] = (float) clamp((mean[k] < 128 ? 225 : 30) + 30 * (r.nextDouble() - 0.5));
        }
        float[] shade = resample(garments.images(), g);
        float bright = brightness(shade);
        float[] alpha = new float[shade.length];
        for (int i = 0; i < shade.length; i++) {
            // Fashion-MNIST has dark garments too: scaled by its own brightness, every garment is opaque
            // where it is at least half that bright, and fades out over its border
            shade[i] = Math.min(1f, shade[i] / bright);
            alpha[i] = Math.min(1f, 2 * shade[i]);
        }
        return new Scene(g, alpha, shade, tint, bg, r.nextInt(width), r.nextInt(height), r.nextLong());
    }

    /** The video's frames for this velocity (pixels per frame), each packed RGB, HWC. */
    public byte[][] frames(Scene s, int vx, int vy) {
        byte[][] out = new byte[frames][];
        SplittableRandom noise = new SplittableRandom(s.noiseSeed());
        for (int k = 0; k < frames; k++) out[k] = frame(s, vx, vy, k, noise.split());
        return out;
    }

    private byte[] frame(Scene s, int vx, int vy, int k, SplittableRandom noise) {
        float[] rgb = s.background().clone();
        int ox = Math.floorMod(s.x0() + vx * k, width);
        int oy = Math.floorMod(s.y0() + vy * k, height);
        for (int gy = 0; gy < side; gy++) {
            int y = (oy + gy) % height;
            for (int gx = 0; gx < side; gx++) {
                float a = s.alpha()[gy * side + gx];
                if (a <= 0) continue;
                float shade = 0.75f + 0.25f * s.shade()[gy * side + gx]; // the garment's own folds and seams
                int i = (y * width + (ox + gx) % width) * 3;
                for (int c = 0; c < 3; c++) rgb[i + c] = a * s.tint()[c] * shade + (1 - a) * rgb[i + c];
            }
        }
        byte[] px = new byte[rgb.length];
        for (int i = 0; i < rgb.length; i++) px[i] = (byte) Math.round(clamp(rgb[i] + NOISE * gaussian(noise)));
        return px;
    }

    /** Value noise (an 8-pixel lattice, bilinear) over a random base colour plus a random grating. */
    private float[] background(SplittableRandom r) {
        int gw = width / 8 + 2;
        int gh = height / 8 + 2;
        float[] lattice = new float[gw * gh * 3];
        for (int i = 0; i < lattice.length; i++) lattice[i] = (float) (r.nextDouble() - 0.5) * 70;
        double[] base = {50 + 155 * r.nextDouble(), 50 + 155 * r.nextDouble(), 50 + 155 * r.nextDouble()};
        double angle = r.nextDouble() * Math.PI;
        double freq = 0.4 + 0.8 * r.nextDouble();
        double phase = r.nextDouble() * 2 * Math.PI;
        double amp = 8 + 12 * r.nextDouble();
        float[] bg = new float[width * height * 3];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double fx = x / 8.0;
                double fy = y / 8.0;
                int lx = (int) fx;
                int ly = (int) fy;
                double tx = fx - lx;
                double ty = fy - ly;
                double grating = amp * Math.sin(freq * (Math.cos(angle) * x + Math.sin(angle) * y) + phase);
                for (int c = 0; c < 3; c++) {
                    double v = (1 - ty) * ((1 - tx) * lattice[(ly * gw + lx) * 3 + c] + tx * lattice[(ly * gw + lx + 1) * 3 + c])
                            + ty * ((1 - tx) * lattice[((ly + 1) * gw + lx) * 3 + c] + tx * lattice[((ly + 1) * gw + lx + 1) * 3 + c]);
                    bg[(y * width + x) * 3 + c] = (float) clamp(base[c] + v + grating);
                }
            }
        }
        return bg;
    }

    /** Garment g of the set resampled (box-filter area average) from 28x28 to side x side, 0..1. */
    private float[] resample(IdxReader.Images im, int g) {
        int n = im.rows();
        float[] a = new float[side * side];
        double scale = (double) n / side;
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                double sum = 0;
                double w = 0;
                for (int sy = (int) (y * scale); sy < Math.min(n, (int) Math.ceil((y + 1) * scale)); sy++) {
                    for (int sx = (int) (x * scale); sx < Math.min(n, (int) Math.ceil((x + 1) * scale)); sx++) {
                        sum += im.pixels()[g * n * im.cols() + sy * im.cols() + sx] & 0xff;
                        w++;
                    }
                }
                a[y * side + x] = (float) (sum / w / 255.0);
            }
        }
        return a;
    }

    /** The 90th percentile of the garment's non-background pixels (a bright logo must not make the rest faint). */
    private static float brightness(float[] v) {
        float[] on = new float[v.length];
        int n = 0;
        for (float x : v) if (x > 0.05f) on[n++] = x;
        if (n == 0) return 1f;
        java.util.Arrays.sort(on, 0, n);
        return Math.max(0.05f, on[(int) (0.9 * (n - 1))]);
    }

    private static double gaussian(SplittableRandom r) {
        // Box-Muller on SplittableRandom (java.util.Random's nextGaussian would need another generator)
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    private static double clamp(double v) { return Math.max(0, Math.min(255, v)); }
}
