package io.sparkcnn.model.task;

import io.sparkcnn.model.data.Task;

/** The training task for a shard table's task (its manifest's {@code task}). */
public final class Tasks {
    private Tasks() {}

    /**
     * The task that trains on shards of this kind with this many classes. Detection and video
     * have no training task yet: they fail naming the kind.
     */
    public static TrainingTask forShards(Task kind, int classes) {
        return switch (kind) {
            case CLASSIFICATION -> new ClassificationTask(classes);
            case SEGMENTATION -> new SegmentationTask(classes);
            case DETECTION, VIDEO -> throw new UnsupportedOperationException("no training task for "
                    + kind.name().toLowerCase(java.util.Locale.ROOT) + " shards yet; classification and segmentation train");
        };
    }
}
