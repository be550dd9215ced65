package io.sparkcnn.dataprep.synthetic;

/**
 * The visible pixels of one pasted garment (or crowd group) on a canvas: their count, their
 * bounding box [x0, x1) x [y0, y1) and their COCO uncompressed RLE (column-major run lengths,
 * starting with a run of zeros, as pycocotools' {@code frPyObjects} reads them).
 */
record InstanceMask(int pixels, int x0, int y0, int x1, int y1, int[] rle) {
    static InstanceMask of(SceneRenderer.Canvas c, int instance) {
        int w = c.width, h = c.height;
        int count = 0, x0 = w, y0 = h, x1 = 0, y1 = 0;
        int[] runs = new int[w * h + 1];
        int nRuns = 0, run = 0;
        boolean inside = false;
        for (int x = 0; x < w; x++) {
            for (int y = 0; y < h; y++) {
                boolean on = c.instances[y * w + x] == instance;
                if (on != inside) {
                    runs[nRuns++] = run;
                    run = 0;
                    inside = on;
                }
                run++;
                if (on) {
                    count++;
                    x0 = Math.min(x0, x);
                    y0 = Math.min(y0, y);
                    x1 = Math.max(x1, x + 1);
                    y1 = Math.max(y1, y + 1);
                }
            }
        }
        runs[nRuns++] = run;
        if (count == 0) x0 = y0 = 0;
        return new InstanceMask(count, x0, y0, x1, y1, java.util.Arrays.copyOf(runs, nRuns));
    }
}
