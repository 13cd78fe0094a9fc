package dev.heliograph.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heliograph.controlplane.ApiClient;
import dev.heliograph.controlplane.ControlPlane;
import dev.heliograph.controlplane.TestServices;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.OpenAPIVersion;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatableResponse;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The OpenAPI document against the real control plane: it loads as an OpenAPI 3.1 contract, it
 * lists exactly the routes the router serves, every operation is documented, every example fits
 * its schema, and a real call of every operation ({@link OpenApiSamples}) answers as documented,
 * including the 401/403 of keys. Answers are checked with every object schema closed (no field
 * the document does not name), so an undocumented field fails too. Also: Swagger UI at /docs/.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiIT {
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");

    private TestServices services;
    private Vertx vertx;
    private ControlPlane plane;
    private ApiClient admin;
    private ApiClient anonymous;
    private JsonObject document;
    private OpenAPIContract contract;
    private ResponseValidator validator;

    @BeforeAll
    void start() throws Exception {
        services = new TestServices();
        vertx = Vertx.vertx();
        // Notifications to a closed port become dead letters within a second (IncidentSamples needs one); the loopback
        // host's breaker never opens, so the always-failing target keeps producing observations.
        plane = ControlPlane.start(vertx, services.config("alerting.dead_letter_after_s=1", "alerting.retry_initial_ms=10",
                "alerting.poll_interval_ms=100", "breaker.sliding_window=10000", "breaker.minimum_checks=10000"), Clock.systemUTC())
                .await(60, TimeUnit.SECONDS);
        admin = new ApiClient(plane.apiPort());
        anonymous = admin.withKey(null);
        ApiClient.Answer answer = anonymous.get(DocsHandler.DOCUMENT_PATH);
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        document = new JsonObject(answer.text());
        contract = OpenAPIContract.from(vertx, closed(document.copy())).await(30, TimeUnit.SECONDS);
        validator = ResponseValidator.create(vertx, contract);
    }

    @AfterAll
    void stop() throws Exception {
        plane.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
        services.close();
    }

    @Test
    void documentIsAnOpenApi31Contract() throws Exception {
        OpenAPIContract loaded = OpenAPIContract.from(vertx, document.copy()).await(30, TimeUnit.SECONDS);
        assertThat(loaded.getVersion()).isEqualTo(OpenAPIVersion.V3_1);
        assertThat(document.getString("openapi")).isEqualTo("3.1.0");
        assertThat(loaded.operations()).hasSize(operations().size());
        assertThat(loaded.securityScheme(OperationReader.BEARER).getScheme()).isEqualTo("bearer");
    }

    @Test
    void documentListsExactlyTheServedOperations() {
        Set<String> served = new TreeSet<>(plane.apiOperations());
        Set<String> documented = operations().keySet();
        assertThat(served).as("served under /api/v1 but not in the document (a route without @ApiRoute shows as UNDECLARED)")
                .isSubsetOf(documented);
        assertThat(documented).as("in the document but not served").isSubsetOf(served);
    }

    @Test
    void everyOperationIsDocumented() {
        Map<String, String> failures = new LinkedHashMap<>();
        operations().forEach((name, operation) -> {
            String problem = OpenApiChecks.undocumented(document, operation);
            if (problem != null) {
                failures.put(name, problem);
            }
        });
        assertThat(failures).as("operations that break a documentation rule").isEmpty();
    }

    @Test
    void everyExampleFitsItsSchema() {
        Map<String, String> failures = new LinkedHashMap<>();
        operations().forEach((name, operation) -> {
            String id = operation.getString("operationId");
            Operation contractOperation = contract.operation(id);
            JsonObject responses = operation.getJsonObject("responses");
            for (String status : responses.fieldNames()) {
                JsonObject response = OpenApiChecks.resolve(document, responses.getJsonObject(status));
                OpenApiChecks.examples(response).forEach((example, value) -> {
                    String failure = validate(id, Integer.parseInt(status), io.vertx.core.json.Json.encode(value));
                    if (failure != null) {
                        failures.put(name + " " + status + " example " + example, failure);
                    }
                });
            }
            JsonObject body = operation.getJsonObject("requestBody");
            if (body != null) {
                MediaType media = contractOperation.getRequestBody().getContent().get(SchemaResolver.JSON);
                OpenApiChecks.examples(body).forEach((example, value) -> {
                    var result = contract.getSchemaRepository().validator(media.getSchema()).validate(value);
                    if (!result.getValid()) {
                        failures.put(name + " request example " + example, result.toJson().encode());
                    }
                });
            }
        });
        assertThat(failures).as("examples that do not fit their schema").isEmpty();
    }

    @Test
    void everyOperationAnswersAsDocumented() {
        List<OpenApiSamples.Sample> samples = new OpenApiSamples(admin, new ApiClient("https://127.0.0.1:" + plane.agentPort(),
                trustAgentServer())).all();
        Set<String> withSuccess = new TreeSet<>();
        Map<String, String> failures = new LinkedHashMap<>();
        Map<String, JsonObject> operations = operations();
        for (OpenApiSamples.Sample sample : samples) {
            JsonObject operation = operations.get(sample.operation());
            if (operation == null) {
                failures.put(sample.operation() + " (" + sample.name() + ")", "not in the document");
                continue;
            }
            ApiClient.Answer answer = sample.call().get();
            if (answer.status() / 100 == 2) {
                withSuccess.add(sample.operation());
            }
            if (answer.status() != sample.expected()) {
                failures.put(sample.operation() + " (" + sample.name() + ")", "expected " + sample.expected() + ", got "
                        + answer.status() + " " + answer.text());
                continue;
            }
            String failure = validate(operation.getString("operationId"), answer.status(), answer.text());
            if (failure != null) {
                failures.put(sample.operation() + " (" + sample.name() + ")", failure + " in " + answer.text());
            }
        }
        assertThat(failures).as("answers that differ from the document").isEmpty();
        assertThat(withSuccess).as("operations need a sample call that succeeds (add one to OpenApiSamples)")
                .containsExactlyInAnyOrderElementsOf(operations.keySet());
    }

    @Test
    void keyFailuresAnswerAsDocumented() {
        String viewerKey = admin.post("/api/v1/api-keys", "{\"name\":\"openapi-viewer\",\"role\":\"viewer\"}").json().path("key").asText();
        ApiClient.Answer org = admin.post("/api/v1/orgs", "{\"name\":\"openapi-other\"}");
        ApiClient viewer = admin.withKey(viewerKey);
        ApiClient otherOrg = admin.withKey(org.json().path("admin_key").asText());
        Map<String, String> failures = new LinkedHashMap<>();
        operations().forEach((name, operation) -> {
            if (!operation.containsKey("security")) {
                return;
            }
            String path = name.substring(name.indexOf(' ') + 1).replaceAll("\\{[^}]+}", UUID.randomUUID().toString());
            String method = name.substring(0, name.indexOf(' '));
            String id = operation.getString("operationId");
            boolean documents403 = operation.getJsonObject("responses").containsKey("403");
            check(failures, name + " without a key", call(anonymous, method, path), 401, "UNAUTHENTICATED", id);
            if (!"viewer".equals(operation.getString("x-required-role"))) {
                check(failures, name + " with a viewer key", call(viewer, method, path), 403, "FORBIDDEN", id);
            }
            if (operation.getBoolean("x-operator-only", false)) {
                check(failures, name + " with another org's key", call(otherOrg, method, path), 403, "OPERATOR_ONLY", id);
            } else if (!documents403 && "GET".equals(method)) {
                ApiClient.Answer answer = call(viewer, method, path);
                if (answer.status() == 403) {
                    failures.put(name + " with a viewer key", "403 is not documented: " + answer.text());
                }
            }
        });
        assertThat(failures).as("key failures that differ from the document").isEmpty();
    }

    @Test
    void docsServeSwaggerUiOfTheDocument() throws Exception {
        var bare = java.net.http.HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(admin.base() + "/docs")).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding());
        assertThat(bare.statusCode()).isEqualTo(301);
        assertThat(bare.headers().firstValue("location")).hasValue("/docs/");
        ApiClient.Answer page = anonymous.get("/docs/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.text()).contains("<div id=\"swagger-ui\">").contains("swagger-ui-bundle.js").contains("swagger-initializer.js");
        ApiClient.Answer initializer = anonymous.get("/docs/swagger-initializer.js");
        assertThat(initializer.status()).isEqualTo(200);
        assertThat(initializer.text()).contains("url: \"/api/openapi.json\"").doesNotContain("petstore");
        ApiClient.Answer bundle = anonymous.get("/docs/swagger-ui-bundle.js");
        assertThat(bundle.status()).isEqualTo(200);
        assertThat(bundle.text()).contains("SwaggerUIBundle");
        assertThat(anonymous.get("/docs/no-such-file.js").status()).isEqualTo(404);
    }

    /** Every operation of the document as {@code "GET /api/v1/targets/{id}"} → its JSON. */
    private Map<String, JsonObject> operations() {
        Map<String, JsonObject> all = new java.util.TreeMap<>();
        JsonObject paths = document.getJsonObject("paths");
        for (String path : paths.fieldNames()) {
            JsonObject item = paths.getJsonObject(path);
            for (String method : item.fieldNames()) {
                if (METHODS.contains(method)) {
                    all.put(method.toUpperCase(java.util.Locale.ROOT) + " " + path, item.getJsonObject(method));
                }
            }
        }
        return all;
    }

    /** {@code null} when an answer with {@code status} and {@code body} fits operation {@code id}, else why not. */
    private String validate(String id, int status, String body) {
        ValidatableResponse response = body.isEmpty() ? ValidatableResponse.create(status)
                : ValidatableResponse.create(status, Buffer.buffer(body), SchemaResolver.JSON);
        try {
            validator.validate(response, id).await(10, TimeUnit.SECONDS);
            return null;
        } catch (SchemaValidationException e) {
            return e.getMessage() + ": " + e.getOutputUnit().toJson().encode();
        } catch (Exception e) {
            return e.toString();
        }
    }

    private void check(Map<String, String> failures, String what, ApiClient.Answer answer, int status, String code, String id) {
        if (answer.status() != status || !code.equals(answer.json().path("error").path("code").asText())) {
            failures.put(what, "expected " + status + " " + code + ", got " + answer.status() + " " + answer.text());
            return;
        }
        String failure = validate(id, status, answer.text());
        if (failure != null) {
            failures.put(what, failure);
        }
    }

    private static ApiClient.Answer call(ApiClient client, String method, String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(client.base() + path));
        if (method.equals("POST") || method.equals("PUT")) {
            request.header("content-type", "application/json").method(method, HttpRequest.BodyPublishers.ofString("{}"));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return client.send(request);
    }

    private javax.net.ssl.SSLContext trustAgentServer() {
        try {
            return ApiClient.trusting(services.tlsDir().resolve("ca.pem"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The document with every object schema that lists properties closed
     * ({@code additionalProperties: false}), so that validating an answer also catches fields the
     * document does not name. The served document stays open, as clients should ignore new fields.
     */
    static JsonObject closed(JsonObject json) {
        if (json.containsKey("properties") && json.getValue("properties") instanceof JsonObject
                && !json.containsKey("additionalProperties")) {
            json.put("additionalProperties", false);
        }
        for (String key : json.fieldNames()) {
            if (key.equals("examples") || key.equals("example")) {
                continue;
            }
            Object value = json.getValue(key);
            if (value instanceof JsonObject object) {
                closed(object);
            } else if (value instanceof JsonArray array) {
                array.forEach(element -> {
                    if (element instanceof JsonObject object) {
                        closed(object);
                    }
                });
            }
        }
        return json;
    }
}
