package dev.heliograph.controlplane.api;

import dev.heliograph.controlplane.auth.ApiKeys;
import dev.heliograph.controlplane.auth.OrgInfo;
import dev.heliograph.controlplane.auth.PgApiKeyStore;
import dev.heliograph.domain.FieldError;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/v1/orgs}: the operator org's admins create and list tenants. Creating an org also
 * creates its first admin key, shown once in the answer ({@code admin_key}); that org's admins then
 * manage their own keys through {@code /api/v1/api-keys}. {@code GET /api/v1/org} tells any caller
 * which org and role its key has.
 */
public final class OrgHandler {
    private static final String NAME_PATTERN = "[a-z0-9][a-z0-9-]{0,62}";

    private final PgApiKeyStore store;

    /** Whether {@code name} is a valid org name: 1-63 characters of a-z, 0-9 and '-', not starting with '-'. */
    public static boolean validName(String name) {
        return name != null && name.matches(NAME_PATTERN);
    }

    public OrgHandler(PgApiKeyStore store) {
        this.store = store;
    }

    /** Body of {@code POST /api/v1/orgs}: {@code name} is 1-63 characters of a-z, 0-9 and '-'. */
    public record OrgRequest(String name) {
    }

    /** An org as the API shows it; {@code admin_key} only in the answer to its creation. */
    public record OrgView(String id, String name, Instant createdAt,
                          @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED,
                                  description = "the org's first admin key, only in the answer to its creation") String adminKey) {
    }

    /** Answer of {@code GET /api/v1/org}: the caller's org and its key's role. */
    public record CallerView(String orgId, String orgName,
                             @Schema(allowableValues = {"admin", "editor", "viewer"}) String role, String keyId) {
    }

    @ApiRoute(method = "POST", path = "/api/v1/orgs", role = Role.ADMIN, operatorOnly = true)
    @Operation(summary = "Create an org",
            description = "Also creates the org's first admin key (admin_key), shown in this answer only.")
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = OrgRequest.class),
            examples = @ExampleObject(ApiExamples.ORG_REQUEST)))
    @ApiResponse(responseCode = "201", description = "the org and its first admin key",
            content = @Content(schema = @Schema(implementation = OrgView.class),
                    examples = @ExampleObject(ApiExamples.ORG_CREATED)))
    @ApiResponse(responseCode = "409", description = "ORG_EXISTS: an org of this name exists")
    @ApiResponse(responseCode = "422", description = "VALIDATION_FAILED: name is not 1-63 characters of a-z, 0-9 and '-'")
    private void create(RoutingContext ctx) {
        OrgRequest request = JsonBody.bind(JsonBody.tree(ctx), OrgRequest.class, "");
        if (!validName(request.name())) {
            throw ApiException.validation(List.of(new FieldError("name", request.name() == null ? FieldError.REQUIRED
                    : FieldError.INVALID_FORMAT, "name must be 1-63 characters of a-z, 0-9 and '-'")));
        }
        String key = ApiKeys.generate();
        store.createOrg(request.name(), key)
                .onSuccess(created -> {
                    if (created.isEmpty()) {
                        ctx.fail(new ApiException(409, "ORG_EXISTS", "org " + request.name() + " already exists",
                                Map.of("field", "name")));
                        return;
                    }
                    Responses.json(ctx, 201, view(created.get(), key));
                })
                .onFailure(ctx::fail);
    }

    @ApiRoute(method = "GET", path = "/api/v1/orgs", role = Role.ADMIN, operatorOnly = true)
    @Operation(summary = "List orgs",
            description = "Ordered by name.")
    @PagedResponse(value = OrgView.class, itemExample = ApiExamples.ORG)
    private void list(RoutingContext ctx) {
        int limit = Paging.limit(ctx);
        String after = Paging.decode(ctx);
        store.listOrgs(after, limit + 1)
                .onSuccess(orgs -> Paging.respond(ctx, orgs, limit, org -> view(org, null), OrgInfo::name))
                .onFailure(ctx::fail);
    }

    @ApiRoute(method = "GET", path = "/api/v1/org")
    @Operation(summary = "Tell which org and role the caller's key has")
    @ApiResponse(responseCode = "200", description = "the caller's org and role",
            content = @Content(schema = @Schema(implementation = CallerView.class),
                    examples = @ExampleObject(ApiExamples.CALLER)))
    private void current(RoutingContext ctx) {
        Caller caller = ApiRoutes.caller(ctx);
        store.org(caller.org()).onSuccess(org -> Responses.json(ctx, 200, new CallerView(caller.org().toString(),
                org.map(OrgInfo::name).orElse(""), caller.role().wire(), String.valueOf(caller.keyId()))))
                .onFailure(ctx::fail);
    }

    private static OrgView view(OrgInfo org, String adminKey) {
        return new OrgView(org.id().toString(), org.name(), org.createdAt(), adminKey);
    }
}
