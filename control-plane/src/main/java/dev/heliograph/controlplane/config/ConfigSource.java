package dev.heliograph.controlplane.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Where the configuration comes from, so that a reload ({@code POST /-/reload}, SIGHUP) can read it
 * again the way the process first read it: the same file, with the same environment and
 * {@code --set} overrides applied on top.
 */
public interface ConfigSource {
    /**
     * Reads and validates the configuration now; blocking (file I/O), never call it on an event loop.
     *
     * @throws ConfigException with one line per problem (unreadable file, bad YAML, unknown key,
     *                         wrong type, out-of-range value)
     */
    HeliographConfig load() throws ConfigException;

    /** For logs and health reasons, e.g. {@code /etc/heliograph.yaml + environment + 2 --set overrides}. */
    String description();

    /**
     * The file (or none), then environment variables {@code HELIOGRAPH_*}, then {@code --set}
     * overrides, as {@link ConfigLoader#load} reads them.
     *
     * @param file YAML file, or {@code null} for defaults plus environment and overrides
     */
    static ConfigSource of(Path file, Map<String, String> env, List<String> overrides) {
        Map<String, String> envCopy = Map.copyOf(env);
        List<String> overridesCopy = List.copyOf(overrides);
        return new ConfigSource() {
            @Override
            public HeliographConfig load() throws ConfigException {
                return ConfigLoader.load(file, envCopy, overridesCopy);
            }

            @Override
            public String description() {
                return (file == null ? "defaults" : file.toString()) + " + environment + " + overridesCopy.size()
                        + " --set overrides";
            }
        };
    }

    /**
     * A configuration built in code (embedding, benchmarks): there is nothing to re-read, so every
     * reload yields the same configuration and changes nothing.
     */
    static ConfigSource fixed(HeliographConfig config) {
        return new ConfigSource() {
            @Override
            public HeliographConfig load() {
                return config;
            }

            @Override
            public String description() {
                return "configuration given at start (no file to re-read)";
            }
        };
    }
}
