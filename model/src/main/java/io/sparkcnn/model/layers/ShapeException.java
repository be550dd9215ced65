package io.sparkcnn.model.layers;

/** A network whose shapes do not fit; raised before any memory is allocated. */
public class ShapeException extends IllegalArgumentException {
    public ShapeException(String message) {
        super(message);
    }

    /** "layer 'conv2' (conv2d): message". */
    public static ShapeException at(String layer, String type, String message) {
        return new ShapeException("layer '" + layer + "' (" + type + "): " + message);
    }
}
