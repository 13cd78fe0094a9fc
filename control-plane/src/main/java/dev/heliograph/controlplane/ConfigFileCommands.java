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
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What the config-as-code commands share ({@code heliograph targets} and {@code heliograph alerting}):
 * {@code export [--format yaml|json]} prints the file ({@code GET <route>:export}), {@code apply FILE
 * [--dry-run] [--prune]} sends it ({@code POST <route>:apply}) and prints the plan. Each command
 * family subclasses {@link Export} and {@link Apply} with its {@link Kind}.
 *
 * <p>Exit codes: 0 done; 1 the API refused (an invalid file: one line, then one line per invalid
 * field; a conflict; a refused key; too low a role) or could not be reached, or the file cannot be
 * read; 2 bad usage, including no API key.
 */
final class ConfigFileCommands {
    /** Environment variable that holds the API key when {@code --api-key} is not given. */
    static final String KEY_VARIABLE = "HELIOGRAPH_API_KEY";

    private ConfigFileCommands() {
    }

    /**
     * One kind of config file.
     *
     * @param command the command's name in messages: {@code targets}
     * @param route   the API route the file's operations hang off: {@code /api/v1/targets}
     * @param noun    one item in the summary's {@code not_in_file} line: {@code target}
     * @param kinds   whether plan lines name each item's kind ({@code alert_channel}) before its key
     */
    record Kind(String command, String route, String noun, boolean kinds) {
    }

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

        /** A client of the API, or {@code null} after printing why not (no key, bad URL) to {@code err}, as {@code prefix: ...}. */
        RestApiClient client(String prefix, PrintWriter err) {
            String key = key(System.getenv());
            if (key == null) {
                err.println(prefix + ": no API key: pass --api-key or set " + KEY_VARIABLE);
                return null;
            }
            try {
                return new RestApiClient(url, key);
            } catch (IllegalArgumentException e) {
                err.println(prefix + ": " + e.getMessage());
                return null;
            }
        }
    }

    /** {@code export [--format yaml|json]}: prints the org's file to standard output, secrets masked as {@code ***}. */
    abstract static class Export implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        ApiOptions api;

        @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "yaml", description = "yaml or json (default ${DEFAULT-VALUE}).")
        String format;

        /** The file this command exports. */
        abstract Kind kind();

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            String prefix = "heliograph: " + kind().command() + " export";
            String type = switch (format.toLowerCase(Locale.ROOT)) {
                case "yaml" -> "application/yaml";
                case "json" -> "application/json";
                default -> null;
            };
            if (type == null) {
                err.println(prefix + ": --format must be yaml or json, was '" + format + "'");
                return 2;
            }
            RestApiClient client = api.client(prefix, err);
            if (client == null) {
                return 2;
            }
            try {
                out.print(client.send(client.request(kind().route() + ":export").header("accept", type).GET()).body());
                out.flush();
                return 0;
            } catch (RestApiClient.Failure e) {
                err.println(prefix + ": " + e.getMessage());
                return 1;
            }
        }
    }

    /**
     * {@code apply FILE [--dry-run] [--prune]} (or {@code -f FILE}): sends the file and prints the
     * plan: {@code + create KEY}, {@code ~ update KEY (fields)}, {@code - delete KEY}, then a summary
     * line. {@code -} reads standard input. The file is sent as JSON when it starts with
     * <code>{</code>, else as YAML.
     */
    abstract static class Apply implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        ApiOptions api;

        @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "The file (YAML or JSON; - for standard input).")
        String fileOption;

        @Parameters(arity = "0..1", paramLabel = "FILE", description = "The file, as an alternative to -f.")
        String fileParameter;

        @Option(names = "--dry-run", description = "Only print the plan; change nothing.")
        boolean dryRun;

        @Option(names = "--prune", description = "Also delete what the org has and the file lacks (default: keep it).")
        boolean prune;

        /** The file this command applies. */
        abstract Kind kind();

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            String prefix = "heliograph: " + kind().command() + " apply";
            if ((fileOption == null) == (fileParameter == null)) {
                err.println(prefix + ": name the file once: apply FILE or apply -f FILE (- for standard input)");
                return 2;
            }
            String file = fileOption == null ? fileParameter : fileOption;
            String text;
            try {
                text = file.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                        : Files.readString(Path.of(file), StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                err.println(prefix + ": cannot read " + file + ": " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : " " + e.getMessage()));
                return 1;
            }
            RestApiClient client = api.client(prefix, err);
            if (client == null) {
                return 2;
            }
            String type = text.stripLeading().startsWith("{") ? "application/json" : "application/yaml";
            try {
                RestApiClient.Answer answer = client.send(client.request(kind().route() + ":apply?dry_run=" + dryRun + "&prune=" + prune)
                        .header("content-type", type + "; charset=utf-8")
                        .POST(HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8)));
                printPlan(Json.MAPPER.readTree(answer.body()), kind(), out);
                return 0;
            } catch (RestApiClient.Failure e) {
                err.println(prefix + ": " + e.getMessage());
                fieldLines(e.envelope()).forEach(line -> err.println("  " + line));
                return 1;
            } catch (IOException e) {
                err.println(prefix + ": the API's answer is not JSON: " + e.getMessage());
                return 1;
            }
        }
    }

    /**
     * Prints an apply answer: one line per create, update or delete (with the item's kind first when
     * {@code kind} has kinds), a line with a webhook secret generated for a new channel, then the
     * summary.
     */
    static void printPlan(JsonNode answer, Kind kind, PrintWriter out) {
        for (JsonNode item : answer.path("items")) {
            String key = (kind.kinds() ? item.path("kind").asText() + " " : "") + item.path("key").asText();
            switch (item.path("action").asText()) {
                case "create" -> out.println("+ create " + key);
                case "update" -> {
                    List<String> fields = new ArrayList<>();
                    item.path("fields").forEach(f -> fields.add(f.asText()));
                    out.println("~ update " + key + " (" + String.join(", ", fields) + ")");
                }
                case "delete" -> out.println("- delete " + key);
                default -> {
                    // unchanged items are only counted
                }
            }
            if (item.path("webhook_secret").isTextual()) {
                out.println("  webhook secret of " + item.path("key").asText() + " (shown only now; give it to the receiver): "
                        + item.path("webhook_secret").asText());
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
            out.println(notInFile + " " + kind.noun() + (notInFile == 1 ? " of the org is" : "s of the org are")
                    + " not in the file and " + (dryRun ? "would stay" : "stayed") + " (--prune deletes them).");
        }
        out.flush();
    }

    /** One line per field error of an error envelope: {@code targets[3].spec.url (key web): message [CODE]}. */
    static List<String> fieldLines(JsonNode error) {
        List<String> lines = new ArrayList<>();
        for (JsonNode item : error.path("details").path("items")) {
            String where = item.path("list").asText("targets") + "[" + item.path("index").asInt() + "]";
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
