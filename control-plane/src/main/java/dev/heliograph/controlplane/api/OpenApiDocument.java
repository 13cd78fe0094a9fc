package dev.heliograph.controlplane.api;

import io.swagger.v3.core.util.Json31;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.SpecVersion;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.tags.Tag;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenAPI 3.1 document of the REST API ({@code GET /api/openapi.json}, shown by Swagger UI at
 * {@code /docs/}), built once at start-up from the very {@link ApiRoute} methods that
 * {@link ApiRoutes} mounts, so every served route is in it and nothing else is. Schemas come from
 * the Java types named in the annotations, read with our own Jackson mapping ({@link SchemaResolver}).
 *
 * <h2>Documenting a route</h2>
 * Beside {@code @ApiRoute} on the handler method, add swagger annotations
 * ({@code io.swagger.v3.oas.annotations}):
 * <pre>{@code
 * @ApiRoute(method = "POST", path = "/api/v1/targets", role = Role.EDITOR)
 * @Operation(summary = "Create a target", description = "Optional longer text (Markdown).")
 * @RequestBody(required = true, content = @Content(schema = @Schema(implementation = TargetRequest.class),
 *         examples = @ExampleObject(ApiExamples.TARGET_REQUEST)))
 * @ApiResponse(responseCode = "201", description = "the stored target", content = @Content(
 *         schema = @Schema(implementation = TargetView.class), examples = @ExampleObject(ApiExamples.TARGET)))
 * @ApiResponse(responseCode = "409", description = "TARGET_NAME_TAKEN: another target of the org has this name")
 * @ApiResponse(responseCode = "422", description = "VALIDATION_FAILED: every invalid field is in details.fields")
 * private void create(RoutingContext ctx) { ... }
 * }</pre>
 * <ul>
 *   <li>{@code @Operation(summary = ...)} is required: a short imperative phrase. {@code operationId}
 *       defaults to class and method ({@code targetCreate}), the tag to the first path segment after
 *       {@code /api/v1/} ({@code targets} for {@code /api/v1/targets:bulk} too).</li>
 *   <li>Parameters: path parameters ({@code {id}}) are added as required strings by themselves; give
 *       {@code @Parameter(name = "id", description = ..., example = ...)} to describe one. Query
 *       parameters need {@code @Parameter(name = "q", description = ..., schema = @Schema(types = "string"))}
 *       (in 3.1 mode write {@code types =}, never {@code type =}, which swagger-core drops); a
 *       repeatable one uses {@code array = @ArraySchema(schema = @Schema(types = "string"))}.</li>
 *   <li>Bodies: {@code @RequestBody(required = true, content = @Content(schema = @Schema(implementation =
 *       X.class), examples = @ExampleObject(...)))}. A route with a body gets 400 (malformed JSON,
 *       unknown field, wrong type), 413 and 415 added.</li>
 *   <li>Answers: one {@code @ApiResponse} per status. A 2xx answer names its type with
 *       {@code @Content(schema = @Schema(implementation = X.class))} (or {@code array = @ArraySchema(...)});
 *       a 204 has no content. An answer that the handler builds as a map needs a record in
 *       {@link ApiSchemas}. List routes use {@link PagedResponse} instead of a 200
 *       {@code @ApiResponse}: it makes the page envelope {@code {"items": [...], "next_cursor": string|null}}
 *       and adds {@code limit}, {@code cursor} and their 400.</li>
 *   <li>Errors: {@code @ApiResponse(responseCode = "404", description = "TARGET_NOT_FOUND: no target with
 *       this id")} without content. It gets the error envelope ({@link ApiSchemas.ErrorEnvelope}) and one
 *       example per code that the description starts with ({@code "A or B: text"}). 401 (and 403 when
 *       the route needs more than {@code viewer} or is operator-only) and 500 are added by themselves.</li>
 *   <li>Examples: at least one per route, in the request body, a 2xx answer or a parameter. Keep JSON
 *       examples as constants in {@link ApiExamples}; the tests check each against its schema.</li>
 *   <li>Records as schemas: fields appear in snake_case; each is {@code required} unless annotated
 *       {@code @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED)} (a field that can be null,
 *       which our mapper leaves out); a field sent as {@code null} declares {@code types = {"string", "null"}}.</li>
 *   <li>Keys: every route that is not {@code @ApiRoute(open = true)} gets the bearer scheme, the role
 *       in {@code x-required-role} and in its description, {@code x-operator-only} when it is.</li>
 *   <li>{@code @ApiRoute(idempotent = true)} adds the {@code Idempotency-Key} header and its errors
 *       (400 {@code INVALID_IDEMPOTENCY_KEY}, 409 {@code IDEMPOTENCY_KEY_IN_PROGRESS}, 422
 *       {@code IDEMPOTENCY_KEY_REUSED}) to whatever the route documents for those statuses.</li>
 * </ul>
 * A route that breaks a rule is still in the document; the rule is listed in {@link #problems()},
 * logged at start-up, and fails {@code OpenApiIT}, which also calls every operation once and checks
 * the real answers against the document.
 */
public final class OpenApiDocument {
    private static final Logger LOG = LoggerFactory.getLogger(OpenApiDocument.class);

    private final OpenAPI openApi;
    private final String json;
    private final List<String> problems;

    private OpenApiDocument(OpenAPI openApi, List<String> problems) {
        this.openApi = openApi;
        this.json = Json31.pretty(openApi);
        this.problems = List.copyOf(problems);
    }

    /** The document of {@code routes} ({@link ApiRoutes#declared}); logs a warning per {@linkplain #problems() problem}. */
    public static OpenApiDocument build(List<ApiRoutes.Declared> routes) {
        List<String> problems = new ArrayList<>();
        Components components = new Components().addSecuritySchemes(OperationReader.BEARER, new SecurityScheme()
                .type(SecurityScheme.Type.HTTP).scheme("bearer").bearerFormat("hg_key_...")
                .description("An API key: `Authorization: Bearer hg_key_...`. Its org scopes every answer; its role "
                        + "(viewer < editor < admin) decides what it may do."));
        SchemaResolver schemas = new SchemaResolver(components);
        OperationReader reader = new OperationReader(schemas, problems);
        Paths paths = new Paths();
        Set<String> tags = new TreeSet<>();
        Set<String> operationIds = new HashSet<>();
        List<ApiRoutes.Declared> byPath = routes.stream().sorted(Comparator.comparing(d -> d.route().path())).toList();
        for (ApiRoutes.Declared route : byPath) {
            Operation operation;
            try {
                operation = reader.read(route);
            } catch (RuntimeException e) {
                problems.add(route.name() + ": " + e.getMessage());
                operation = new Operation().summary(route.name());
            }
            if (operation.getOperationId() != null && !operationIds.add(operation.getOperationId())) {
                problems.add(route.name() + ": operationId " + operation.getOperationId() + " is used twice");
            }
            if (operation.getTags() != null) {
                tags.addAll(operation.getTags());
            }
            PathItem item = paths.computeIfAbsent(route.route().path(), path -> new PathItem());
            item.operation(PathItem.HttpMethod.valueOf(route.route().method().toUpperCase(Locale.ROOT)), operation);
        }
        OpenAPI openApi = new OpenAPI(SpecVersion.V31).openapi("3.1.0").info(info()).paths(paths).components(components)
                .tags(tags.stream().map(name -> new Tag().name(name)).toList())
                .webhooks(java.util.Map.of("notification", new PathItem().post(webhook(schemas))));
        problems.forEach(problem -> LOG.warn("OpenAPI document: {}", problem));
        return new OpenApiDocument(openApi, problems);
    }

    /** What a webhook alert channel receives: published so that receivers can validate it. */
    private static Operation webhook(SchemaResolver schemas) {
        return new Operation().operationId("webhookNotification").summary("A notification to a webhook alert channel")
                .description("Sent for every notification routed to a channel of kind webhook, and by POST "
                        + "/api/v1/alert-channels/{id}/test. Verify the signature before trusting it; deduplicate by webhook-id "
                        + "(retries send the same id and bytes). Answer 2xx to take it; 429 and 5xx are retried with backoff, "
                        + "other answers end it as a dead letter.")
                .requestBody(new io.swagger.v3.oas.models.parameters.RequestBody().required(true).content(new io.swagger.v3.oas.models
                        .media.Content().addMediaType("application/json", new io.swagger.v3.oas.models.media.MediaType()
                        .schema(schemas.of(ApiSchemas.WebhookPayload.class)).example(ApiExamples.webhookExample()))))
                .responses(new io.swagger.v3.oas.models.responses.ApiResponses().addApiResponse("200",
                        new io.swagger.v3.oas.models.responses.ApiResponse().description("any 2xx: delivered")));
    }

    /** The document as pretty-printed JSON. */
    public String json() {
        return json;
    }

    /** The document's model (swagger-models); do not change it. */
    public OpenAPI model() {
        return openApi;
    }

    /**
     * The routes that break a documentation rule (see the class comment), one line each, e.g.
     * {@code "GET /api/v1/x: no @Operation(summary = ...)"}; empty when every route is documented.
     */
    public List<String> problems() {
        return problems;
    }

    private static Info info() {
        return new Info().title("Heliograph API").version("v1")
                .description("""
                        The REST API of the Heliograph control plane: targets, their results and statistics, regions, \
                        agents, API keys and orgs.

                        JSON everywhere, with `snake_case` fields and RFC 3339 UTC times. Lists are paged with a cursor: \
                        `{"items": [...], "next_cursor": "..."}` (`null` on the last page); pass `next_cursor` back as \
                        `cursor`. Every error is `{"error": {"code", "message", "details", "request_id"}}` with a stable \
                        upper-case code. Every answer carries `X-Request-Id` (the client's, when it sent a valid one).

                        Authenticate with an API key: `Authorization: Bearer hg_key_...` (press *Authorize*).""");
    }
}
