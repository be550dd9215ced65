package io.sparkcnn.model.config;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.sparkcnn.model.detect.AnchorSpec;
import io.sparkcnn.model.detect.FeatureMapAnchors;
import io.sparkcnn.model.detect.SsdLoss;
import io.sparkcnn.model.losses.SmoothL1;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads the ssd loss as {@link SsdLoss#toConfig()} writes it: classes, beta, neg_pos_ratio,
 * min_negatives and anchors = { image_width, image_height, feature_maps = [ { height, width,
 * stride, min_size, max_size, aspect_ratios } ] }. Unknown keys fail at every level, naming it.
 */
final class SsdLossConfig {
    private SsdLossConfig() {}

    static SsdLoss parse(LayerConfig c) {
        int classes = c.requireInt("classes");
        float beta = c.optFloat("beta", SmoothL1.DEFAULT_BETA);
        int ratio = c.optInt("neg_pos_ratio", SsdLoss.SSD_RATIO);
        int minNeg = c.optInt("min_negatives", SsdLoss.DEFAULT_MIN_NEGATIVES);
        LayerConfig a = new LayerConfig(object(c, "anchors"), c.where(), "anchors", Set.of());
        int w = a.requireInt("image_width"), h = a.requireInt("image_height");
        ConfigValue maps = a.value("feature_maps");
        if (maps == null || maps.valueType() != ConfigValueType.LIST) throw a.error("feature_maps", "expected a list of feature map objects");
        List<FeatureMapAnchors> list = new ArrayList<>();
        ConfigList l = (ConfigList) maps;
        for (int i = 0; i < l.size(); i++) {
            if (l.get(i).valueType() != ConfigValueType.OBJECT) throw a.error("feature_maps", "item " + i + " is not an object");
            LayerConfig m = new LayerConfig((ConfigObject) l.get(i), a.where(), "feature_maps[" + i + "]", Set.of());
            float[] ratios = m.optFloats("aspect_ratios");
            list.add(new FeatureMapAnchors(m.requireInt("height"), m.requireInt("width"), (float) m.requireDouble("stride"),
                    (float) m.requireDouble("min_size"), m.optFloat("max_size", 0f), ratios == null ? new float[] {1} : ratios));
            m.requireAllKeysRead();
        }
        a.requireAllKeysRead();
        return new SsdLoss(new AnchorSpec(w, h, list), classes, beta, ratio, minNeg);
    }

    private static ConfigObject object(LayerConfig c, String key) {
        ConfigValue v = c.value(key);
        if (v == null || v.valueType() != ConfigValueType.OBJECT) throw c.error(key, "expected an object (the anchors of the heads)");
        return (ConfigObject) v;
    }
}
