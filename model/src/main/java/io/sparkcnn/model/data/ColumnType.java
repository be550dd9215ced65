package io.sparkcnn.model.data;

/** Column types used in shards; each maps one-to-one to a Parquet/Spark type, so the schema stays Spark-free here. */
public enum ColumnType {
    STRING, INT, LONG, FLOAT, BINARY, INT_ARRAY, FLOAT_ARRAY, DOUBLE_ARRAY, BINARY_ARRAY
}
