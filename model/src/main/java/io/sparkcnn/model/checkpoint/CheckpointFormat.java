package io.sparkcnn.model.checkpoint;

import java.nio.charset.StandardCharsets;

/**
 * Constants of the checkpoint file format, version 1; docs/checkpoint-format.md describes it
 * byte by byte. All numbers are big-endian (Java's DataOutputStream order), floats IEEE 754
 * binary32, text UTF-8.
 *
 * <pre>
 * magic    8 bytes  89 53 43 4B 50 0D 0A 1A  ("\x89SCKP\r\n\x1A")
 * version  int32    1
 * sections, in this order: META SPEC TRNR PARM BUFS OPTS END_
 *   tag     4 ASCII bytes
 *   length  int64   payload bytes
 *   payload length bytes
 *   crc32   uint32  CRC-32 (java.util.zip.CRC32) of tag, length and payload
 * </pre>
 */
public final class CheckpointFormat {
    private CheckpointFormat() {}

    /**
     * As PNG's signature: the high-bit first byte catches 7-bit transfers, CR LF catches
     * newline conversion, 0x1A stops a DOS "type".
     */
    static final byte[] MAGIC = {(byte) 0x89, 'S', 'C', 'K', 'P', '\r', '\n', 0x1A};

    public static final int VERSION = 1;

    /** The sections of version 1, in file order. */
    enum Section {
        META("code version, seed and step counters"),
        SPEC("network spec as JSON config text"),
        TRNR("trainer config text"),
        PARM("parameters"),
        BUFS("batch-norm running statistics"),
        OPTS("optimizer state"),
        END_("end marker");

        final String what;
        final byte[] tag;

        Section(String what) {
            this.what = what;
            this.tag = name().getBytes(StandardCharsets.US_ASCII);
        }

        /** "section PARM (parameters)". */
        String label() { return "section " + name() + " (" + what + ")"; }
    }

    /** Text sections larger than this are taken as corrupt lengths, not allocated. */
    static final long MAX_TEXT_BYTES = 256L << 20;
}
