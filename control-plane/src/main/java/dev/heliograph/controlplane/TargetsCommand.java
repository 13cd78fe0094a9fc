package dev.heliograph.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.probe.codec.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code heliograph targets}: config as code over the REST API. {@code export} prints the org's
 * targets as a file, {@code apply} makes the org's targets equal to a file and prints the plan.
 * Exit codes: 0 done, 1 the API refused (invalid file, conflict, refused key, missing role) or could
 * not be reached (one line, or one line per invalid field), 2 bad usage (including no API key).
 */
@Command(name = "targets", mixinStandardHelpOptions = true,
        description = "Export and apply an org's targets as a YAML or JSON file (config as code), over the REST API.",
        subcommands = {TargetsCommand.ExportCommand.class, TargetsCommand.ApplyCommand.class})
final class TargetsCommand extends CommandGroup {
    /** Environment variable that holds the API key when {@code --api-key} is not given. */
    static final String KEY_VARIABLE = "HELIOGRAPH_API_KEY";

    /** {@code --url} and {@code --api-key}, shared by the subcommands (a picocli mixin). */
    static final class ApiOptions {
        @Option(names = "--url", paramLabel = "URL", defaultValue = "http://127.0.0.1:8080",
                description = "The control plane's REST API (default ${DEFAULT-VALUE}).")
        String url;

        @Option(names = "--api-key", paramLabel = "KEY",
                description = "API key (default: env " + KEY_VARIABLE + ", preferred: command lines are visible to other users).")
        String apiKey;

        /** The key: {@code --api-key}, else the non-blank {@value #KEY_VARIABLE} of {@code env}, else {@code null}. */
        String key(Map<String, String> env) {
            if (apiKey != null && !apiKey.isBlank()) {
                return apiKey.trim();
            }
            String value = env.get(KEY_VARIABLE);
            return value == null || value.isBlank() ? null : value.trim();
        }

        /** A client of the API, or {@code null} after printing why not (no key, bad URL) to {@code err}. */
        RestApiClient client(String command, PrintWriter err) {
            String key = key(System.getenv());
            if (key == null) {
                err.println("heliograph: targets " + command + ": no API key: pass --api-key or set " + KEY_VARIABLE);
                return null;
            }
            try {
                return new RestApiClient(url, key);
            } catch (IllegalArgumentException e) {
                err.println("heliograph: targets " + command + ": " + e.getMessage());
                return null;
            }
        }
    }

    /**
     * {@code heliograph targets export [--format yaml|json]}: prints every target of the key's org as
     * a target file to standard output ({@code GET /api/v1/targets:export}), secrets masked as
     * {@code ***}.
     */
    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Print the org's targets as a target file (secrets masked as ***): heliograph targets export > targets.yaml")
    static final class ExportCommand implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        ApiOptions api;

        @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "yaml", description = "yaml or json (default ${DEFAULT-VALUE}).")
        String format;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            String type = switch (format.toLowerCase(Locale.ROOT)) {
                case "yaml" -> "application/yaml";
                case "json" -> "application/json";
                default -> null;
            };
            if (type == null) {
                err.println("heliograph: targets export: --format must be yaml or json, was '" + format + "'");
                return 2;
            }
            RestApiClient client = api.client("export", err);
            if (client == null) {
                return 2;
            }
            try {
                out.print(client.send(client.request("/api/v1/targets:export").header("accept", type).GET()).body());
                out.flush();
                return 0;
            } catch (RestApiClient.Failure e) {
                err.println("heliograph: targets export: " + e.getMessage());
                return 1;
            }
        }
    }

    /**
     * {@code heliograph targets apply -f FILE [--dry-run] [--prune]}: sends a target file to
     * {@code POST /api/v1/targets:apply} and prints the plan: {@code + create KEY}, {@code ~ update KEY
     * (fields)}, {@code - delete KEY}, then a summary line. {@code -f -} reads standard input. The file
     * is sent as JSON when it starts with <code>{</code>, else as YAML.
     */
    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = "Make the org's targets equal to a target file, matched by key, and print the plan.")
    static final class ApplyCommand implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        ApiOptions api;

        @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "The target file (YAML or JSON; - for standard input).")
        String file;

        @Option(names = "--dry-run", description = "Only print the plan; change nothing.")
        boolean dryRun;

        @Option(names = "--prune", description = "Also delete the org's targets that the file lacks (default: keep them).")
        boolean prune;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            String text;
            try {
                text = file.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                        : Files.readString(Path.of(file), StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                err.println("heliograph: targets apply: cannot read " + file + ": " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : " " + e.getMessage()));
                return 1;
            }
            RestApiClient client = api.client("apply", err);
            if (client == null) {
                return 2;
            }
            String type = text.stripLeading().startsWith("{") ? "application/json" : "application/yaml";
            try {
                RestApiClient.Answer answer = client.send(client.request("/api/v1/targets:apply?dry_run=" + dryRun + "&prune=" + prune)
                        .header("content-type", type + "; charset=utf-8")
                        .POST(HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8)));
                printPlan(Json.MAPPER.readTree(answer.body()), out);
                return 0;
            } catch (RestApiClient.Failure e) {
                err.println("heliograph: targets apply: " + e.getMessage());
                fieldLines(e.envelope()).forEach(line -> err.println("  " + line));
                return 1;
            } catch (IOException e) {
                err.println("heliograph: targets apply: the API's answer is not JSON: " + e.getMessage());
                return 1;
            }
        }
    }

    /** Prints an apply answer: one line per create, update or delete, then the summary. */
    static void printPlan(JsonNode answer, PrintWriter out) {
        for (JsonNode item : answer.path("items")) {
            String key = item.path("key").asText();
            switch (item.path("action").asText()) {
                case "create" -> out.println("+ create " + key);
                case "update" -> {
                    List<String> fields = new ArrayList<>();
                    item.path("fields").forEach(f -> fields.add(f.asText()));
                    out.println("~ update " + key + " (" + String.join(", ", fields) + ")");
                }
                case "delete" -> out.println("- delete " + key);
                default -> {
                    // unchanged targets are only counted
                }
            }
        }
        JsonNode summary = answer.path("summary");
        boolean dryRun = answer.path("dry_run").asBoolean();
        int create = summary.path("create").asInt();
        int update = summary.path("update").asInt();
        int delete = summary.path("delete").asInt();
        int unchanged = summary.path("unchanged").asInt();
        if (create + update + delete == 0) {
            out.println("No changes: " + unchanged + " unchanged.");
        } else if (dryRun) {
            out.println("Plan: " + create + " to create, " + update + " to update, " + delete + " to delete, " + unchanged
                    + " unchanged (dry run: nothing changed).");
        } else {
            out.println("Applied: " + create + " created, " + update + " updated, " + delete + " deleted, " + unchanged + " unchanged.");
        }
        int notInFile = summary.path("not_in_file").asInt();
        if (notInFile > 0) {
            out.println(notInFile + (notInFile == 1 ? " target of the org is" : " targets of the org are")
                    + " not in the file and " + (dryRun ? "would stay" : "stayed") + " (--prune deletes them).");
        }
        out.flush();
    }

    /** One line per field error of an error envelope: {@code targets[3].spec.url (key web): message [CODE]}. */
    static List<String> fieldLines(JsonNode error) {
        List<String> lines = new ArrayList<>();
        for (JsonNode item : error.path("details").path("items")) {
            String where = "targets[" + item.path("index").asInt() + "]";
            String key = item.path("key").isTextual() ? " (key " + item.path("key").asText() + ")" : "";
            for (JsonNode field : item.path("fields")) {
                String name = field.path("field").asText();
                lines.add(where + (name.isEmpty() ? "" : "." + name) + key + ": " + field.path("message").asText()
                        + " [" + field.path("code").asText() + "]");
            }
        }
        if (lines.isEmpty()) {
            for (JsonNode field : error.path("details").path("fields")) {
                lines.add(field.path("field").asText() + ": " + field.path("message").asText() + " [" + field.path("code").asText() + "]");
            }
        }
        return lines;
    }
}
