package io.sparkcnn.jobs.config;

import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigRenderOptions;

/** Turns a raw string into a HOCON string literal (paths and URIs hold ':' and '/'). */
final class ConfigValueQuoting {
    private ConfigValueQuoting() {}

    static String quote(String raw) {
        return ConfigValueFactory.fromAnyRef(raw).render(ConfigRenderOptions.concise());
    }
}
