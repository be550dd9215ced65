package io.sparkcnn.dataprep.readers;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkcnn.model.data.GrayImage;
import java.io.IOException;

/** COCO segmentations to 0/1 masks at the original image size: polygons (even-odd fill) and RLE. */
final class CocoMasks {
    private CocoMasks() {
    }

    static GrayImage mask(JsonNode seg, int w, int h) throws IOException {
        if (seg.isArray()) {
            int[] m = new int[w * h];
            for (JsonNode poly : seg) {
                fillPolygon(poly, m, w, h);
            }
            return new GrayImage(w, h, m);
        }
        if (seg.isObject() && seg.has("counts") && seg.has("size")) {
            JsonNode size = seg.get("size");
            if (!size.isArray() || size.size() != 2 || !size.get(0).canConvertToInt() || !size.get(1).canConvertToInt()) {
                throw new IOException("RLE size is not [height, width]: " + size);
            }
            int rh = size.get(0).asInt();
            int rw = size.get(1).asInt();
            if (rh != h || rw != w) {
                throw new IOException("RLE size " + rw + "x" + rh + " differs from image " + w + "x" + h);
            }
            JsonNode c = seg.get("counts");
            long[] counts = c.isTextual() ? decodeCompressed(c.asText()) : readCounts(c);
            return fromRle(counts, w, h);
        }
        throw new IOException("segmentation is neither polygons nor RLE");
    }

    private static long[] readCounts(JsonNode c) {
        long[] out = new long[c.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = c.get(i).asLong();
        }
        return out;
    }

    /** Column-major runs, the first counting zeros (pycocotools' layout). */
    static GrayImage fromRle(long[] counts, int w, int h) throws IOException {
        int[] m = new int[w * h];
        long pos = 0;
        int v = 0;
        for (long run : counts) {
            if (run < 0 || run > (long) w * h - pos) { // not pos + run: a huge run must not wrap past the check
                throw new IOException("RLE runs exceed the image");
            }
            if (v == 1) {
                for (long k = pos; k < pos + run; k++) {
                    int x = (int) (k / h);
                    int y = (int) (k % h);
                    m[y * w + x] = 1;
                }
            }
            pos += run;
            v ^= 1;
        }
        return new GrayImage(w, h, m);
    }

    /** pycocotools' compressed RLE string (6 bits per char, continuation bit, deltas after the 3rd run). */
    static long[] decodeCompressed(String s) throws IOException {
        long[] tmp = new long[s.length()];
        int n = 0;
        int p = 0;
        while (p < s.length()) {
            long x = 0;
            int k = 0;
            boolean more = true;
            while (more) {
                if (p == s.length() || k == 13) {
                    throw new IOException(p == s.length() ? "compressed RLE counts end inside a number"
                            : "compressed RLE count longer than 64 bits");
                }
                int c = s.charAt(p) - 48;
                x |= (long) (c & 0x1f) << (5 * k);
                more = (c & 0x20) != 0;
                p++;
                k++;
                if (!more && (c & 0x10) != 0) {
                    x |= -1L << (5 * k);
                }
            }
            if (n > 2) {
                x += tmp[n - 2];
            }
            tmp[n++] = x;
        }
        return java.util.Arrays.copyOf(tmp, n);
    }

    /** Even-odd scanline fill at pixel centres. */
    private static void fillPolygon(JsonNode poly, int[] m, int w, int h) throws IOException {
        int n = poly.size() / 2;
        if (n < 3 || poly.size() % 2 != 0) {
            throw new IOException("polygon with " + poly.size() + " coordinates");
        }
        double[] xs = new double[n];
        double[] ys = new double[n];
        for (int i = 0; i < n; i++) {
            xs[i] = poly.get(2 * i).asDouble();
            ys[i] = poly.get(2 * i + 1).asDouble();
        }
        double[] cross = new double[n];
        for (int y = 0; y < h; y++) {
            double cy = y + 0.5;
            int k = 0;
            for (int i = 0, j = n - 1; i < n; j = i++) {
                if ((ys[i] > cy) != (ys[j] > cy)) {
                    cross[k++] = xs[i] + (cy - ys[i]) * (xs[j] - xs[i]) / (ys[j] - ys[i]);
                }
            }
            java.util.Arrays.sort(cross, 0, k);
            for (int c = 0; c + 1 < k; c += 2) {
                int x0 = Math.max(0, (int) Math.ceil(cross[c] - 0.5));
                int x1 = Math.min(w - 1, (int) Math.floor(cross[c + 1] - 0.5));
                for (int x = x0; x <= x1; x++) {
                    m[y * w + x] = 1;
                }
            }
        }
    }
}
