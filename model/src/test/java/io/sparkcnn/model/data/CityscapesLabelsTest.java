package io.sparkcnn.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class CityscapesLabelsTest {

    @Test
    void labelIdToTrainIdMatchesLabelsPy() {
        int[] expected = {255, 255, 255, 255, 255, 255, 255, 0, 1, 255, 255, 2, 3, 4, 255, 255, 255,
                5, 255, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 255, 255, 16, 17, 18};
        assertArrayEquals(expected, CityscapesLabels.labelIdToTrainIdTable());
        for (int id = 0; id <= 33; id++) assertEquals(expected[id], CityscapesLabels.trainId(id));
        assertThrows(IllegalArgumentException.class, () -> CityscapesLabels.trainId(34));
        assertThrows(IllegalArgumentException.class, () -> CityscapesLabels.trainId(-1));
    }

    @Test
    void trainIdToLabelIdIsTheInverseForEvaluation() {
        int[] expected = {7, 8, 11, 12, 13, 17, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 31, 32, 33};
        for (int t = 0; t < 19; t++) {
            assertEquals(expected[t], CityscapesLabels.labelId(t));
            assertEquals(t, CityscapesLabels.trainId(CityscapesLabels.labelId(t)));
        }
        assertThrows(IllegalArgumentException.class, () -> CityscapesLabels.labelId(255));
        assertThrows(IllegalArgumentException.class, () -> CityscapesLabels.labelId(19));
    }

    @Test
    void tableIsConsistent() {
        assertEquals(35, CityscapesLabels.LABELS.size());
        for (CityscapesLabels.Label l : CityscapesLabels.LABELS) {
            if (l.labelId() < 0) continue;
            assertEquals(l, CityscapesLabels.labelOfLabelId(l.labelId()));
            // labels.py: exactly the ignoreInEval labels have trainId 255
            assertEquals(l.ignoreInEval(), l.trainId() == 255, l.name());
            assertEquals(l.category(), CityscapesLabels.CATEGORIES.get(l.categoryId()), l.name());
        }
        CityscapesLabels.Label plate = CityscapesLabels.LABELS.get(34);
        assertEquals("license plate", plate.name());
        assertEquals(-1, plate.labelId());
        assertEquals(-1, plate.trainId());
    }

    @Test
    void paletteNamesAndCategories() {
        int[] palette = CityscapesLabels.trainIdPalette();
        assertEquals(19, palette.length);
        assertEquals((128 << 16) | (64 << 8) | 128, palette[0]);   // road
        assertEquals((70 << 16) | (130 << 8) | 180, palette[10]);  // sky
        assertEquals((119 << 16) | (11 << 8) | 32, palette[18]);   // bicycle
        List<String> names = CityscapesLabels.trainClassNames();
        assertEquals(List.of("road", "sidewalk", "building", "wall", "fence", "pole", "traffic light",
                "traffic sign", "vegetation", "terrain", "sky", "person", "rider", "car", "truck", "bus", "train",
                "motorcycle", "bicycle"), names);
        assertEquals(List.of("flat", "construction", "object", "nature", "sky", "human", "vehicle"),
                CityscapesLabels.evaluatedCategories());
        assertArrayEquals(new int[] {0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 5, 6, 6, 6, 6, 6, 6},
                CityscapesLabels.categoryOfTrainId());
    }
}
