package io.sparkcnn.dataprep;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The unit of incremental work: one or more source files whose rows are replaced together when any
 * of them changes. {@code id} is the main file's relative path (the shards' {@code source} column);
 * {@code attrs} carry what the listing already knows (label, linked files ...).
 */
public record SourceUnit(String id, String split, List<SourceFile> files, Map<String, String> attrs)
        implements Serializable {

    public SourceUnit {
        files = List.copyOf(files);
        attrs = Map.copyOf(attrs);
    }

    public String attr(String name) {
        return attrs.get(name);
    }

    /** SHA-256 over every file's (path, size, mtime) and the attributes: changes when any input of the unit does. */
    public String fingerprint() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (SourceFile f : files) {
                md.update((f.path() + '\u0000' + f.size() + '\u0000' + f.mtime() + '\n').getBytes(StandardCharsets.UTF_8));
            }
            new java.util.TreeMap<>(attrs).forEach((k, v) ->
                    md.update((k + '=' + v + '\n').getBytes(StandardCharsets.UTF_8)));
            md.update(split.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
