package dev.heliograph.loadtest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heliograph.probe.codec.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One scenario's figures: printed as a Markdown table ({@code | figure | value |}) and, on request,
 * written as JSON ({@code {"scenario", "finished_at", "figures": {name: number or text}}}). Figures
 * keep the order they were added in. Not thread-safe.
 */
public final class BenchReport {
    private final String scenario;
    private final List<Object[]> rows = new ArrayList<>();

    /** An empty report of {@code scenario}. */
    public BenchReport(String scenario) {
        this.scenario = scenario;
    }

    /** Adds a numeric figure, shown with two decimals (whole numbers without). */
    public BenchReport add(String figure, double value) {
        rows.add(new Object[] {figure, value});
        return this;
    }

    /** Adds a figure that is text (a verdict, a pair of numbers, a version). */
    public BenchReport add(String figure, String value) {
        rows.add(new Object[] {figure, value});
        return this;
    }

    /** Prints the table to {@code out}, headed by the scenario's name. */
    public void print(PrintStream out) {
        out.println();
        out.println("### " + scenario);
        out.println();
        out.println("| figure | value |");
        out.println("|---|---|");
        for (Object[] row : rows) {
            out.println("| " + row[0] + " | " + show(row[1]) + " |");
        }
        out.flush();
    }

    /** Prints the table to stdout and writes the JSON file when {@code json} is not null. */
    public void finish(Path json) throws IOException {
        print(System.out);
        if (json != null) {
            ObjectNode root = Json.MAPPER.createObjectNode().put("scenario", scenario).put("finished_at", Instant.now().toString());
            ObjectNode figures = root.putObject("figures");
            for (Object[] row : rows) {
                if (row[1] instanceof Double number) {
                    figures.put((String) row[0], number);
                } else {
                    figures.put((String) row[0], (String) row[1]);
                }
            }
            Path parent = json.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(json, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
            System.out.println("bench: figures written to " + json);
        }
    }

    /** {@code value} as the table shows it: whole numbers plainly, others with two decimals. */
    public static String show(Object value) {
        if (value instanceof Double number) {
            if (number == Math.rint(number) && Math.abs(number) < 1e15) {
                return String.format(Locale.ROOT, "%d", number.longValue());
            }
            return String.format(Locale.ROOT, "%.2f", number);
        }
        return String.valueOf(value);
    }
}
