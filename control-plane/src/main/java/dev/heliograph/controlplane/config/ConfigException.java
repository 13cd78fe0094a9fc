package dev.heliograph.controlplane.config;

import java.util.List;

/** The configuration could not be loaded or is invalid; {@link #problems()} has one line per bad key. */
public final class ConfigException extends Exception {
    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    /** One human-readable line per problem, naming the key. */
    public List<String> problems() {
        return problems;
    }
}
