package io.sparkcnn.jobs.checkpoint;

import io.sparkcnn.jobs.train.TinyNet;
import io.sparkcnn.model.checkpoint.Checkpoint;
import io.sparkcnn.model.checkpoint.CheckpointException;
import io.sparkcnn.model.checkpoint.CheckpointReader;
import io.sparkcnn.model.checkpoint.CheckpointWriter;
import io.sparkcnn.model.checkpoint.CodeVersion;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The outer momentum through the checkpoint format: written as the last OPTS slot, read back bit for bit. */
class OuterMomentumSlotTest {
    private static final int P = (int) TinyNet.spec().paramCount();

    private static float[] ramp(float from, float by, int slots) {
        float[] v = new float[slots * P];
        for (int i = 0; i < v.length; i++) v[i] = from + by * i;
        return v;
    }

    private static Checkpoint inner(String optimizer, int slots) {
        return new Checkpoint(TinyNet.spec(), "trainer { }", CodeVersion.current(), 7, Map.of("step", 12L),
                ramp(0.5f, 1e-3f, 1), new float[0], optimizer, slots, ramp(-1f, 3e-4f, slots));
    }

    private static byte[] bytes(Checkpoint c) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CheckpointWriter.write(c, out);
        return out.toByteArray();
    }

    private static Checkpoint roundTrip(Checkpoint c) throws IOException {
        return CheckpointReader.read(new ByteArrayInputStream(bytes(c)), "test");
    }

    @Test
    void theMomentumAndTheInnerStateReadBackBitForBit() throws IOException {
        float[] u = ramp(1e-7f, -2.5e-5f, 1);
        for (int slots : new int[] {0, 1, 2}) {
            Checkpoint plain = inner(slots == 0 ? Checkpoint.NO_OPTIMIZER : slots == 1 ? "sgd" : "adam", slots);
            Checkpoint read = roundTrip(OuterMomentumSlot.with(plain, u));
            assertTrue(OuterMomentumSlot.holds(read), read.optimizer());
            assertEquals(plain.optimizer() + OuterMomentumSlot.SUFFIX, read.optimizer());
            assertEquals(slots + 1, read.optimizerSlots());
            assertArrayEquals(u, OuterMomentumSlot.momentum(read), 0f, slots + " inner slots");
            assertArrayEquals(plain.optimizerState(), OuterMomentumSlot.innerState(read), 0f, slots + " inner slots");
            assertArrayEquals(plain.params(), read.params(), 0f);
        }
    }

    @Test
    void withoutMomentumTheCheckpointIsUnchanged() throws IOException {
        Checkpoint plain = inner("adam", 2);
        assertTrue(plain == OuterMomentumSlot.with(plain, new float[0]));
        Checkpoint read = roundTrip(plain);
        assertFalse(OuterMomentumSlot.holds(read));
        assertEquals(0, OuterMomentumSlot.momentum(read).length);
        assertArrayEquals(plain.optimizerState(), OuterMomentumSlot.innerState(read), 0f);
    }

    @Test
    void aDamagedMomentumFailsTheCrc() throws IOException {
        byte[] b = bytes(OuterMomentumSlot.with(inner("sgd", 1), ramp(0.25f, 1e-4f, 1)));
        b[b.length - 4 - 12 - 4 - 7] ^= 0x10; // a byte of the last slot, before OPTS' CRC and the end marker
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> CheckpointReader.read(new ByteArrayInputStream(b), "damaged"));
        assertTrue(e.getMessage().contains("OPTS"), e.getMessage());
    }
}
