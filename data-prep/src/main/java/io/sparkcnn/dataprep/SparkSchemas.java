package io.sparkcnn.dataprep;

import io.sparkcnn.model.data.ColumnType;
import io.sparkcnn.model.data.RejectSchema;
import io.sparkcnn.model.data.ShardColumn;
import io.sparkcnn.model.data.ShardSchema;
import io.sparkcnn.model.data.Task;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Spark types for the Spark-free schemas of model.data, plus the internal unit and outcome rows. */
public final class SparkSchemas {
    /** Outcome rows carry these three extra columns; non-null stage = a reject. */
    public static final String R_SOURCE = "_reject_source";
    public static final String R_STAGE = "_reject_stage";
    public static final String R_REASON = "_reject_reason";

    private SparkSchemas() {
    }

    public static DataType sparkType(ColumnType t) {
        return switch (t) {
            case STRING -> DataTypes.StringType;
            case INT -> DataTypes.IntegerType;
            case LONG -> DataTypes.LongType;
            case FLOAT -> DataTypes.FloatType;
            case BINARY -> DataTypes.BinaryType;
            case INT_ARRAY -> DataTypes.createArrayType(DataTypes.IntegerType, false);
            case FLOAT_ARRAY -> DataTypes.createArrayType(DataTypes.FloatType, false);
            case DOUBLE_ARRAY -> DataTypes.createArrayType(DataTypes.DoubleType, false);
            case BINARY_ARRAY -> DataTypes.createArrayType(DataTypes.BinaryType, false);
        };
    }

    /** The shard table's schema (columns nullable in Spark terms; ShardSchema documents which may be null). */
    public static StructType shards(Task task) {
        StructType s = new StructType();
        for (ShardColumn c : ShardSchema.columns(task)) {
            s = s.add(c.name(), sparkType(c.type()), true);
        }
        return s;
    }

    /** Rows as the readers produce them: shard columns except the shuffle key, then the reject columns. */
    public static StructType outcome(Task task) {
        StructType s = new StructType();
        for (ShardColumn c : ShardSchema.columns(task)) {
            if (!c.name().equals(ShardSchema.SHUFFLE_KEY)) {
                s = s.add(c.name(), sparkType(c.type()), true);
            }
        }
        return s.add(R_SOURCE, DataTypes.StringType, true)
                .add(R_STAGE, DataTypes.StringType, true)
                .add(R_REASON, DataTypes.StringType, true);
    }

    public static StructType rejects() {
        return new StructType()
                .add(RejectSchema.SOURCE, DataTypes.StringType, false)
                .add(RejectSchema.STAGE, DataTypes.StringType, false)
                .add(RejectSchema.REASON, DataTypes.StringType, false)
                .add(RejectSchema.UNIT, DataTypes.StringType, false)
                .add(RejectSchema.UNIT_FP, DataTypes.StringType, false)
                .add(RejectSchema.RUN_SEQ, DataTypes.LongType, false);
    }

    public static StructType units() {
        StructType file = new StructType(new StructField[] {
                DataTypes.createStructField("path", DataTypes.StringType, false),
                DataTypes.createStructField("size", DataTypes.LongType, false),
                DataTypes.createStructField("mtime", DataTypes.LongType, false)});
        return new StructType()
                .add("id", DataTypes.StringType, false)
                .add("split", DataTypes.StringType, false)
                .add("files", DataTypes.createArrayType(file, false), false)
                .add("attrs", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType), false);
    }
}
