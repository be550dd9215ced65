package io.sparkcnn.model.data;

/**
 * How images are resized before storing: {@code keep}, {@code shorter-side:S} (shorter side scaled
 * to S, aspect kept) or {@code center-crop:S[:C]} (shorter side to S, then the centre C x C; C
 * defaults to S). Serializable only so Spark can ship it in task closures. Masks use the same geometry with nearest-neighbour sampling so labels stay labels.
 */
public record ResizePolicy(Mode mode, int size, int crop) implements java.io.Serializable {
    public enum Mode { KEEP, SHORTER_SIDE, CENTER_CROP }

    public static final ResizePolicy KEEP = new ResizePolicy(Mode.KEEP, 0, 0);

    public ResizePolicy {
        if (mode != Mode.KEEP && size <= 0) {
            throw new IllegalArgumentException("resize size must be > 0");
        }
        if (mode == Mode.CENTER_CROP && (crop <= 0 || crop > size)) {
            throw new IllegalArgumentException("crop must be in 1.." + size);
        }
    }

    public static ResizePolicy shorterSide(int s) {
        return new ResizePolicy(Mode.SHORTER_SIDE, s, 0);
    }

    public static ResizePolicy centerCrop(int s, int c) {
        return new ResizePolicy(Mode.CENTER_CROP, s, c);
    }

    /** Parses the textual form used in configs and on the command line. */
    public static ResizePolicy parse(String text) {
        String[] p = text.trim().toLowerCase(java.util.Locale.ROOT).split(":");
        try {
            return switch (p[0]) {
                case "keep" -> KEEP;
                case "shorter-side" -> shorterSide(Integer.parseInt(p[1]));
                case "center-crop" -> centerCrop(Integer.parseInt(p[1]), p.length > 2 ? Integer.parseInt(p[2]) : Integer.parseInt(p[1]));
                default -> throw new IllegalArgumentException("unknown resize policy '" + text + "'");
            };
        } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
            throw new IllegalArgumentException("bad resize policy '" + text + "': use keep, shorter-side:S or center-crop:S[:C]", e);
        }
    }

    @Override
    public String toString() {
        return switch (mode) {
            case KEEP -> "keep";
            case SHORTER_SIDE -> "shorter-side:" + size;
            case CENTER_CROP -> "center-crop:" + size + ":" + crop;
        };
    }

    /** Target geometry for a w x h input: scaled size and the crop window inside it. */
    public Geometry geometry(int w, int h) {
        if (mode == Mode.KEEP) {
            return new Geometry(w, h, 0, 0, w, h);
        }
        int sw;
        int sh;
        if (w <= h) {
            sw = size;
            sh = Math.max(1, (int) Math.round((double) h * size / w));
        } else {
            sh = size;
            sw = Math.max(1, (int) Math.round((double) w * size / h));
        }
        if (mode == Mode.SHORTER_SIDE) {
            return new Geometry(sw, sh, 0, 0, sw, sh);
        }
        return new Geometry(sw, sh, (sw - crop) / 2, (sh - crop) / 2, crop, crop);
    }

    public boolean isKeep() {
        return mode == Mode.KEEP;
    }

    public RgbImage apply(RgbImage img) {
        Geometry g = geometry(img.width(), img.height());
        if (g.isIdentity(img.width(), img.height())) {
            return img;
        }
        return Resampler.crop(Resampler.resizeRgb(img, g.scaledWidth(), g.scaledHeight()), g);
    }

    public GrayImage apply(GrayImage img) {
        Geometry g = geometry(img.width(), img.height());
        if (g.isIdentity(img.width(), img.height())) {
            return img;
        }
        return Resampler.crop(Resampler.resizeNearest(img, g.scaledWidth(), g.scaledHeight()), g);
    }

    /** Scale to (scaledWidth x scaledHeight), then keep the window (x, y, width, height). */
    public record Geometry(int scaledWidth, int scaledHeight, int x, int y, int width, int height) {
        boolean isIdentity(int w, int h) {
            return scaledWidth == w && scaledHeight == h && x == 0 && y == 0 && width == w && height == h;
        }

        /** Scale factors from input to stored pixels (for boxes). */
        public double scaleX(int inputWidth) {
            return (double) scaledWidth / inputWidth;
        }

        public double scaleY(int inputHeight) {
            return (double) scaledHeight / inputHeight;
        }
    }
}
