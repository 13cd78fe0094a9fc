package dev.heliograph.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.heliograph.controlplane.ApiClient;
import dev.heliograph.controlplane.ControlPlane;
import dev.heliograph.controlplane.RecordingHttpServer;
import dev.heliograph.controlplane.TestServices;
import dev.heliograph.probe.codec.Json;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Config as code against the real PostgreSQL: {@code GET /api/v1/targets:export} and
 * {@code POST /api/v1/targets:apply} round-trip exactly, in YAML and JSON, with secrets masked and
 * kept (issue 5). Each test works in an org of its own, so exports see only its targets.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TargetFileIT {
    private static final String YAML = "application/yaml";
    private static final String JSON = "application/json";
    private static final YAMLMapper YAML_MAPPER = new YAMLMapper();

    private TestServices services;
    private Vertx vertx;
    private ControlPlane plane;
    private ApiClient admin;
    private RecordingHttpServer http;

    @BeforeAll
    void start() throws Exception {
        services = new TestServices();
        vertx = Vertx.vertx();
        plane = ControlPlane.start(vertx, services.config(), Clock.systemUTC()).await(60, TimeUnit.SECONDS);
        admin = new ApiClient(plane.apiPort());
        http = new RecordingHttpServer(Duration.ZERO);
    }

    @AfterAll
    void stop() throws Exception {
        plane.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
        services.close();
        http.close();
    }

    /** A client with the admin key of a new org. */
    private ApiClient newOrg() {
        ApiClient.Answer org = admin.post("/api/v1/orgs", "{\"name\":\"files-" + UUID.randomUUID().toString().substring(0, 8) + "\"}");
        assertThat(org.status()).as(org.text()).isEqualTo(201);
        return admin.withKey(org.json().path("admin_key").asText());
    }

    /** Three targets: one with a secret header, tags and a body; a TCP one; a paused one. */
    private void seed(ApiClient api) {
        ObjectNode web = Json.MAPPER.createObjectNode().put("key", "web").put("name", "web health").put("kind", "http")
                .put("interval_s", 60).put("enabled", false);
        ObjectNode spec = web.putObject("spec").put("url", http.url("/web")).put("method", "POST").put("body", "line one\nline two\n");
        spec.putObject("headers").put("Authorization", "Bearer tok-123").put("X-Tenant", "0x1F");
        web.putArray("tags").add("prod").add("1_000").add("no");
        ObjectNode db = Json.MAPPER.createObjectNode().put("key", "db:5432").put("name", "db").put("kind", "tcp").put("interval_s", 30)
                .put("enabled", false);
        db.putObject("spec").put("host", "127.0.0.1").put("port", 9);
        ObjectNode old = Json.MAPPER.createObjectNode().put("key", "old").put("name", "old thing").put("kind", "http").put("interval_s", 300)
                .put("enabled", false);
        old.putObject("spec").put("url", "http://127.0.0.1:9/old");
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.putArray("items").add(web).add(db).add(old);
        ApiClient.Answer created = api.post("/api/v1/targets:bulk", body.toString());
        assertThat(created.status()).as(created.text()).isEqualTo(200);
    }

    private static ApiClient.Answer export(ApiClient api, String accept) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.base() + "/api/v1/targets:export")).GET();
        if (accept != null) {
            request.header("accept", accept);
        }
        return api.send(request);
    }

    private static ApiClient.Answer apply(ApiClient api, String type, String file, String query) {
        return api.send(HttpRequest.newBuilder(URI.create(api.base() + "/api/v1/targets:apply" + query))
                .header("content-type", type).POST(HttpRequest.BodyPublishers.ofString(file)));
    }

    private static List<String> plan(ApiClient.Answer answer) {
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        return StreamSupport.stream(answer.json().path("items").spliterator(), false)
                .map(item -> item.path("action").asText() + " " + item.path("key").asText()
                        + (item.has("fields") ? " " + item.path("fields") : ""))
                .toList();
    }

    private static List<String> fields(ApiClient.Answer answer) {
        return StreamSupport.stream(answer.json().path("error").path("details").path("fields").spliterator(), false)
                .map(f -> f.path("field").asText() + ":" + f.path("code").asText()).toList();
    }

    @Test
    void aYamlExportAppliedAgainPlansNothingAndChangesNothing() {
        ApiClient api = newOrg();
        seed(api);
        ApiClient.Answer exported = export(api, null);
        assertThat(exported.status()).isEqualTo(200);
        String file = exported.text();
        assertThat(file).startsWith("version: 1\n");
        assertThat(file).contains("\"***\"").doesNotContain("tok-123");
        assertThat(file.indexOf("db:5432")).as("sorted by key").isLessThan(file.indexOf("\"old\"")).isLessThan(file.indexOf("\"web\""));

        assertThat(plan(apply(api, YAML, file, "?dry_run=true"))).containsExactly("unchanged db:5432", "unchanged old", "unchanged web");
        assertThat(plan(apply(api, YAML, file, ""))).containsExactly("unchanged db:5432", "unchanged old", "unchanged web");
        assertThat(export(api, YAML).text()).isEqualTo(file);
        assertThat(api.get("/api/v1/targets?limit=10").json().path("items").findValuesAsText("version")).containsOnly("1");
    }

    @Test
    void anEditedYamlFileIsPlannedAppliedAndThenPlansNothing() throws Exception {
        ApiClient api = newOrg();
        seed(api);
        String before = export(api, YAML).text();
        // An operator's edits: a longer interval (text edit), one new target, one target dropped.
        ObjectNode edited = (ObjectNode) YAML_MAPPER.readTree(before.replace("interval_s: 30\n", "interval_s: 45\n"));
        ArrayNode targets = (ArrayNode) edited.get("targets");
        targets.remove(1); // "old"
        ObjectNode added = targets.addObject().put("key", "api").put("name", "api").put("kind", "http");
        added.putObject("spec").put("url", "http://127.0.0.1:9/api");
        String file = YAML_MAPPER.writeValueAsString(edited);

        ApiClient.Answer dryRun = apply(api, YAML, file, "?dry_run=true");
        assertThat(plan(dryRun)).containsExactly("create api", "update db:5432 [\"interval_s\"]", "unchanged web");
        assertThat(dryRun.json().path("summary").toString())
                .isEqualTo("{\"create\":1,\"update\":1,\"delete\":0,\"unchanged\":1,\"not_in_file\":1}");
        assertThat(export(api, YAML).text()).as("a dry run writes nothing").isEqualTo(before);

        ApiClient.Answer applied = apply(api, YAML, file, "?dry_run=false");
        assertThat(plan(applied)).containsExactly("create api", "update db:5432 [\"interval_s\"]", "unchanged web");
        assertThat(applied.json().path("dry_run").asBoolean()).isFalse();
        assertThat(applied.json().path("items").get(0).path("id").asText()).isNotBlank();
        assertThat(export(api, YAML).text()).contains("\"old\"").contains("interval_s: 45");

        ApiClient.Answer pruned = apply(api, YAML, file, "?prune=true");
        assertThat(plan(pruned)).containsExactly("unchanged api", "unchanged db:5432", "delete old", "unchanged web");
        assertThat(export(api, YAML).text()).doesNotContain("\"old\"");

        ApiClient.Answer again = apply(api, YAML, export(api, YAML).text(), "?prune=true");
        assertThat(plan(again)).containsExactly("unchanged api", "unchanged db:5432", "unchanged web");
    }

    @Test
    void aJsonExportRoundTripsAndReportsChangedSpecFields() throws Exception {
        ApiClient api = newOrg();
        seed(api);
        ApiClient.Answer exported = export(api, "application/json;q=0.9, text/html;q=0.1");
        assertThat(exported.status()).isEqualTo(200);
        assertThat(exported.text()).startsWith("{");
        assertThat(exported.json().path("version").asInt()).isEqualTo(1);
        assertThat(plan(apply(api, JSON, exported.text(), ""))).containsOnly("unchanged db:5432", "unchanged old", "unchanged web");

        ObjectNode edited = (ObjectNode) exported.json().deepCopy();
        ObjectNode web = (ObjectNode) edited.get("targets").get(2);
        ((ObjectNode) web.get("spec")).put("url", http.url("/web2"));
        ((ObjectNode) web.get("spec").get("headers")).put("X-Tenant", "blue");
        ((ArrayNode) web.get("tags")).add("new");
        assertThat(plan(apply(api, JSON, edited.toString(), "")))
                .containsExactly("unchanged db:5432", "unchanged old", "update web [\"spec.url\",\"spec.headers\",\"tags\"]");
        assertThat(plan(apply(api, JSON, export(api, JSON).text(), ""))).containsOnly("unchanged db:5432", "unchanged old", "unchanged web");
    }

    @Test
    void maskedSecretsAreKept() {
        ApiClient api = newOrg();
        seed(api);
        String file = export(api, YAML).text();
        assertThat(plan(apply(api, YAML, file.replace("interval_s: 60", "interval_s: 90"), "")))
                .containsExactly("unchanged db:5432", "unchanged old", "update web [\"interval_s\"]");
        String id = api.get("/api/v1/targets?q=web").json().path("items").get(0).path("id").asText();
        ApiClient.Answer check = api.post("/api/v1/targets/" + id + "/check-now", "");
        assertThat(check.status()).as(check.text()).isEqualTo(200);
        assertThat(http.last("/web").headers().get("authorization")).isEqualTo("Bearer tok-123");
        assertThat(http.last("/web").headers().get("x-tenant")).isEqualTo("0x1F");
        assertThat(http.last("/web").body()).isEqualTo("line one\nline two\n");

        // Under a new key the target is new, and "***" has nothing to keep.
        ApiClient.Answer moved = apply(api, YAML, file.replace("key: \"web\"", "key: \"web-2\"").replace("web health", "web two"), "");
        assertThat(moved.status()).as(moved.text()).isEqualTo(422);
        assertThat(fields(moved)).containsExactly("targets[2].spec.headers.Authorization:SECRET_NOT_SET");
    }

    @Test
    void concurrentAppliesOfOneFileCreateEachTargetOnce() throws Exception {
        ApiClient api = newOrg();
        StringBuilder file = new StringBuilder("version: 1\ntargets:\n");
        for (int i = 0; i < 20; i++) {
            file.append("  - key: \"c").append(i).append("\"\n    name: \"c").append(i)
                    .append("\"\n    kind: \"tcp\"\n    enabled: false\n    spec: {host: \"127.0.0.1\", port: 9}\n");
        }
        List<java.util.concurrent.CompletableFuture<ApiClient.Answer>> runs = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            runs.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> apply(api, YAML, file.toString(), "?prune=true")));
        }
        for (var run : runs) {
            ApiClient.Answer answer = run.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(answer.status()).as("serialised per org, never a false conflict or a deadlock: " + answer.text())
                    .isEqualTo(200);
        }
        assertThat(api.get("/api/v1/targets?limit=500").json().path("items").size()).isEqualTo(20);
        assertThat(plan(apply(api, YAML, file.toString(), "?dry_run=true"))).allMatch(line -> line.startsWith("unchanged"));
    }

    @Test
    void aFileWithoutTargetsIsRefusedEvenWithPrune() {
        ApiClient api = newOrg();
        seed(api);
        ApiClient.Answer commentedOut = apply(api, YAML, "version: 1\ntargets:\n#  - key: \"web\"\n", "?prune=true");
        assertThat(commentedOut.status()).as(commentedOut.text()).isEqualTo(422);
        assertThat(fields(commentedOut)).containsExactly("targets:REQUIRED");
        assertThat(api.get("/api/v1/targets").json().path("items").size()).isEqualTo(3);
        assertThat(plan(apply(api, YAML, "version: 1\ntargets: []\n", "?dry_run=true&prune=true")))
                .as("an explicit empty set still plans the deletes").hasSize(3).allMatch(line -> line.startsWith("delete"));
    }

    @Test
    void everyInvalidTargetIsListedAndNothingIsWritten() {
        ApiClient api = newOrg();
        String file = """
                version: 1
                targets:
                  - key: "a"
                    name: "a"
                    kind: "http"
                    spec: {url: "http://127.0.0.1:9/"}
                  - key: "b"
                    name: "b"
                    kind: "http"
                    spec: {url: "ftp://example.com/"}
                  - name: "c"
                    kind: "tcp"
                    spec: {host: "127.0.0.1", port: 9}
                  - key: "a"
                    name: "d"
                    kind: "tcp"
                    spec: {host: "127.0.0.1", port: 70000}
                  - key: "e"
                    name: "e"
                    kind: "http"
                    spec: {url: "http://127.0.0.1:9/", verb: "GET"}
                """;
        ApiClient.Answer answer = apply(api, YAML, file, "");
        assertThat(answer.status()).as(answer.text()).isEqualTo(422);
        assertThat(fields(answer)).containsExactly("targets[1].spec.url:INVALID_FORMAT", "targets[2].key:REQUIRED",
                "targets[3].spec.port:OUT_OF_RANGE", "targets[3].key:DUPLICATE", "targets[4].spec.verb:UNKNOWN_FIELD");
        assertThat(answer.json().path("error").path("details").path("items").get(0).path("key").asText()).isEqualTo("b");
        assertThat(export(api, JSON).json().path("targets")).as("nothing written").isEmpty();

        assertThat(fields(apply(api, YAML, "version: 2\ntargets: []\n", ""))).containsExactly("version:OUT_OF_RANGE");
        ApiClient.Answer malformed = apply(api, YAML, "version: 1\ntargets: [\n", "");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().path("error").path("code").asText()).isEqualTo("MALFORMED_YAML");
        assertThat(malformed.json().path("error").path("details").path("line").asInt()).isPositive();
        assertThat(apply(api, "text/plain", file, "").status()).isEqualTo(415);
        assertThat(apply(api, YAML, file, "?dry_run=yes").json().path("error").path("code").asText()).isEqualTo("INVALID_PARAMETER");
        assertThat(export(api, "text/html").status()).isEqualTo(406);
    }

    @Test
    void aNameKeptByATargetOutsideTheFileIsAConflictUnlessPruned() {
        ApiClient api = newOrg();
        seed(api);
        String file = "{\"version\":1,\"targets\":[{\"key\":\"new\",\"name\":\"old thing\",\"kind\":\"tcp\","
                + "\"spec\":{\"host\":\"127.0.0.1\",\"port\":9},\"enabled\":false}]}";
        ApiClient.Answer taken = apply(api, JSON, file, "");
        assertThat(taken.status()).as(taken.text()).isEqualTo(409);
        assertThat(taken.json().path("error").path("code").asText()).isEqualTo("TARGET_NAME_TAKEN");
        assertThat(fields(taken)).containsExactly("targets[0].name:TAKEN");
        assertThat(plan(apply(api, JSON, file, "?prune=true"))).containsExactly("delete db:5432", "create new", "delete old", "delete web");
        List<String> names = new ArrayList<>();
        export(api, JSON).json().path("targets").forEach(t -> names.add(t.path("name").asText()));
        assertThat(names).containsExactly("old thing");
    }

    @Test
    void incidentRulesRoundTripAndAParentMayBeNamedInTheSameFile() {
        ApiClient api = newOrg();
        String file = """
                {"version": 1, "targets": [
                  {"key": "app", "name": "app", "kind": "tcp", "spec": {"host": "127.0.0.1", "port": 9}, "enabled": false,
                   "incident_rules": {"failure_threshold": 3, "parent": "lb"}},
                  {"key": "lb", "name": "lb", "kind": "tcp", "spec": {"host": "127.0.0.1", "port": 9}, "enabled": false}]}""";
        assertThat(plan(apply(api, "application/json", file, ""))).containsExactly("create app", "create lb");

        String exported = export(api, "application/json").text();
        assertThat(plan(apply(api, "application/json", exported, ""))).containsExactly("unchanged app", "unchanged lb");
        assertThat(exported).contains("\"parent\" : \"lb\"").contains("\"failure_threshold\" : 3");

        ApiClient.Answer orphan = apply(api, "application/json", file.replace("\"parent\": \"lb\"", "\"parent\": \"nowhere\""), "");
        assertThat(orphan.status()).isEqualTo(422);
        assertThat(fields(orphan)).contains("targets[0].incident_rules.parent:UNKNOWN_TARGET");
    }

    @Test
    void anEmptyOrgExportsAnEmptyFile() {
        ApiClient api = newOrg();
        JsonNode yaml = readYaml(export(api, "*/*").text());
        assertThat(yaml.path("version").asInt()).isEqualTo(1);
        assertThat(yaml.path("targets")).isEmpty();
    }

    private static JsonNode readYaml(String text) {
        try {
            return YAML_MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not YAML: " + text, e);
        }
    }
}
