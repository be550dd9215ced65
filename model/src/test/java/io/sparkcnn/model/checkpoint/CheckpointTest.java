package io.sparkcnn.model.checkpoint;

import io.sparkcnn.model.backend.cpu.CpuBackend;
import io.sparkcnn.model.config.NetworkConfig;
import io.sparkcnn.model.graph.Network;
import io.sparkcnn.model.graph.NetworkSpec;
import io.sparkcnn.model.layers.Dense;
import io.sparkcnn.model.tensor.Shape;
import io.sparkcnn.model.zoo.ModelZoo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointTest {
    @TempDir
    Path dir;

    static byte[] bytes(Checkpoint c) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CheckpointWriter.write(c, out);
        return out.toByteArray();
    }

    static Checkpoint read(byte[] b) throws IOException {
        return CheckpointReader.read(new ByteArrayInputStream(b), "test.ckpt");
    }

    private static String failure(byte[] b) {
        return assertThrows(CheckpointException.class, () -> read(b)).getMessage();
    }

    private static void assertMentions(String message, String... parts) {
        for (String p : parts) assertTrue(message.contains(p), "'" + p + "' missing from: " + message);
    }

    /** A trained network's state survives writing, reading and restoring into a fresh network bit for bit. */
    @Test
    void networkStateRoundTripsThroughAStream() throws IOException {
        NetworkSpec spec = NetworkConfig.read(Path.of("..", "conf", "networks", "resnet8_cifar.conf")); // a graph with batch norm
        float[] params, buffers, opt;
        Checkpoint c;
        try (Network net = Network.build(spec, 2, new CpuBackend(2), 2)) {
            net.initParams(11);
            SplittableRandom r = new SplittableRandom(5);
            float[] x = new float[2 * net.inputSize()];
            for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
            net.setInput(x, 0);
            net.setTargets(new float[]{1, 7}, 0);
            net.forwardBackward(); // moves the batch-norm running statistics off their start
            float[] o = net.arenas().opt();
            for (int i = 0; i < o.length; i++) o[i] = i * 1e-3f;
            c = Checkpoint.capture(net, "optimizer = adam", "adam", 11, Map.of("step", 1L, "epoch", 0L));
            params = net.params().clone();
            buffers = net.buffers().clone();
            opt = o.clone();
        }
        assertFalse(Arrays.equals(buffers, new float[buffers.length]), "the step changed the running statistics");
        byte[] b = bytes(c);
        Checkpoint back = read(b);
        assertArrayEquals(params, back.params());
        assertArrayEquals(buffers, back.buffers());
        assertArrayEquals(opt, back.optimizerState());
        assertEquals("adam", back.optimizer());
        assertEquals(2, back.optimizerSlots());
        assertEquals(11, back.seed());
        assertEquals(1L, back.counter("step", -1));
        assertEquals(-1L, back.counter("round", -1));
        assertEquals(CodeVersion.current(), back.codeVersion());
        assertEquals("optimizer = adam", back.trainerConfig());

        try (Network fresh = Network.build(spec, 1, new CpuBackend(1), 2)) {
            fresh.initParams(99);
            back.restoreInto(fresh, "test.ckpt");
            assertArrayEquals(params, fresh.params());
            assertArrayEquals(buffers, fresh.buffers());
            assertArrayEquals(opt, fresh.arenas().opt());
        }
        try (Network inference = Network.build(spec, 1, new CpuBackend(1), 0)) {
            back.restoreInto(inference, "test.ckpt");
            assertArrayEquals(params, inference.params());
        }
        assertArrayEquals(b, bytes(back), "reading and writing again gives the same bytes");
    }

    /** The data version trained on survives a round trip; a checkpoint without one reads back without one. */
    @Test
    void theDataVersionRoundTripsAndMayBeAbsent() throws IOException {
        Checkpoint with = GoldenCheckpoint.checkpoint().withData(GoldenCheckpoint.data());
        Checkpoint back = read(bytes(with));
        assertEquals(GoldenCheckpoint.data(), back.data());
        assertArrayEquals(with.params(), back.params());
        assertEquals(null, read(bytes(GoldenCheckpoint.checkpoint())).data());
        assertEquals(0, RawSections.find(bytes(GoldenCheckpoint.checkpoint()), "DATA").length());
    }

    @Test
    void aMalformedDataSectionIsRefusedNamingIt() throws IOException {
        byte[] b = bytes(GoldenCheckpoint.checkpoint().withData(GoldenCheckpoint.data()));
        RawSections.Section data = RawSections.find(b, "DATA");
        byte[] longSplit = b.clone();
        java.nio.ByteBuffer.wrap(longSplit, data.payload() + 8, 4).putInt(1 << 20); // split length past the section
        RawSections.reseal(longSplit, data);
        assertMentions(failure(longSplit), "test.ckpt", "section DATA", "malformed");
        byte[] negativeRows = b.clone();
        int rowsAt = data.payload() + 8 + 4 + GoldenCheckpoint.data().split().length();
        java.nio.ByteBuffer.wrap(negativeRows, rowsAt, 8).putLong(-5);
        RawSections.reseal(negativeRows, data);
        assertMentions(failure(negativeRows), "test.ckpt", "section DATA", "negative rows -5");
    }

    @Test
    void pathWriterRenamesAFinishedFileIntoPlace() throws IOException {
        Path target = dir.resolve("step-10.ckpt");
        Checkpoint c = GoldenCheckpoint.checkpoint();
        CheckpointWriter.write(c, target);
        assertFalse(Files.exists(dir.resolve("step-10.ckpt.tmp")));
        assertArrayEquals(c.params(), CheckpointReader.read(target).params());
    }

    @Test
    void badMagicOrVersionIsRefused() throws IOException {
        byte[] b = bytes(GoldenCheckpoint.checkpoint());
        byte[] text = b.clone();
        text[0] = 'P';
        assertMentions(failure(text), "test.ckpt", "not a sparkcnn checkpoint", "50 53 43 4b");
        byte[] v3 = b.clone();
        v3[11] = 3;
        assertMentions(failure(v3), "test.ckpt", "format version 3", "reads versions 1 to 2");
        byte[] v0 = b.clone();
        v0[11] = 0;
        assertMentions(failure(v0), "test.ckpt", "format version 0", "reads versions 1 to 2");
        assertMentions(failure("hello".getBytes()), "truncated", "magic");
        assertMentions(failure(new byte[0]), "test.ckpt", "truncated");
    }

    @Test
    void truncationAnywhereNamesTheSection() throws IOException {
        byte[] b = bytes(GoldenCheckpoint.checkpoint());
        RawSections.Section parm = RawSections.find(b, "PARM");
        assertMentions(failure(Arrays.copyOf(b, parm.payload() + 100)), "test.ckpt", "truncated",
                "inside section PARM (parameters)", "should end at offset " + parm.crcOffset());
        assertMentions(failure(Arrays.copyOf(b, parm.crcOffset() + 2)), "truncated", "CRC of section PARM");
        assertMentions(failure(Arrays.copyOf(b, parm.start() + 5)), "truncated", "header of section PARM");
        RawSections.Section end = RawSections.find(b, "END_");
        assertMentions(failure(Arrays.copyOf(b, end.start())), "truncated", "section END_");
        for (int cut = 0; cut < b.length; cut += 7) {
            assertMentions(failure(Arrays.copyOf(b, cut)), "test.ckpt", "truncated");
        }
    }

    @Test
    void corruptionFailsTheCrcOfItsSection() throws IOException {
        byte[] b = bytes(GoldenCheckpoint.checkpoint());
        for (String tag : new String[]{"META", "SPEC", "TRNR", "PARM", "BUFS", "OPTS"}) {
            RawSections.Section s = RawSections.find(b, tag);
            byte[] bad = b.clone();
            bad[(int) (s.payload() + s.length() - 1)] ^= 0x10; // the last payload byte: a float's low bits, or text
            assertMentions(failure(bad), "test.ckpt", "section " + tag, "CRC-32");
        }
    }

    @Test
    void sectionsThatDisagreeWithTheirSpecAreRefusedBeforeAllocating() throws IOException {
        byte[] b = bytes(GoldenCheckpoint.checkpoint());
        RawSections.Section parm = RawSections.find(b, "PARM");
        byte[] huge = b.clone();
        java.nio.ByteBuffer.wrap(huge, parm.payload(), 4).putInt(2_000_000_000);
        RawSections.reseal(huge, parm);
        assertMentions(failure(huge), "section PARM (parameters) holds 2000000000 floats", "254 parameters");

        byte[] longer = b.clone();
        java.nio.ByteBuffer.wrap(longer, parm.start() + 4, 8).putLong(Long.MAX_VALUE);
        assertMentions(failure(longer), "section PARM", "has length " + Long.MAX_VALUE, "254 floats take 1020");

        byte[] trailing = Arrays.copyOf(b, b.length + 1);
        assertMentions(failure(trailing), "after the end marker");

        byte[] swapped = b.clone();
        RawSections.Section bufs = RawSections.find(b, "BUFS");
        System.arraycopy("PARM".getBytes(), 0, swapped, bufs.start(), 4);
        assertMentions(failure(swapped), "expected section BUFS", "found tag 'PARM'");
    }

    @Test
    void aCheckpointForAnotherNetworkIsRefused() throws IOException {
        Checkpoint golden = read(bytes(GoldenCheckpoint.checkpoint()));
        NetworkSpec other = NetworkSpec.builder("golden", Shape.of(2, 5, 5)).add("fc", new Dense(10)).build();
        String m = assertThrows(CheckpointException.class,
                () -> CheckpointReader.read(new ByteArrayInputStream(bytes(golden)), "run/step-5.ckpt", other)).getMessage();
        assertMentions(m, "run/step-5.ckpt", "another network", "254 parameters", "'golden' with 510");

        NetworkSpec renamed = new NetworkSpec("other-name", golden.network().input(), golden.network().nodes(), golden.network().loss());
        golden.requireSameNetwork(renamed, "x"); // the name alone does not matter

        NetworkSpec wider = ModelZoo.build("lenet5", 10, Shape.of(1, 28, 28));
        try (Network net = Network.build(wider, 1, new CpuBackend(1), 0)) {
            assertMentions(assertThrows(CheckpointException.class, () -> golden.restoreInto(net, "g.ckpt")).getMessage(),
                    "g.ckpt", "another network", "61706");
        }
        try (Network oneSlot = Network.build(golden.network(), 1, new CpuBackend(1), 1)) {
            assertMentions(assertThrows(CheckpointException.class, () -> golden.restoreInto(oneSlot, "g.ckpt")).getMessage(),
                    "g.ckpt", "2 optimizer slots (adam)", "built with 1");
        }
    }

    @Test
    void inconsistentContentsCannotBeWritten() {
        NetworkSpec net = GoldenCheckpoint.network();
        assertThrows(IllegalArgumentException.class,
                () -> new Checkpoint(net, "", "v", 0, Map.of(), new float[253], new float[8], "none", 0, new float[0]));
        assertThrows(IllegalArgumentException.class,
                () -> new Checkpoint(net, "", "v", 0, Map.of(), new float[254], new float[7], "none", 0, new float[0]));
        assertThrows(IllegalArgumentException.class,
                () -> new Checkpoint(net, "", "v", 0, Map.of(), new float[254], new float[8], "adam", 2, new float[254]));
    }

    @Test
    void codeVersionIsTheProjectVersionAndCommit() {
        assertTrue(CodeVersion.current().startsWith(CodeVersion.projectVersion()));
        assertTrue(CodeVersion.projectVersion().matches("\\d+\\.\\d+\\.\\d+.*"), CodeVersion.projectVersion());
        if (Files.isDirectory(Path.of("..", ".git"))) { // tests run in model/ of a git checkout
            String commit = CodeVersion.gitCommit();
            assertTrue(commit != null && commit.matches("[0-9a-f]{40}"), "commit " + commit);
            assertTrue(CodeVersion.current().endsWith(" git " + commit), CodeVersion.current());
        }
    }
}
