package io.sparkcnn.dataprep;

import io.sparkcnn.model.data.DecodedImage;
import io.sparkcnn.model.data.EncodingPolicy;
import io.sparkcnn.model.data.ImageCodec;
import io.sparkcnn.model.data.PixelStats;
import io.sparkcnn.model.data.RejectedException;
import io.sparkcnn.model.data.ResizePolicy;
import io.sparkcnn.model.data.RgbImage;

/** Decode by content -> resize policy -> encoding policy, with stats; one instance per task. */
public final class ImagePipeline {
    private final ImageCodec codec;
    private final ResizePolicy resize;
    private final EncodingPolicy encoding;

    public ImagePipeline(PrepOptions o) {
        this(o.codec(), o.resize(), o.encoding());
    }

    public ImagePipeline(ImageCodec codec, ResizePolicy resize, EncodingPolicy encoding) {
        this.codec = codec;
        this.resize = resize;
        this.encoding = encoding;
    }

    public ImageCodec codec() {
        return codec;
    }

    public ResizePolicy resize() {
        return resize;
    }

    /** Full pipeline on encoded bytes. */
    public ProcessedImage process(byte[] bytes) throws RejectedException {
        DecodedImage d = codec.decode(bytes);
        RgbImage out = resize.apply(d.image());
        EncodingPolicy.Encoded e = encoding.encode(out, bytes, EncodingPolicy.sourceOf(d, out == d.image()));
        return new ProcessedImage(e.bytes(), e.encoding(), out.width(), out.height(), 3, PixelStats.of(out),
                d.image().width(), d.image().height());
    }

    /** Pipeline after decoding (for sources that are not encoded files, e.g. idx records). */
    public ProcessedImage fromRgb(RgbImage img, byte[] source, EncodingPolicy.Source kindOfSource) {
        EncodingPolicy.Encoded e = encoding.encode(img, source, kindOfSource);
        return new ProcessedImage(e.bytes(), e.encoding(), img.width(), img.height(), 3, PixelStats.of(img), img.width(), img.height());
    }
}
