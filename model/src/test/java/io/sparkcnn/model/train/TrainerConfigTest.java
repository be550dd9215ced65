package io.sparkcnn.model.train;

import io.sparkcnn.model.optim.Adam;
import io.sparkcnn.model.optim.Constant;
import io.sparkcnn.model.optim.Sgd;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainerConfigTest {

    @Test
    void everySettingHasANameADefaultAndADescription() {
        assertEquals(TrainerConfig.class.getRecordComponents().length, TrainerConfig.SETTINGS.size());
        assertEquals(TrainerConfig.SETTINGS.size(), new HashSet<>(TrainerConfig.names()).size(), "names are unique");
        for (int i = 0; i < TrainerConfig.SETTINGS.size(); i++) {
            TrainerConfig.Setting s = TrainerConfig.SETTINGS.get(i);
            assertEquals(TrainerConfig.class.getRecordComponents()[i].getName(), s.name(), "settings follow the record's order");
            assertTrue(s.defaultValue() != null && !s.description().isBlank(), s.name());
            assertTrue(TrainerConfig.describe().contains(s.name()));
        }
        assertEquals(TrainerConfig.defaults().toMap(), TrainerConfig.fromMap(TrainerConfig.defaults().toMap()).toMap());
    }

    @Test
    void defaultsAreTorchsSgdAtAConstantRateWithoutClipping() {
        TrainerConfig c = TrainerConfig.defaults();
        assertEquals(Sgd.plain(), c.newOptimizer());
        assertEquals(new Constant(), c.newLrSchedule());
        assertNull(c.newClipping());
        assertEquals(64, c.batchSize());
    }

    @Test
    void valuesParseFromStringsAsCommandLinesGiveThem() {
        TrainerConfig c = TrainerConfig.fromMap(Map.of("optimizer", "adam", "learningRate", "3e-4", "beta2", "0.98",
                "batchSize", "128", "nesterov", "false", "milestones", "10,20", "clipNorm", "5"));
        assertEquals(new Adam(0.9f, 0.98f, 1e-8f, 0f, false), c.newOptimizer());
        assertEquals(3e-4, c.learningRate());
        assertEquals(128, c.batchSize());
        assertEquals(List.of(10L, 20L), c.milestones());
        assertEquals(5f, c.newClipping().maxNorm());
        assertEquals(0.5, c.with("learningRate", 0.5).learningRate());
    }

    @Test
    void badValuesNameTheSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainerConfig.fromMap(Map.of("learningRate", "fast")));
        assertTrue(e.getMessage().contains("learningRate"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TrainerConfig.fromMap(Map.of("batchSize", 2.5)));
        assertTrue(e.getMessage().contains("batchSize"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TrainerConfig.fromMap(Map.of("learningRate", -1)));
        assertTrue(e.getMessage().contains("learningRate"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TrainerConfig.fromMap(Map.of("nesterov", "yes")));
        assertTrue(e.getMessage().contains("nesterov"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TrainerConfig.defaults().with("learningrate", 0.1));
        assertTrue(e.getMessage().contains("unknown training setting 'learningrate'"), e.getMessage());
    }
}
