package io.sparkcnn.model.export.onnx;

/**
 * A layer of the network that the ONNX exporter cannot write, named with its type and the
 * reason (a layer type registered outside the engine, or settings with no ONNX equivalent).
 */
public final class UnexportableLayerException extends RuntimeException {
    private final String layer;
    private final String type;

    public UnexportableLayerException(String layer, String type, String reason) {
        super("layer '" + layer + "' (" + type + ") cannot be exported to ONNX: " + reason);
        this.layer = layer;
        this.type = type;
    }

    /** The layer's node name in the network. */
    public String layer() { return layer; }

    /** The layer's config type, e.g. "conv2d". */
    public String type() { return type; }
}
