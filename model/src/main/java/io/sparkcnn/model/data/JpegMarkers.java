package io.sparkcnn.model.data;

/**
 * Reads the few JPEG header fields ImageIO does not expose before decoding: component count,
 * precision and the Adobe APP14 colour transform (needed to turn CMYK/YCCK into RGB correctly).
 */
record JpegMarkers(int components, int precision, int adobeTransform) {
    /** No Adobe APP14 marker was found. */
    static final int NO_ADOBE = -1;

    static boolean isJpeg(byte[] b) {
        return b.length >= 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8 && (b[2] & 0xff) == 0xff;
    }

    /** Scans markers up to the first start-of-scan; missing fields stay 0 / NO_ADOBE. */
    static JpegMarkers parse(byte[] b) {
        int comps = 0;
        int precision = 0;
        int adobe = NO_ADOBE;
        int i = 2;
        while (i + 4 <= b.length) {
            if ((b[i] & 0xff) != 0xff) {
                break;
            }
            int marker = b[i + 1] & 0xff;
            if (marker == 0xff) { // fill byte
                i++;
                continue;
            }
            if (marker == 0xda || marker == 0xd9) {
                break;
            }
            int len = ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
            int data = i + 4;
            boolean sof = marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
            if (sof && data + 6 <= b.length) {
                precision = b[data] & 0xff;
                comps = b[data + 5] & 0xff;
            } else if (marker == 0xee && len >= 12 && data + 12 <= b.length
                    && b[data] == 'A' && b[data + 1] == 'd' && b[data + 2] == 'o' && b[data + 3] == 'b' && b[data + 4] == 'e') {
                adobe = b[data + 11] & 0xff;
            }
            i += 2 + len;
        }
        return new JpegMarkers(comps, precision, adobe);
    }
}
