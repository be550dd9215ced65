package io.sparkcnn.model.data;

/**
 * How the stored image payload is encoded: {@code keep} (the source's own kind of coding: the source
 * bytes when they are a standard RGB JPEG and no resize changed them, JPEG q{@code Q} for other JPEGs,
 * PNG for lossless sources such as PNG, BMP or GIF, so a lossless dataset never gets a lossy copy),
 * {@code jpeg[:Q]} (re-encode at quality Q, default 90),
 * {@code png} (lossless) or {@code raw} (uint8 RGB, HWC). Serializable only so Spark can ship it in task closures.
 */
public record EncodingPolicy(Kind kind, int quality) implements java.io.Serializable {
    public enum Kind { KEEP, JPEG, PNG, RAW }

    public static final EncodingPolicy KEEP = new EncodingPolicy(Kind.KEEP, 90);
    public static final EncodingPolicy PNG = new EncodingPolicy(Kind.PNG, 0);
    public static final EncodingPolicy RAW = new EncodingPolicy(Kind.RAW, 0);

    public EncodingPolicy {
        if ((kind == Kind.JPEG || kind == Kind.KEEP) && (quality < 1 || quality > 100)) {
            throw new IllegalArgumentException("JPEG quality must be in 1..100");
        }
    }

    public static EncodingPolicy jpeg(int quality) {
        return new EncodingPolicy(Kind.JPEG, quality);
    }

    public static EncodingPolicy parse(String text) {
        String[] p = text.trim().toLowerCase(java.util.Locale.ROOT).split(":");
        try {
            return switch (p[0]) {
                case "keep" -> p.length > 1 ? new EncodingPolicy(Kind.KEEP, Integer.parseInt(p[1])) : KEEP;
                case "jpeg" -> jpeg(p.length > 1 ? Integer.parseInt(p[1]) : 90);
                case "png" -> PNG;
                case "raw" -> RAW;
                default -> throw new IllegalArgumentException("unknown encoding '" + text + "': use keep, jpeg[:Q], png or raw");
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad encoding '" + text + "'", e);
        }
    }

    @Override
    public String toString() {
        return switch (kind) {
            case KEEP -> "keep:" + quality;
            case JPEG -> "jpeg:" + quality;
            case PNG -> "png";
            case RAW -> "raw";
        };
    }

    /** The payload and its {@link ShardSchema#ENCODING} value. */
    public record Encoded(byte[] bytes, String encoding) {
    }

    /** What {@code keep} needs to know of the source bytes an image was decoded from. */
    public enum Source {
        /** A standard 3-component JPEG and the image is its untouched decode: the bytes may be stored as they are. */
        STANDARD_JPEG_UNTOUCHED,
        /** Lossy source (JPEG), changed by a resize or not standard: re-encoded as JPEG. */
        LOSSY,
        /** Lossless source (PNG, BMP, GIF, ...) or pixels with no coded source: stored as PNG. */
        LOSSLESS
    }

    /** Formats ({@link ImageInfo#format()}) whose pixels are exact: {@code keep} stores them losslessly. */
    private static final java.util.Set<String> LOSSLESS_FORMATS = java.util.Set.of("png", "bmp", "gif", "wbmp", "tif", "tiff");

    /** Classifies a decoded source for {@code keep}; {@code untouched}: no resize changed the decoded pixels. */
    public static Source sourceOf(DecodedImage d, boolean untouched) {
        if (LOSSLESS_FORMATS.contains(d.info().format())) {
            return Source.LOSSLESS;
        }
        return untouched && d.standardJpeg() ? Source.STANDARD_JPEG_UNTOUCHED : Source.LOSSY;
    }

    /** Encodes {@code img}; {@code source} are the original bytes, {@code kindOfSource} what {@code keep} may do with them. */
    public Encoded encode(RgbImage img, byte[] source, Source kindOfSource) {
        return switch (kind) {
            case KEEP -> switch (kindOfSource) {
                case STANDARD_JPEG_UNTOUCHED -> new Encoded(source, ShardSchema.ENC_JPEG);
                case LOSSY -> new Encoded(ImageCodec.encodeJpeg(img, quality / 100f), ShardSchema.ENC_JPEG);
                case LOSSLESS -> new Encoded(ImageCodec.encodePng(img), ShardSchema.ENC_PNG);
            };
            case JPEG -> new Encoded(ImageCodec.encodeJpeg(img, quality / 100f), ShardSchema.ENC_JPEG);
            case PNG -> new Encoded(ImageCodec.encodePng(img), ShardSchema.ENC_PNG);
            case RAW -> new Encoded(img.pixels(), ShardSchema.ENC_RAW);
        };
    }

    /** Decodes a stored payload back to RGB (what the training jobs call). */
    public static RgbImage decodePayload(byte[] payload, String encoding, int width, int height, ImageCodec codec)
            throws RejectedException {
        if (ShardSchema.ENC_RAW.equals(encoding)) {
            return new RgbImage(width, height, payload);
        }
        return codec.decode(payload).image();
    }
}
