package io.sparkcnn.model.task;

import io.sparkcnn.model.data.Task;

/** The training task for a shard table's task (its manifest's {@code task}). */
public final class Tasks {
    private Tasks() {}

    /**
     * The task that trains on shards of this kind with this many classes. Detection's task comes
     * from the network instead ({@link DetectionTask#of}: its ssd loss head holds the anchors);
     * video's is {@link VideoTask} with one clip per video (the jobs set eval.clipsPerVideo and the
     * clip augmentation). Detection fails naming the kind.
     */
    public static TrainingTask forShards(Task kind, int classes) {
        return switch (kind) {
            case CLASSIFICATION -> new ClassificationTask(classes);
            case SEGMENTATION -> new SegmentationTask(classes);
            case DETECTION -> throw new UnsupportedOperationException("detection shards: the task comes from the network,"
                    + " whose ssd loss head holds the anchors (DetectionTask.of(network)), not from the shards alone");
            case VIDEO -> new VideoTask(classes);
        };
    }
}
