package io.sparkcnn.model.data;

/** The learning task a shard table is made for; it fixes the target columns (see {@link ShardSchema}). */
public enum Task {
    CLASSIFICATION, SEGMENTATION, DETECTION, VIDEO
}
