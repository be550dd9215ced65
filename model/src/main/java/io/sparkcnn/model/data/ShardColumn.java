package io.sparkcnn.model.data;

/** One documented column of a shard table. */
public record ShardColumn(String name, ColumnType type, boolean nullable, String description) {
}
