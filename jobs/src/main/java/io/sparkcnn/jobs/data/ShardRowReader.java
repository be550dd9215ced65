package io.sparkcnn.jobs.data;

import io.sparkcnn.model.data.ShardSchema;
import io.sparkcnn.model.data.Task;
import io.sparkcnn.model.task.BadExampleException;
import io.sparkcnn.model.task.Example;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a contiguous range of a split's rows straight from the shard files with parquet-hadoop,
 * on an executor, without Spark SQL: whole row groups before the range are skipped by their
 * footer row counts (never decoded), and only the columns training needs are read.
 */
public final class ShardRowReader {
    private static final List<String> CLASSIFICATION = List.of(ShardSchema.KEY, ShardSchema.IMAGE, ShardSchema.ENCODING,
            ShardSchema.HEIGHT, ShardSchema.WIDTH, ShardSchema.LABEL);
    private static final List<String> SEGMENTATION = List.of(ShardSchema.KEY, ShardSchema.IMAGE, ShardSchema.ENCODING,
            ShardSchema.HEIGHT, ShardSchema.WIDTH, ShardSchema.MASK);
    private static final List<String> DETECTION = List.of(ShardSchema.KEY, ShardSchema.IMAGE, ShardSchema.ENCODING,
            ShardSchema.HEIGHT, ShardSchema.WIDTH, ShardSchema.IMAGE_ID, ShardSchema.OBJ_LABEL, ShardSchema.OBJ_BBOX,
            ShardSchema.OBJ_AREA, ShardSchema.OBJ_ISCROWD);
    private static final List<String> VIDEO = List.of(ShardSchema.KEY, ShardSchema.IMAGE, ShardSchema.ENCODING,
            ShardSchema.HEIGHT, ShardSchema.WIDTH, ShardSchema.LABEL, ShardSchema.NUM_FRAMES);
    private static final List<String> OBJECTS = DETECTION.stream()
            .filter(c -> !c.equals(ShardSchema.IMAGE) && !c.equals(ShardSchema.ENCODING)).toList();

    private final SplitIndex index;
    private final Configuration conf;
    private final Task task;
    private final List<String> columns;
    private final boolean images;

    /** A reader of classification rows (their label column). */
    public ShardRowReader(SplitIndex index, Configuration conf) { this(index, conf, Task.CLASSIFICATION); }

    /**
     * A reader of the columns the task trains on: the label, the mask of segmentation rows, the
     * image id and object columns of detection rows, or the label and frame count of video rows.
     */
    public ShardRowReader(SplitIndex index, Configuration conf, Task task) {
        this.index = index;
        this.conf = conf;
        this.task = task;
        this.columns = switch (task) {
            case CLASSIFICATION -> CLASSIFICATION;
            case SEGMENTATION -> SEGMENTATION;
            case DETECTION -> DETECTION;
            case VIDEO -> VIDEO;
            default -> throw new IllegalArgumentException("no shard reader for " + task + " rows");
        };
        this.images = true;
    }

    private ShardRowReader(SplitIndex index, Configuration conf, List<String> columns) {
        this.index = index;
        this.conf = conf;
        this.task = Task.DETECTION;
        this.columns = columns;
        this.images = false;
    }

    /** A reader of detection rows' object columns and image sizes only: the images stay unread (null). */
    public static ShardRowReader objectsOnly(SplitIndex index, Configuration conf) {
        return new ShardRowReader(index, conf, OBJECTS);
    }

    /** Split rows [first, first + count). */
    public EncodedRows read(long first, int count) {
        EncodedRows out = new EncodedRows(first, count);
        int filled = 0;
        int f = index.fileOf(first);
        while (filled < count) {
            SplitIndex.ShardFile file = index.files().get(f);
            long from = first + filled - file.firstRow();
            int take = (int) Math.min(count - filled, file.rows() - from);
            readFile(file.uri(), from, take, out, filled);
            filled += take;
            f++;
        }
        return out;
    }

    private void readFile(String uri, long from, int take, EncodedRows out, int at) {
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(new Path(uri), conf))) {
            MessageType fileSchema = reader.getFooter().getFileMetaData().getSchema();
            MessageType projection = project(fileSchema, columns, uri);
            reader.setRequestedSchema(projection);
            MessageColumnIO io = new ColumnIOFactory().getColumnIO(projection, fileSchema);
            long skip = from;
            int got = 0;
            for (BlockMetaData block : reader.getRowGroups()) {
                if (got == take) break;
                if (skip >= block.getRowCount()) {
                    skip -= block.getRowCount();
                    reader.skipNextRowGroup();
                    continue;
                }
                PageReadStore pages = reader.readNextRowGroup();
                RecordReader<Group> records = io.getRecordReader(pages, new GroupRecordConverter(projection));
                for (long r = 0; r < pages.getRowCount() && got < take; r++) {
                    Group g = records.read();
                    if (skip > 0) {
                        skip--;
                        continue;
                    }
                    int i = at + got++;
                    out.keys[i] = g.getString(ShardSchema.KEY, 0);
                    if (images) {
                        out.images[i] = g.getBinary(ShardSchema.IMAGE, 0).getBytes();
                        out.encodings[i] = g.getString(ShardSchema.ENCODING, 0);
                    }
                    out.heights[i] = g.getInteger(ShardSchema.HEIGHT, 0);
                    out.widths[i] = g.getInteger(ShardSchema.WIDTH, 0);
                    switch (task) {
                        case SEGMENTATION -> {
                            out.labels[i] = Example.NO_LABEL;
                            out.masks[i] = g.getBinary(ShardSchema.MASK, 0).getBytes();
                        }
                        case DETECTION -> {
                            out.labels[i] = Example.NO_LABEL;
                            out.imageIds[i] = g.getLong(ShardSchema.IMAGE_ID, 0);
                            out.objLabels[i] = ints(g, ShardSchema.OBJ_LABEL, out.keys[i], uri);
                            out.objBoxes[i] = floats(g, ShardSchema.OBJ_BBOX, out.keys[i], uri);
                            out.objAreas[i] = floats(g, ShardSchema.OBJ_AREA, out.keys[i], uri);
                            out.objCrowd[i] = ints(g, ShardSchema.OBJ_ISCROWD, out.keys[i], uri);
                        }
                        case VIDEO -> {
                            out.labels[i] = g.getInteger(ShardSchema.LABEL, 0);
                            out.frames[i] = g.getInteger(ShardSchema.NUM_FRAMES, 0);
                        }
                        default -> out.labels[i] = g.getInteger(ShardSchema.LABEL, 0);
                    }
                }
            }
            if (got != take) {
                throw new IllegalStateException("shard " + uri + " holds fewer rows than the manifest says: wanted rows "
                        + from + ".." + (from + take) + ", found " + got);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading shard " + uri, e);
        }
    }

    // a Parquet LIST column: the column group holds one repeated group, each holding the element
    private static Group list(Group row, String column, String key, String uri) {
        if (row.getFieldRepetitionCount(column) == 0) {
            throw new BadExampleException(key, "has no " + column + " (null) in shard " + uri
                    + "; a detection row needs its object columns, empty lists for an image without objects");
        }
        return row.getGroup(column, 0);
    }

    private static int[] ints(Group row, String column, String key, String uri) {
        Group l = list(row, column, key, uri);
        int n = l.getType().getFieldCount() == 0 ? 0 : l.getFieldRepetitionCount(0);
        int[] v = new int[n];
        for (int k = 0; k < n; k++) v[k] = l.getGroup(0, k).getInteger(0, 0);
        return v;
    }

    private static float[] floats(Group row, String column, String key, String uri) {
        Group l = list(row, column, key, uri);
        int n = l.getType().getFieldCount() == 0 ? 0 : l.getFieldRepetitionCount(0);
        float[] v = new float[n];
        for (int k = 0; k < n; k++) v[k] = l.getGroup(0, k).getFloat(0, 0);
        return v;
    }

    private static MessageType project(MessageType schema, List<String> columns, String uri) {
        List<Type> fields = new ArrayList<>();
        for (String c : columns) {
            if (!schema.containsField(c)) {
                throw new IllegalStateException("shard " + uri + " has no column '" + c + "' (columns: " + schema.getFields() + ")");
            }
            fields.add(schema.getType(c));
        }
        return new MessageType(schema.getName(), fields);
    }
}
