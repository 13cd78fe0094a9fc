package dev.heliograph.controlplane;

import dev.heliograph.controlplane.config.ConfigException;
import dev.heliograph.controlplane.config.ConfigSource;
import dev.heliograph.controlplane.config.HeliographConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The {@code --config FILE} and {@code --set key=value} options of every command that reads the
 * control plane's configuration (a picocli mixin).
 */
final class ConfigOptions {
    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file, as for control-plane.")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one key, e.g. --set api.port=9090 (repeatable).")
    List<String> overrides = new ArrayList<>();

    /** The configuration source these options name, over the process environment. */
    ConfigSource source() {
        return ConfigSource.of(config, System.getenv(), overrides);
    }

    /** The configuration, or {@code null} after printing one {@code heliograph: config:} line per problem. */
    HeliographConfig loadOrReport() {
        try {
            return source().load();
        } catch (ConfigException e) {
            e.problems().forEach(problem -> System.err.println("heliograph: config: " + problem));
            return null;
        }
    }
}
