package io.sparkcnn.model.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The contiguous class index 0..K-1 that networks and the evaluation use, and the dataset's original
 * category id and name of each (COCO's ids have gaps: 1..90 for 80 classes). Results files and reports
 * speak in the original ids.
 */
public final class CocoCategories {
    private final int[] ids;
    private final List<String> names;
    private final Map<Integer, Integer> indexOfId = new HashMap<>();

    /** ids[k] and names.get(k) are class k's original category id and name; ids distinct. */
    public CocoCategories(int[] ids, List<String> names) {
        if (ids.length == 0 || ids.length != names.size()) {
            throw new IllegalArgumentException(ids.length + " category ids and " + names.size() + " names: need as many, at least 1");
        }
        this.ids = ids.clone();
        this.names = List.copyOf(names);
        for (int k = 0; k < ids.length; k++) {
            Integer before = indexOfId.put(ids[k], k);
            if (before != null) {
                throw new IllegalArgumentException("category id " + ids[k] + " is given to classes " + before + " and " + k);
            }
        }
    }

    public int classes() { return ids.length; }

    /** Original category id of class k. */
    public int id(int k) {
        if (k < 0 || k >= ids.length) throw new IllegalArgumentException("class " + k + " outside [0, " + ids.length + ")");
        return ids[k];
    }

    public String name(int k) {
        id(k);
        return names.get(k);
    }

    /** Class index of an original category id. */
    public int classOf(int categoryId) {
        Integer k = indexOfId.get(categoryId);
        if (k == null) throw new IllegalArgumentException("category id " + categoryId + " is not one of the " + ids.length + " categories");
        return k;
    }
}
