package io.sparkcnn.model.checkpoint;

import io.sparkcnn.model.config.NetworkConfig;
import io.sparkcnn.model.data.GrayImage;
import io.sparkcnn.model.data.ImageCodec;
import io.sparkcnn.model.data.RgbImage;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.layers.Dense;
import io.sparkcnn.model.tensor.Shape;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Writes the valid seed files of the model module's fuzz corpora (docs/fuzzing.md): small
 * images of every decoded kind, idx files, checkpoints and network configs. Run from the
 * module directory after changing a format; crash inputs are added next to them by hand.
 */
public final class ModelFuzzSeeds {
    private static final Path RES = Path.of("src/test/resources/io/sparkcnn/model");

    private ModelFuzzSeeds() {}

    public static void main(String[] args) throws IOException {
        RgbImage photo = photo(7, 5);
        int[] gray = new int[6 * 4];
        for (int i = 0; i < gray.length; i++) gray[i] = i * 9;
        int[] deep = gray.clone();
        deep[3] = 40000;
        Map<String, byte[]> images = Map.of(
                "rgb.jpg", ImageCodec.encodeJpeg(photo, 0.9f),
                "rgb.png", ImageCodec.encodePng(photo),
                "gray8.png", ImageCodec.encodeGrayPng(new GrayImage(6, 4, gray)),
                "gray16.png", ImageCodec.encodeGrayPng(new GrayImage(6, 4, deep)),
                "rgb.gif", write(ImageCodec.toBuffered(photo), "gif"),
                "rgb.bmp", write(ImageCodec.toBuffered(photo), "bmp"),
                "cmyk.jpg", cmykJpeg(4, 3));
        for (var e : images.entrySet()) {
            put("data/ImageCodecFuzzTestInputs/decode/" + e.getKey(), e.getValue());
            if (e.getKey().endsWith(".jpg")) put("data/ImageCodecFuzzTestInputs/jpegMarkers/" + e.getKey(), e.getValue());
        }

        byte[] idx = idxImages(2, 3, 4);
        put("data/IdxReaderFuzzTestInputs/images/two-3x4-images-idx3-ubyte", idx);
        put("data/IdxReaderFuzzTestInputs/images/two-3x4-images-idx3-ubyte.gz", gzip(idx));
        put("data/IdxReaderFuzzTestInputs/images/three-labels-idx1-ubyte", new byte[] {0, 0, 8, 1, 0, 0, 0, 3, 1, 7, 9});

        byte[] golden = Files.readAllBytes(Path.of("src/test/resources/golden/checkpoint-v1.ckpt"));
        NetworkSpec tiny = NetworkSpec.builder("tiny", Shape.of(3)).add("fc", new Dense(2)).build();
        Checkpoint plain = new Checkpoint(tiny, "", "test", 1, Map.of("step", 2L),
                new float[] {1, 2, 3, 4, 5, 6, 7, 8}, new float[0], Checkpoint.NO_OPTIMIZER, 0, new float[0]);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        CheckpointWriter.write(plain, b);
        for (String target : new String[] {"raw", "resealed"}) {
            put("checkpoint/CheckpointReaderFuzzTestInputs/" + target + "/golden-v1.ckpt", golden);
            put("checkpoint/CheckpointReaderFuzzTestInputs/" + target + "/dense-no-optimizer.ckpt", b.toByteArray());
        }

        String nets = "config/NetworkConfigFuzzTestInputs/read/";
        put(nets + "lenet5.conf", Files.readAllBytes(Path.of("../conf/networks/lenet5.conf")));
        put(nets + "resnet8_cifar.conf", Files.readAllBytes(Path.of("../conf/networks/resnet8_cifar.conf")));
        put(nets + "golden.json", NetworkConfig.writeJson(GoldenCheckpoint.network()).getBytes());
        put(nets + "zoo.conf", "network { zoo = resnet18, classes = 10, input = [3, 32, 32] }\n".getBytes());
    }

    private static RgbImage photo(int w, int h) {
        byte[] px = new byte[w * h * 3];
        for (int i = 0; i < px.length; i++) px[i] = (byte) (i * 37 + (i / 3) * 11);
        return new RgbImage(w, h, px);
    }

    private static byte[] write(BufferedImage bi, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(bi, format, out)) throw new IOException("no " + format + " writer");
        return out.toByteArray();
    }

    /** A 4-component (CMYK-like, no Adobe marker) JPEG from a raw raster. */
    private static byte[] cmykJpeg(int w, int h) throws IOException {
        WritableRaster r = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, h, 4, null);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) r.setPixel(x, y, new int[] {x * 40, y * 60, 30, 200});
        ImageWriter wr = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream o = new MemoryCacheImageOutputStream(bos)) {
            wr.setOutput(o);
            wr.write(null, new IIOImage(r, null, null), null);
        }
        return bos.toByteArray();
    }

    private static byte[] idxImages(int n, int rows, int cols) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeInt(0x00000803);
        d.writeInt(n);
        d.writeInt(rows);
        d.writeInt(cols);
        for (int i = 0; i < n * rows * cols; i++) d.writeByte(i * 13);
        return b.toByteArray();
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(b)) {
            g.write(data);
        }
        return b.toByteArray();
    }

    private static void put(String rel, byte[] bytes) throws IOException {
        Path p = RES.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.write(p, bytes);
    }
}
