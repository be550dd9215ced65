package io.sparkcnn.model.detect;

/** One decoded detection before NMS: a box in input pixels, its class (1..classes) and softmax score. */
public record ScoredBox(Box box, int label, float score) {}
