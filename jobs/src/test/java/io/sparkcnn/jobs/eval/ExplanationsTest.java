package io.sparkcnn.jobs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** One PNG per explained row: the file names of the keys data-prep writes. */
class ExplanationsTest {
    @Test
    void everyKeyLayoutGetsItsOwnFileName() {
        // idx files hold many rows: the record index must survive (it once did not, and 16 rows wrote one file)
        assertEquals("t10k-images-idx3-ubyte.gz_9066.png", Explanations.fileName("t10k-images-idx3-ubyte.gz#9066"));
        assertNotEquals(Explanations.fileName("t10k-images-idx3-ubyte.gz#1"), Explanations.fileName("t10k-images-idx3-ubyte.gz#2"));
        assertEquals("train_n01440764_n01440764_10.png", Explanations.fileName("train/n01440764/n01440764_10.JPEG"));
        assertEquals("sub_img0.png", Explanations.fileName("sub/img0.png"));
        assertEquals("test_000012.png", Explanations.fileName("test/000012"));
    }

    @Test
    void twoRowsGivenOneNameAreRefusedNamingBoth() {
        Explanations.Entry a = entry("cats/1.jpg"), b = entry("cats/1.png");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Explanations.requireDistinctNames(List.of(a, b)));
        assertTrue(e.getMessage().contains("'cats/1.jpg'") && e.getMessage().contains("'cats/1.png'"), e.getMessage());
        Explanations.requireDistinctNames(List.of(a, entry("dogs/1.jpg")));
    }

    private static Explanations.Entry entry(String key) {
        return new Explanations.Entry(Explanations.fileName(key), key, 0, 0, 1, 0, 1, "relu2");
    }
}
