package dev.heliograph.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.probe.codec.Json;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How {@link OpenApiDocument} reads the annotations of a route, on small handlers made for it. */
class OpenApiDocumentTest {
    /** A record answer: one optional field, a time, a nested record, a JSON value. */
    record Widget(String id, @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED) String note, Instant madeAt,
                  Part part, JsonNode settings, long sizeBytes) {
    }

    record Part(String name) {
    }

    /** Documented the way OpenApiDocument's class comment says. */
    static final class Documented {
        @ApiRoute(method = "POST", path = "/api/v1/widgets", role = Role.EDITOR)
        @Operation(summary = "Create a widget")
        @RequestBody(required = true, content = @Content(schema = @Schema(implementation = Part.class),
                examples = @ExampleObject("{\"name\": \"a\"}")))
        @ApiResponse(responseCode = "201", description = "the widget", content = @Content(schema = @Schema(implementation = Widget.class)))
        @ApiResponse(responseCode = "409", description = "WIDGET_EXISTS or NAME_TAKEN: a widget of this name exists")
        private void create(RoutingContext ctx) {
        }

        @ApiRoute(method = "GET", path = "/api/v1/widgets")
        @Operation(summary = "List widgets")
        @PagedResponse(value = Widget.class, itemExample = "{\"id\": \"w1\", \"made_at\": \"2026-01-01T00:00:00Z\", "
                + "\"part\": {\"name\": \"a\"}, \"settings\": {}, \"size_bytes\": 3}")
        @Parameter(name = "size", description = "only widgets of this size", schema = @Schema(types = "integer"), example = "3")
        private void list(RoutingContext ctx) {
        }

        @ApiRoute(method = "DELETE", path = "/api/v1/widgets/{id}", operatorOnly = true)
        @Operation(summary = "Delete a widget")
        @Parameter(name = "id", description = "the widget's id", example = "w1")
        @ApiResponse(responseCode = "204", description = "deleted")
        private void delete(RoutingContext ctx) {
        }

        @ApiRoute(method = "GET", path = "/api/v1/widgets:count", open = true)
        @Operation(summary = "Count widgets")
        @ApiResponse(responseCode = "200", description = "the count", content = @Content(schema = @Schema(types = "integer"),
                examples = @ExampleObject("3")))
        private void count(RoutingContext ctx) {
        }
    }

    record Sloppy(@Schema(type = "integer") String count) {
    }

    /** Uses {@code type =}, which swagger-core drops in 3.1 mode. */
    static final class Typed {
        @ApiRoute(method = "GET", path = "/api/v1/sloppy")
        @Operation(summary = "Read something sloppy")
        @ApiResponse(responseCode = "200", description = "it", content = @Content(schema = @Schema(implementation = Sloppy.class),
                examples = @ExampleObject("{\"count\": \"1\"}")))
        private void get(RoutingContext ctx) {
        }
    }

    /** Breaks the rules: no summary, no 2xx, no example, a path parameter that is not in the path. */
    static final class Undocumented {
        @ApiRoute(method = "GET", path = "/api/v1/gadgets")
        @Parameter(name = "id", in = io.swagger.v3.oas.annotations.enums.ParameterIn.PATH, description = "no such segment")
        private void list(RoutingContext ctx) {
        }
    }

    private static JsonNode document(Object... handlers) throws Exception {
        OpenApiDocument document = OpenApiDocument.build(ApiRoutes.declared(List.of(handlers)));
        return Json.MAPPER.readTree(document.json());
    }

    @Test
    void recordsAreSnakeCaseWithEveryFieldRequiredUnlessMarked() throws Exception {
        JsonNode widget = document(new Documented()).at("/components/schemas/Widget");
        assertThat(widget.path("properties").fieldNames()).toIterable()
                .containsExactly("id", "note", "made_at", "part", "settings", "size_bytes");
        assertThat(widget.path("required")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("id", "made_at", "part", "settings", "size_bytes");
        assertThat(widget.at("/properties/made_at/format").asText()).isEqualTo("date-time");
        assertThat(widget.at("/properties/part/$ref").asText()).isEqualTo("#/components/schemas/Part");
        assertThat(widget.at("/properties/settings/type").isMissingNode()).as("any JSON value").isTrue();
    }

    @Test
    void errorAnswersGetTheEnvelopeAndAnExamplePerCode() throws Exception {
        JsonNode conflict = document(new Documented()).at("/paths/~1api~1v1~1widgets/post/responses/409/content/application~1json");
        assertThat(conflict.at("/schema/$ref").asText()).isEqualTo("#/components/schemas/ErrorEnvelope");
        assertThat(conflict.path("examples").fieldNames()).toIterable().containsExactly("WIDGET_EXISTS", "NAME_TAKEN");
        assertThat(conflict.at("/examples/NAME_TAKEN/value/error/message").asText()).isEqualTo("a widget of this name exists");
    }

    @Test
    void routesWithABodyOrAKeyGetTheirCommonErrors() throws Exception {
        JsonNode create = document(new Documented()).at("/paths/~1api~1v1~1widgets/post");
        assertThat(create.path("responses").fieldNames()).toIterable()
                .containsExactly("201", "400", "401", "403", "409", "413", "415", "500");
        assertThat(create.at("/responses/403/$ref").asText()).isEqualTo("#/components/responses/Forbidden");
        assertThat(create.at("/security/0/" + OperationReader.BEARER).isArray()).isTrue();
        assertThat(create.path("x-required-role").asText()).isEqualTo("editor");
        assertThat(create.path("description").asText()).contains("role `editor`");
    }

    @Test
    void operatorOnlyViewerRoutesDocumentOperatorOnlyAndOpenRoutesNoKey() throws Exception {
        JsonNode doc = document(new Documented());
        JsonNode delete = doc.at("/paths/~1api~1v1~1widgets~1{id}/delete");
        assertThat(delete.at("/responses/403/$ref").asText()).isEqualTo("#/components/responses/OperatorOnly");
        assertThat(delete.path("x-operator-only").asBoolean()).isTrue();
        assertThat(delete.at("/parameters/0/in").asText()).isEqualTo("path");
        assertThat(delete.at("/parameters/0/required").asBoolean()).isTrue();
        JsonNode count = doc.at("/paths/~1api~1v1~1widgets:count/get");
        assertThat(count.has("security")).isFalse();
        assertThat(count.path("responses").has("401")).isFalse();
        assertThat(count.path("description").asText()).isEqualTo("No API key needed.");
        assertThat(count.path("tags").get(0).asText()).isEqualTo("widgets");
        assertThat(count.path("operationId").asText()).isEqualTo("documentedCount");
    }

    @Test
    void pagedRoutesAnswerThePageEnvelopeAndTakeLimitAndCursor() throws Exception {
        JsonNode doc = document(new Documented());
        JsonNode list = doc.at("/paths/~1api~1v1~1widgets/get");
        assertThat(list.at("/responses/200/content/application~1json/schema/$ref").asText())
                .isEqualTo("#/components/schemas/WidgetPage");
        assertThat(list.at("/responses/200/content/application~1json/examples/page/value/items/0/id").asText()).isEqualTo("w1");
        assertThat(list.at("/responses/400/$ref").asText()).isEqualTo("#/components/responses/InvalidPage");
        assertThat(list.path("parameters").findValuesAsText("name")).containsExactly("size", "limit", "cursor");
        assertThat(list.at("/parameters/0/example").isInt()).as("an integer parameter's example is a number").isTrue();
        JsonNode page = doc.at("/components/schemas/WidgetPage");
        assertThat(page.at("/properties/next_cursor/type")).extracting(JsonNode::asText).containsExactlyInAnyOrder("string", "null");
        assertThat(page.path("required")).extracting(JsonNode::asText).containsExactlyInAnyOrder("items", "next_cursor");
    }

    @Test
    void rulesBrokenAreListedAndTheRouteIsStillDocumented() throws Exception {
        OpenApiDocument document = OpenApiDocument.build(ApiRoutes.declared(List.of(new Undocumented())));
        assertThat(document.problems()).containsExactly(
                "GET /api/v1/gadgets: no @Operation(summary = ...)",
                "GET /api/v1/gadgets: path parameter id is not in the path",
                "GET /api/v1/gadgets: no 2xx @ApiResponse (or @PagedResponse)",
                "GET /api/v1/gadgets: no example (an @ExampleObject in the request body or a 2xx answer, or a parameter example)");
        assertThat(Json.MAPPER.readTree(document.json()).at("/paths/~1api~1v1~1gadgets/get/operationId").asText())
                .isEqualTo("undocumentedList");
        assertThat(OpenApiDocument.build(ApiRoutes.declared(List.of(new Documented()))).problems()).isEmpty();
    }

    @Test
    void typeInsteadOfTypesIsAProblem() {
        assertThat(OpenApiDocument.build(ApiRoutes.declared(List.of(new Typed()))).problems()).containsExactly(
                "GET /api/v1/sloppy: @Schema of Sloppy.count uses type = \"integer\", which OpenAPI 3.1 ignores; "
                        + "write types = \"integer\"");
    }
}
