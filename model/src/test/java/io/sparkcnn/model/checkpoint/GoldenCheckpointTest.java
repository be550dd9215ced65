package io.sparkcnn.model.checkpoint;

import io.sparkcnn.model.config.NetworkConfig;
import io.sparkcnn.model.data.DataVersion;
import io.sparkcnn.model.graph.Node;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The committed golden files (one per format version, each written once) must keep reading,
 * value for value. If this fails, the change broke every checkpoint written so far.
 */
class GoldenCheckpointTest {

    static byte[] goldenBytes() throws IOException {
        return goldenBytes(GoldenCheckpoint.RESOURCE);
    }

    static byte[] goldenBytes(String resource) throws IOException {
        try (InputStream in = GoldenCheckpointTest.class.getResourceAsStream(resource)) {
            assertNotNull(in, "golden checkpoint resource " + resource);
            return in.readAllBytes();
        }
    }

    @Test
    void everyValueOfTheGoldenCheckpointReads() throws IOException {
        Checkpoint c = CheckpointReader.read(new ByteArrayInputStream(goldenBytes()), "golden");
        assertEquals(null, c.data(), "format 1 records no data version");
        checkValues(c);
    }

    @Test
    void everyValueOfTheFormat2GoldenCheckpointReads() throws IOException {
        Checkpoint c = CheckpointReader.read(new ByteArrayInputStream(goldenBytes(GoldenCheckpoint.RESOURCE_V2)), "golden-v2");
        assertEquals(GoldenCheckpoint.data(), c.data());
        checkValues(c);
    }

    private static void checkValues(Checkpoint c) throws IOException {
        assertEquals(GoldenCheckpoint.CODE_VERSION, c.codeVersion());
        assertEquals(GoldenCheckpoint.SEED, c.seed());
        assertEquals(GoldenCheckpoint.TRAINER, c.trainerConfig());
        assertEquals(GoldenCheckpoint.counters(), c.counters());
        assertEquals(List.of("step", "epoch", "round", "data.cursor"), List.copyOf(c.counters().keySet()), "counter order");
        assertEquals("adam", c.optimizer());
        assertEquals(2, c.optimizerSlots());

        assertEquals("golden", c.network().name());
        List<Node> expected = GoldenCheckpoint.network().nodes(), actual = c.network().nodes();
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).name(), actual.get(i).name());
            assertEquals(expected.get(i).inputs(), actual.get(i).inputs());
            assertEquals(expected.get(i).spec(), actual.get(i).spec());
        }
        assertEquals(GoldenCheckpoint.network().loss().type(), c.network().loss().type());

        assertEquals(254, c.params().length);
        for (int i = 0; i < 254; i++) assertEquals(GoldenCheckpoint.param(i), c.params()[i], "param " + i);
        assertEquals(8, c.buffers().length);
        for (int i = 0; i < 8; i++) assertEquals(GoldenCheckpoint.buffer(i), c.buffers()[i], "buffer " + i);
        assertEquals(508, c.optimizerState().length);
        for (int i = 0; i < 508; i++) assertEquals(GoldenCheckpoint.optimizerState(i), c.optimizerState()[i], "opt " + i);

        c.requireSameNetwork(GoldenCheckpoint.network(), "golden");
    }

    /** The layout of docs/checkpoint-format.md, checked on the golden bytes by a walker that shares no code with the reader. */
    @Test
    void goldenFileHasTheDocumentedLayout() throws IOException {
        checkLayout(goldenBytes(), 1, List.of("META", "SPEC", "TRNR", "PARM", "BUFS", "OPTS", "END_"));
    }

    @Test
    void format2GoldenFileHasTheDocumentedLayout() throws IOException {
        byte[] b = goldenBytes(GoldenCheckpoint.RESOURCE_V2);
        checkLayout(b, 2, List.of("META", "SPEC", "TRNR", "DATA", "PARM", "BUFS", "OPTS", "END_"));
        RawSections.Section data = RawSections.find(b, "DATA");
        ByteBuffer d = ByteBuffer.wrap(b, data.payload(), (int) data.length());
        DataVersion expected = GoldenCheckpoint.data();
        assertEquals(expected.tableVersion(), d.getLong());
        assertEquals(expected.split(), utf8(d));
        assertEquals(expected.rows(), d.getLong());
        assertEquals(expected.shards(), d.getInt());
        assertEquals(expected.shardsDigest(), utf8(d));
        assertEquals(expected.checksumsDigest(), utf8(d));
        assertEquals(data.payload() + data.length(), d.position(), "DATA holds nothing more");
    }

    private static String utf8(ByteBuffer b) {
        byte[] s = new byte[b.getInt()];
        b.get(s);
        return new String(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void checkLayout(byte[] b, int version, List<String> tags) throws IOException {
        assertArrayEquals(new byte[]{(byte) 0x89, 'S', 'C', 'K', 'P', '\r', '\n', 0x1A}, Arrays.copyOf(b, 8));
        assertEquals(version, ByteBuffer.wrap(b, 8, 4).getInt());
        List<RawSections.Section> sections = RawSections.walk(b);
        assertEquals(tags, sections.stream().map(RawSections.Section::tag).toList());
        for (RawSections.Section s : sections) assertEquals(RawSections.crc(b, s), s.storedCrc(), s.tag());
        RawSections.Section last = sections.get(sections.size() - 1);
        assertEquals(0, last.length());
        assertEquals(b.length, last.crcOffset() + 4, "nothing after END_");

        RawSections.Section parm = RawSections.find(b, "PARM");
        assertEquals(4 + 4 * 254, parm.length());
        ByteBuffer p = ByteBuffer.wrap(b, parm.payload(), (int) parm.length()); // big-endian
        assertEquals(254, p.getInt());
        for (int i = 0; i < 254; i++) assertEquals(GoldenCheckpoint.param(i), p.getFloat());

        RawSections.Section opts = RawSections.find(b, "OPTS");
        ByteBuffer o = ByteBuffer.wrap(b, opts.payload(), (int) opts.length());
        assertEquals(4, o.getInt());
        byte[] name = new byte[4];
        o.get(name);
        assertEquals("adam", new String(name, java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(2, o.getInt());
        assertEquals(508, o.getInt());

        RawSections.Section spec = RawSections.find(b, "SPEC");
        String json = new String(b, spec.payload(), (int) spec.length(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(254L, NetworkConfig.read(json).paramCount());
    }
}
