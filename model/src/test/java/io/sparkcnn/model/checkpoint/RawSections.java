package io.sparkcnn.model.checkpoint;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Walks a checkpoint's bytes as docs/checkpoint-format.md describes them, with no code of
 * the reader: it checks the document against the files, and lets tests patch a section and
 * re-seal its CRC to make precise corruptions.
 */
final class RawSections {
    /** A section: where its tag starts, its payload starts and how long the payload is. */
    record Section(String tag, int start, int payload, long length, long storedCrc) {
        int crcOffset() { return (int) (payload + length); }
    }

    private RawSections() {}

    static List<Section> walk(byte[] file) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(file));
        in.skipBytes(12); // magic and version
        List<Section> sections = new ArrayList<>();
        int at = 12;
        while (true) {
            byte[] tag = new byte[4];
            in.readFully(tag);
            long length = in.readLong();
            in.skipNBytes(length);
            long crc = in.readInt() & 0xFFFFFFFFL;
            Section s = new Section(new String(tag, StandardCharsets.US_ASCII), at, at + 12, length, crc);
            sections.add(s);
            at = s.crcOffset() + 4;
            if (s.tag().equals("END_")) return sections;
        }
    }

    static Section find(byte[] file, String tag) throws IOException {
        return walk(file).stream().filter(s -> s.tag().equals(tag)).findFirst().orElseThrow();
    }

    /** CRC-32 over the tag, the length and the payload, as documented. */
    static long crc(byte[] file, Section s) {
        CRC32 c = new CRC32();
        c.update(file, s.start(), (int) (12 + s.length()));
        return c.getValue();
    }

    /** Rewrites a section's CRC after a test changed its bytes, so that only the change is wrong. */
    static void reseal(byte[] file, Section s) {
        ByteBuffer.wrap(file, s.crcOffset(), 4).putInt((int) crc(file, s));
    }
}
