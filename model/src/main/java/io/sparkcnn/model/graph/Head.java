package io.sparkcnn.model.graph;

/**
 * One loss on one node of a network. A network's loss is the weighted sum of its heads'
 * mean losses (a detector's class and box heads, an auxiliary classifier, deep supervision);
 * each head reads its own block of targets.
 */
public record Head(String node, LossSpec loss, float weight) {
    public Head {
        if (node == null || node.isBlank()) throw new IllegalArgumentException("a loss head needs the name of the node it applies to");
        if (loss == null) throw new IllegalArgumentException("head on '" + node + "' has no loss");
        if (!(weight > 0f) || Float.isInfinite(weight)) {
            throw new IllegalArgumentException("head on '" + node + "': loss weight must be positive and finite, got " + weight);
        }
    }

    public Head(String node, LossSpec loss) { this(node, loss, 1f); }
}
