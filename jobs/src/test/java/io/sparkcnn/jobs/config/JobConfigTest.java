package io.sparkcnn.jobs.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JobConfigTest {
    private static final List<String> REQUIRED = List.of("run.dir=file:///tmp/run", "data.path=file:///tmp/data");

    private static JobConfig load(String... overrides) {
        List<String> all = new java.util.ArrayList<>(REQUIRED);
        all.addAll(List.of(overrides));
        return JobConfig.load(null, all);
    }

    @Test
    void defaultsApplyAndLaterOverridesWin() {
        JobConfig c = load("train.workers=4", "train.workers=8", "model.input=[3, 32, 32]");
        assertEquals(8, c.integer("train.workers"));
        assertEquals(32, c.integer("train.batchSizePerWorker"));
        assertEquals("parameters", c.string("train.aggregation"));
        assertEquals(3, c.ints("model.input")[0]);
        assertEquals("file:///tmp/run", c.string("run.dir"));
    }

    @Test
    void fileValuesSitUnderOverrides(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("job.conf");
        Files.writeString(f, "run { dir = \"file:///x\" }\ndata.path = \"hdfs://nn:8020/shards\"\ntrain { workers = 3, epochs = 7 }\n");
        JobConfig c = JobConfig.load(f.toFile(), List.of("train.epochs=2"));
        assertEquals(3, c.integer("train.workers"));
        assertEquals(2, c.integer("train.epochs"));
        assertEquals("hdfs://nn:8020/shards", c.string("data.path"));
    }

    @Test
    void aMissingRequiredSettingIsNamed() {
        ConfigException e = assertThrows(ConfigException.class, () -> JobConfig.load(null, List.of("run.dir=file:///r")));
        assertEquals("data.path", e.key());
    }

    @Test
    void unknownKeysAreRefusedWithASuggestion(@TempDir Path dir) throws IOException {
        ConfigException e = assertThrows(ConfigException.class, () -> load("train.worker=2"));
        assertEquals("train.worker", e.key());
        assertTrue(e.getMessage().contains("did you mean train.workers?"), e.getMessage());
        Path f = dir.resolve("typo.conf");
        Files.writeString(f, "run.dir = \"file:///x\"\ndata.path = \"file:///y\"\ntrain.batchsize = 3\n");
        ConfigException inFile = assertThrows(ConfigException.class, () -> JobConfig.load(f.toFile(), List.of()));
        assertEquals("train.batchsize", inFile.key());
        assertTrue(inFile.getMessage().contains("typo.conf"), inFile.getMessage());
    }

    @Test
    void layerListsAndNameToNumberMapsReadBackAndBadEntriesAreNamed() {
        JobConfig c = load("train.freeze=[conv1, \"stage1.conv\"]", "train.lrMultipliers={fc: 0.1, \"stage1.conv\": 2}",
                "train.lrMultipliers.head=0.5");
        assertEquals(List.of("conv1", "stage1.conv"), c.strings("train.freeze"));
        assertEquals(java.util.Map.of("fc", 0.1, "stage1.conv", 2.0, "head", 0.5), c.doubleMap("train.lrMultipliers"));
        assertEquals(java.util.Map.of(), load().doubleMap("train.lrMultipliers"));
        assertEquals(c.doubleMap("train.lrMultipliers"), JobConfig.parse(c.render(), List.of()).doubleMap("train.lrMultipliers"));
        ConfigException nested = assertThrows(ConfigException.class, () -> load("train.lrMultipliers={stage1.conv: 0.1}"));
        assertEquals("train.lrMultipliers", nested.key());
        assertTrue(nested.getMessage().contains("quote a layer name that holds dots"), nested.getMessage());
        assertEquals("train.lrMultipliers", assertThrows(ConfigException.class, () -> load("train.lrMultipliers={fc: fast}")).key());
        assertEquals("train.freeze", assertThrows(ConfigException.class, () -> load("train.freeze=[\"\"]")).key());
        assertEquals("train.lrMultiplier", assertThrows(ConfigException.class, () -> load("train.lrMultiplier={fc: 1}")).key());
    }

    @Test
    void valuesOutOfRangeOrOfTheWrongTypeNameTheSetting() {
        assertEquals("train.workers", assertThrows(ConfigException.class, () -> load("train.workers=0")).key());
        assertEquals("train.epochs", assertThrows(ConfigException.class, () -> load("train.epochs=many")).key());
        assertEquals("train.aggregation", assertThrows(ConfigException.class, () -> load("train.aggregation=mean")).key());
        assertEquals("model.input", assertThrows(ConfigException.class, () -> load("model.input=[1, 0, 28]")).key());
        assertEquals("run.dir", assertThrows(ConfigException.class, () -> load("run.dir=\"hdfs://nn:8020\"")).key());
    }

    @Test
    void theEnginesTrainingSettingsAreCheckedByTheEngineAndNamed() {
        JobConfig c = load("trainer.optimizer=adamw", "trainer.learningRate=0.001", "train.batchSizePerWorker=16");
        assertEquals("adamw", c.trainerConfig().optimizer());
        assertEquals(16, c.trainerConfig().batchSize());
        assertEquals(42L, c.trainerConfig().seed());
        ConfigException e = assertThrows(ConfigException.class, () -> load("trainer.optimizer=lion"));
        assertEquals("trainer.optimizer", e.key());
        ConfigException lr = assertThrows(ConfigException.class, () -> load("trainer.learningRate=-1"));
        assertEquals("trainer.learningRate", lr.key());
    }

    @Test
    void renderedConfigReadsBackEqual() {
        JobConfig c = load("train.workers=5", "data.mean=[0.5]");
        JobConfig back = JobConfig.parse(c.render(), List.of());
        assertEquals(c.render(), back.render());
        assertEquals(5, back.integer("train.workers"));
        assertTrue(c.nonDefaults().contains("train.workers = 5"), c.nonDefaults().toString());
    }

    @Test
    void everySettingHasADescriptionAndTheDocsListIt() throws IOException {
        Path docs = Path.of("..", "docs", "configuration.md");
        String text = Files.readString(docs);
        for (Setting s : JobSettings.ALL) {
            assertTrue(s.description().length() > 10, s.key());
            assertTrue(text.contains("`" + s.key() + "`"), "docs/configuration.md does not list " + s.key());
        }
    }
}
