package io.sparkcnn.dataprep;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import scala.jdk.javaapi.CollectionConverters;

/** SourceUnit <-> Row, so units travel to executors as a plain DataFrame. */
final class UnitRows {
    private UnitRows() {
    }

    static Row toRow(SourceUnit u) {
        List<Row> files = new ArrayList<>();
        for (SourceFile f : u.files()) {
            files.add(RowFactory.create(f.path(), f.size(), f.mtime()));
        }
        // row encoders want Scala collections for array and map columns
        return RowFactory.create(u.id(), u.split(), CollectionConverters.asScala(files).toSeq(),
                CollectionConverters.asScala(u.attrs()));
    }

    static SourceUnit fromRow(Row r) {
        List<Row> fr = r.getList(2);
        List<SourceFile> files = new ArrayList<>(fr.size());
        for (Row f : fr) {
            files.add(new SourceFile(f.getString(0), f.getLong(1), f.getLong(2)));
        }
        Map<String, String> attrs = CollectionConverters.asJava(r.<String, String>getMap(3));
        return new SourceUnit(r.getString(0), r.getString(1), files, attrs);
    }
}
