package io.sparkcnn.dataprep;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a dataset listing skips: tools' folders and marker files, never a data file that starts with "_". */
class DatasetFsTest {
    @TempDir
    Path root;

    private void put(String rel) throws IOException {
        Path f = root.resolve(rel);
        Files.createDirectories(f.getParent());
        Files.write(f, new byte[] {1});
    }

    @Test
    void aClipWhoseYoutubeIdStartsWithAnUnderscoreIsListedAndHadoopsBookkeepingIsNot() throws IOException {
        for (String f : List.of("train/moving_east/_lU6VwZ4ulw_000060_000070.mp4", "train/moving_east/-abc_DEF-12_000010_000020.mp4",
                "annotations/train.csv", "_SUCCESS", "train/_committed_123", "train/_started_123", "_temporary/0/part-0",
                "train/_delta_log/0.json", ".Trash/x.mp4", "train/.clip.mp4.tmp", "val/.hidden/a.mp4")) {
            put(f);
        }
        DatasetFs fs = new DatasetFs(root.toUri().toString(), new Configuration());
        List<String> listed = fs.listFiles("").stream().map(SourceFile::path).toList();
        assertEquals(List.of("annotations/train.csv", "train/moving_east/-abc_DEF-12_000010_000020.mp4",
                "train/moving_east/_lU6VwZ4ulw_000060_000070.mp4"), listed);
        assertEquals(List.of("annotations", "train", "val"), fs.listDirs(""));
    }
}
