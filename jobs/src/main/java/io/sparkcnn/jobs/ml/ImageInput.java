package io.sparkcnn.jobs.ml;

import io.sparkcnn.jobs.data.EncodedRows;
import io.sparkcnn.model.data.ImageCodec;
import io.sparkcnn.model.data.ImageInfo;
import io.sparkcnn.model.data.RejectedException;
import io.sparkcnn.model.data.ShardSchema;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * The image column of a DataFrame in one of the three layouts the Spark ML stages take, and its
 * rows as shard payloads (the bytes, encoding and size {@link io.sparkcnn.jobs.data.ImageTransform}
 * decodes):
 * <ul>
 *   <li>Spark's image data source struct (origin, height, width, nChannels, mode, data), pixels in
 *       BGR(A) order, 1, 3 or 4 channels: stored raw RGB;</li>
 *   <li>binary encoded image bytes (binaryFile's {@code content}): kept as they are when PNG or JPEG,
 *       other formats the codec reads (BMP, GIF) stored raw RGB;</li>
 *   <li>the shard table's {@code image} column, beside its {@code encoding}, {@code height} and
 *       {@code width} columns.</li>
 * </ul>
 * Indices are fixed on the driver from the schema, so the executors read rows by position.
 */
final class ImageInput implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The fields of Spark's image data source struct (ImageSchema.columnSchema). */
    static final List<String> IMAGE_STRUCT_FIELDS = List.of("origin", "height", "width", "nChannels", "mode", "data");

    enum Kind { IMAGE_STRUCT, ENCODED, SHARD }

    private final String column;
    private final Kind kind;
    private final int image, encoding, height, width, key;

    private ImageInput(String column, Kind kind, int image, int encoding, int height, int width, int key) {
        this.column = column;
        this.kind = kind;
        this.image = image;
        this.encoding = encoding;
        this.height = height;
        this.width = width;
        this.key = key;
    }

    /** The layout of column in schema; anything else is refused naming the column and what it holds. */
    static ImageInput of(StructType schema, String column) {
        if (!Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new IllegalArgumentException("image column '" + column + "' is not in the DataFrame (columns: "
                    + String.join(", ", schema.fieldNames()) + ")");
        }
        int at = schema.fieldIndex(column);
        DataType type = schema.fields()[at].dataType();
        if (type instanceof StructType s && Arrays.asList(s.fieldNames()).equals(IMAGE_STRUCT_FIELDS)) {
            requireStructTypes(column, s);
            return new ImageInput(column, Kind.IMAGE_STRUCT, at, -1, -1, -1, -1);
        }
        if (type.equals(DataTypes.BinaryType)) {
            int enc = index(schema, ShardSchema.ENCODING, DataTypes.StringType);
            int h = index(schema, ShardSchema.HEIGHT, DataTypes.IntegerType);
            int w = index(schema, ShardSchema.WIDTH, DataTypes.IntegerType);
            if (enc >= 0 && h >= 0 && w >= 0) {
                return new ImageInput(column, Kind.SHARD, at, enc, h, w, index(schema, ShardSchema.KEY, DataTypes.StringType));
            }
            // binaryFile's path names the row in messages
            return new ImageInput(column, Kind.ENCODED, at, -1, -1, -1, index(schema, "path", DataTypes.StringType));
        }
        throw new IllegalArgumentException("image column '" + column + "' is " + type.simpleString()
                + ": expected Spark's image struct " + IMAGE_STRUCT_FIELDS + " (spark.read.format(\"image\")), binary"
                + " encoded PNG/JPEG bytes (binaryFile's content), or a shard table's image column");
    }

    private static void requireStructTypes(String column, StructType s) {
        DataType[] want = {DataTypes.StringType, DataTypes.IntegerType, DataTypes.IntegerType, DataTypes.IntegerType,
                DataTypes.IntegerType, DataTypes.BinaryType};
        for (int i = 0; i < want.length; i++) {
            StructField f = s.fields()[i];
            if (!f.dataType().equals(want[i])) {
                throw new IllegalArgumentException("image column '" + column + "': field " + f.name() + " is "
                        + f.dataType().simpleString() + ", Spark's image struct has " + want[i].simpleString());
            }
        }
    }

    private static int index(StructType schema, String name, DataType type) {
        if (!Arrays.asList(schema.fieldNames()).contains(name)) return -1;
        int i = schema.fieldIndex(name);
        return schema.fields()[i].dataType().equals(type) ? i : -1;
    }

    String column() { return column; }

    Kind kind() { return kind; }

    /**
     * Row r's image into slot i of rows (key, payload, encoding, height, width; its label is the
     * caller's); returns the decoded channels (1 gray, 3 colour). fallbackKey names a row that
     * carries no origin, path or key. A row that cannot be an image fails naming the row and why.
     */
    int fill(Row r, EncodedRows rows, int i, String fallbackKey, ImageCodec codec) {
        String rowKey = key >= 0 && !r.isNullAt(key) ? r.getString(key) : fallbackKey;
        rows.keys[i] = rowKey;
        if (r.isNullAt(image)) throw bad(rowKey, "is null");
        switch (kind) {
            case IMAGE_STRUCT -> {
                Row s = r.getStruct(image);
                String origin = s.isNullAt(0) || s.getString(0).isEmpty() ? rowKey : s.getString(0);
                rows.keys[i] = origin;
                int h = s.getInt(1), w = s.getInt(2), c = s.getInt(3);
                byte[] data = (byte[]) s.get(5);
                if (c != 1 && c != 3 && c != 4) throw bad(origin, "has nChannels " + c + ", expected 1, 3 or 4");
                if (h <= 0 || w <= 0 || data == null || data.length != (long) h * w * c) {
                    throw bad(origin, "holds " + (data == null ? 0 : data.length) + " bytes for " + h + "x" + w + "x" + c);
                }
                rows.images[i] = rgbFromBgr(data, h * w, c);
                rows.encodings[i] = ShardSchema.ENC_RAW;
                rows.heights[i] = h;
                rows.widths[i] = w;
                return c == 1 ? 1 : 3;
            }
            case SHARD -> {
                rows.images[i] = (byte[]) r.get(image);
                rows.encodings[i] = r.getString(encoding);
                rows.heights[i] = r.getInt(height);
                rows.widths[i] = r.getInt(width);
                return 3;
            }
            default -> {
                byte[] bytes = (byte[]) r.get(image);
                try {
                    ImageInfo info = codec.probe(bytes);
                    rows.heights[i] = info.height();
                    rows.widths[i] = info.width();
                    if (ShardSchema.ENC_JPEG.equals(info.format()) || ShardSchema.ENC_PNG.equals(info.format())) {
                        rows.images[i] = bytes;
                        rows.encodings[i] = info.format();
                    } else {
                        rows.images[i] = codec.decode(bytes).image().pixels();
                        rows.encodings[i] = ShardSchema.ENC_RAW;
                    }
                } catch (RejectedException e) {
                    throw bad(rowKey, "does not decode: " + e.getMessage());
                }
                return 3;
            }
        }
    }

    private IllegalArgumentException bad(String row, String reason) {
        return new IllegalArgumentException("image column '" + column + "', row " + row + ": " + reason);
    }

    // Spark's image source: row-major pixels of B,G,R(,A) or gray -> the shards' raw RGB
    static byte[] rgbFromBgr(byte[] data, int pixels, int channels) {
        byte[] rgb = new byte[pixels * 3];
        for (int p = 0; p < pixels; p++) {
            int s = p * channels;
            if (channels == 1) {
                rgb[3 * p] = rgb[3 * p + 1] = rgb[3 * p + 2] = data[s];
            } else {
                rgb[3 * p] = data[s + 2];
                rgb[3 * p + 1] = data[s + 1];
                rgb[3 * p + 2] = data[s];
            }
        }
        return rgb;
    }
}
