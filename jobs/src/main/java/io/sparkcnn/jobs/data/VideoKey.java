package io.sparkcnn.jobs.data;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The source video of a Kinetics row, read from its key: data-prep keys a clip by its path,
 * whose file name is {@code {youtube_id}_{time_start:06d}_{time_end:06d}.mp4} (seconds). A key
 * not in that form keeps its file name's stem as the id and no time range (nulls).
 */
public record VideoKey(String youtubeId, Integer timeStart, Integer timeEnd) {
    private static final Pattern NAME = Pattern.compile("(.{11})_(\\d{6})_(\\d{6})");

    public static VideoKey of(String key) {
        String name = key.substring(key.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        Matcher m = NAME.matcher(stem);
        if (!m.matches()) return new VideoKey(stem, null, null);
        return new VideoKey(m.group(1), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    }
}
