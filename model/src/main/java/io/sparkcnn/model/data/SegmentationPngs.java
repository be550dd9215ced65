package io.sparkcnn.model.data;

/**
 * Predict output of a segmentation net as PNG files: the trainId mask (8-bit gray), the same mask in
 * Cityscapes labelIds (what cityscapesScripts' evaluator reads), and a colour overlay (the palette blended
 * over the input image). Each kind goes to its own folder under the output, with the input's file name
 * ({@link #fileName}): the evaluator finds a prediction by matching {@code <city>_<seq>_<frame>*.png}
 * anywhere under its results folder and refuses two matches, so point it at {@link #LABEL_IDS} alone.
 */
public final class SegmentationPngs {
    public static final String TRAIN_IDS = "trainIds";
    public static final String LABEL_IDS = "labelIds";
    public static final String OVERLAY = "overlay";

    private SegmentationPngs() {}

    /** The input's file name with its extension replaced by .png: the stem stays, for the evaluator. */
    public static String fileName(String inputKey) {
        String name = inputKey.substring(inputKey.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        return (dot > 0 ? name.substring(0, dot) : name) + ".png";
    }

    /** 8-bit gray PNG of a trainId mask: values in [0, classes) or the ignore label 255. */
    public static byte[] trainIdPng(GrayImage trainIds, int classes) {
        for (int i = 0; i < trainIds.values().length; i++) {
            int v = trainIds.values()[i];
            if ((v < 0 || v >= classes) && v != CityscapesLabels.IGNORE) {
                throw new IllegalArgumentException("train id " + v + " at pixel " + i + " is outside [0, " + classes
                        + ") and is not 255");
            }
        }
        return ImageCodec.encodeGrayPng(trainIds);
    }

    /** 8-bit gray PNG in Cityscapes labelIds; a pixel left at 255 (no prediction) becomes 0, 'unlabeled'. */
    public static byte[] cityscapesLabelIdPng(GrayImage trainIds) {
        int[] ids = new int[trainIds.values().length];
        for (int i = 0; i < ids.length; i++) {
            int t = trainIds.values()[i];
            ids[i] = t == CityscapesLabels.IGNORE ? 0 : CityscapesLabels.labelId(t);
        }
        return ImageCodec.encodeGrayPng(new GrayImage(trainIds.width(), trainIds.height(), ids));
    }

    /**
     * RGB PNG of the image with each pixel's class colour (palette[trainId], 0xRRGGBB) blended in with
     * weight alpha in [0, 1]; pixels at 255 keep the image. The mask must have the image's size.
     */
    public static byte[] overlayPng(RgbImage image, GrayImage trainIds, int[] palette, double alpha) {
        return ImageCodec.encodePng(overlay(image, trainIds, palette, alpha));
    }

    public static RgbImage overlay(RgbImage image, GrayImage trainIds, int[] palette, double alpha) {
        if (image.width() != trainIds.width() || image.height() != trainIds.height()) {
            throw new IllegalArgumentException("prediction is " + trainIds.width() + "x" + trainIds.height()
                    + ", its image is " + image.width() + "x" + image.height());
        }
        if (!(alpha >= 0 && alpha <= 1)) throw new IllegalArgumentException("overlay alpha must be in [0, 1], got " + alpha);
        byte[] in = image.pixels();
        byte[] out = in.clone();
        int[] t = trainIds.values();
        for (int i = 0; i < t.length; i++) {
            if (t[i] == CityscapesLabels.IGNORE) continue;
            if (t[i] < 0 || t[i] >= palette.length) {
                throw new IllegalArgumentException("train id " + t[i] + " at pixel " + i + " has no palette colour (palette of "
                        + palette.length + ")");
            }
            int rgb = palette[t[i]];
            for (int c = 0; c < 3; c++) {
                int colour = (rgb >> (16 - 8 * c)) & 0xff;
                out[3 * i + c] = (byte) Math.round((1 - alpha) * (in[3 * i + c] & 0xff) + alpha * colour);
            }
        }
        return new RgbImage(image.width(), image.height(), out);
    }
}
