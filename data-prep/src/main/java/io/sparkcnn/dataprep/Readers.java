package io.sparkcnn.dataprep;

import io.sparkcnn.dataprep.readers.CityscapesReader;
import io.sparkcnn.dataprep.readers.CocoReader;
import io.sparkcnn.dataprep.readers.IdxReader;
import io.sparkcnn.dataprep.readers.ImageFolderReader;
import io.sparkcnn.dataprep.readers.ImageNetReader;
import io.sparkcnn.dataprep.readers.KineticsReader;
import java.util.List;

/** Dataset kind name (as on the command line) to reader. */
public final class Readers {
    public static final List<String> KINDS = List.of("imagenet", "image-folder", "mnist", "fashion-mnist", "cityscapes", "coco", "kinetics");

    private Readers() {
    }

    public static DatasetReader forKind(String kind) {
        return switch (kind) {
            case "imagenet" -> new ImageNetReader();
            case "image-folder" -> new ImageFolderReader();
            case "mnist" -> new IdxReader(IdxReader.DIGITS);
            case "fashion-mnist" -> new IdxReader(IdxReader.FASHION);
            case "cityscapes" -> new CityscapesReader();
            case "coco" -> new CocoReader();
            case "kinetics" -> new KineticsReader();
            default -> throw new IllegalArgumentException("unknown dataset kind '" + kind + "'; known: " + KINDS);
        };
    }
}
