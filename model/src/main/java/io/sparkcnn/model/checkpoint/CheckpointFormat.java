package io.sparkcnn.model.checkpoint;

import java.nio.charset.StandardCharsets;

/**
 * Constants of the checkpoint file format, version 2 (version 1 is still read);
 * docs/checkpoint-format.md describes it byte by byte. All numbers are big-endian (Java's DataOutputStream order), floats IEEE 754
 * binary32, text UTF-8.
 *
 * <pre>
 * magic    8 bytes  89 53 43 4B 50 0D 0A 1A  ("\x89SCKP\r\n\x1A")
 * version  int32    2 (1: the same without DATA)
 * sections, in this order: META SPEC TRNR DATA PARM BUFS OPTS END_
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

    /** The version written. */
    public static final int VERSION = 2;

    /** The oldest version read: version 1 files have no DATA section. */
    public static final int OLDEST_READ = 1;

    /** The first version with a DATA section. */
    static final int DATA_SINCE = 2;

    /** The sections, in file order. */
    enum Section {
        META("code version, seed and step counters"),
        SPEC("network spec as JSON config text"),
        TRNR("trainer config text"),
        DATA("the data version trained on"),
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
