package dev.heliograph.loadtest;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A scenario's command-line options: {@code --name value} pairs, each with a default. Every
 * scenario knows {@code --duration S} (its measuring time in seconds, scaled per scenario) and
 * {@code --json FILE}; the others are its own.
 */
public final class BenchOptions {
    private final Map<String, String> values;

    private BenchOptions(Map<String, String> values) {
        this.values = values;
    }

    /**
     * Parses {@code args} against {@code defaults} (option name without dashes → default text;
     * {@code duration} and {@code json} are added when absent, json's default being empty).
     *
     * @throws IllegalArgumentException an unknown option or one without a value
     */
    public static BenchOptions parse(String[] args, Map<String, String> defaults) {
        Map<String, String> values = new LinkedHashMap<>(defaults);
        values.putIfAbsent("json", "");
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg.startsWith("--") ? arg.substring(2) : null;
            if (name == null || !values.containsKey(name)) {
                throw new IllegalArgumentException("unknown option " + arg + "; known: --" + String.join(", --", values.keySet()));
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + arg + " needs a value");
            }
            values.put(name, args[++i]);
        }
        return new BenchOptions(values);
    }

    /** The text of option {@code name}. */
    public String text(String name) {
        String value = values.get(name);
        if (value == null) {
            throw new IllegalStateException("no option --" + name + " was declared");
        }
        return value;
    }

    /**
     * Option {@code name} as an integer within {@code min..max}.
     *
     * @throws IllegalArgumentException not a number, or out of bounds
     */
    public int integer(String name, int min, int max) {
        String text = text(name);
        int value;
        try {
            value = Integer.parseInt(text.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a whole number, not '" + text + "'");
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException("--" + name + " must be within " + min + ".." + max + ", not " + value);
        }
        return value;
    }

    /** Where {@code --json} asks the figures to go, or null when it was not given. */
    public Path json() {
        String file = text("json");
        return file.isBlank() ? null : Path.of(file);
    }
}
