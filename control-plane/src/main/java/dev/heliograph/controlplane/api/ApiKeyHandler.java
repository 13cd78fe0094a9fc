package dev.heliograph.controlplane.api;

import dev.heliograph.controlplane.auth.ApiKeyInfo;
import dev.heliograph.controlplane.auth.ApiKeys;
import dev.heliograph.controlplane.auth.KeyAuthenticator;
import dev.heliograph.controlplane.auth.PgApiKeyStore;
import dev.heliograph.domain.FieldError;
import dev.heliograph.domain.OrgId;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * {@code /api/v1/api-keys}: an org's admins create, list, read and revoke its API keys. A key
 * ({@code hg_key_...}) is shown once, in the answer to its creation; listings show metadata and the
 * key's first characters only. Keys of other orgs answer 404.
 */
public final class ApiKeyHandler {
    /** Longest lifetime a key can be given, in hours (10 years). */
    public static final int MAX_EXPIRES_IN_H = 24 * 3650;
    private static final int MAX_NAME = 100;

    private final PgApiKeyStore store;
    private final KeyAuthenticator authenticator;
    private final Clock clock;

    public ApiKeyHandler(PgApiKeyStore store, KeyAuthenticator authenticator, Clock clock) {
        this.store = store;
        this.authenticator = authenticator;
        this.clock = clock;
    }

    /**
     * Body of {@code POST /api/v1/api-keys}.
     *
     * @param name       free text, at most 100 characters
     * @param role       {@code admin}, {@code editor} or {@code viewer}
     * @param expiresInH hours until the key stops working (1..87600); absent = never
     */
    public record KeyRequest(@Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED) String name,
                             @Schema(allowableValues = {"admin", "editor", "viewer"}) String role,
                             @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED) Integer expiresInH) {
    }

    /**
     * A key as the API shows it; {@code key} is set only in the answer to its creation.
     *
     * @param state {@code active}, {@code expired} or {@code revoked}
     */
    public record KeyView(String id, String orgId, String name,
                          @Schema(allowableValues = {"admin", "editor", "viewer"}) String role,
                          @Schema(description = "the key's first characters, to recognise it") String prefix,
                          @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED,
                                  description = "the key itself, only in the answer to its creation") String key,
                          @Schema(allowableValues = {"active", "expired", "revoked"}) String state,
                          Instant createdAt,
                          @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "absent: never expires")
                          Instant expiresAt,
                          @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED) Instant revokedAt) {
    }

    @ApiRoute(method = "POST", path = "/api/v1/api-keys", role = Role.ADMIN)
    @Operation(summary = "Create an API key",
            description = "The key (hg_key_...) is in this answer only; it is stored hashed.")
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = KeyRequest.class),
            examples = @ExampleObject(ApiExamples.KEY_REQUEST)))
    @ApiResponse(responseCode = "201", description = "the key with its metadata",
            content = @Content(schema = @Schema(implementation = KeyView.class),
                    examples = @ExampleObject(ApiExamples.KEY_CREATED)),
            headers = @Header(name = "Location", description = "/api/v1/api-keys/{id}", schema = @Schema(types = "string")))
    @ApiResponse(responseCode = "422",
            description = "VALIDATION_FAILED: role is missing or not admin, editor or viewer, name is over 100 characters, or "
                    + "expires_in_h is outside 1..87600")
    private void create(RoutingContext ctx) {
        KeyRequest request = JsonBody.bind(JsonBody.tree(ctx), KeyRequest.class, "");
        List<FieldError> errors = new ArrayList<>();
        String name = request.name() == null ? "" : request.name();
        if (name.length() > MAX_NAME) {
            errors.add(new FieldError("name", FieldError.TOO_LONG, "name must be at most " + MAX_NAME + " characters"));
        }
        Role role = null;
        if (request.role() == null) {
            errors.add(new FieldError("role", FieldError.REQUIRED, "role is required (admin, editor or viewer)"));
        } else {
            try {
                role = Role.parse(request.role());
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("role", FieldError.INVALID_FORMAT, e.getMessage()));
            }
        }
        Integer hours = request.expiresInH();
        if (hours != null && (hours < 1 || hours > MAX_EXPIRES_IN_H)) {
            errors.add(new FieldError("expires_in_h", FieldError.OUT_OF_RANGE,
                    "expires_in_h must be between 1 and " + MAX_EXPIRES_IN_H));
        }
        if (!errors.isEmpty()) {
            throw ApiException.validation(errors);
        }
        String key = ApiKeys.generate();
        Instant expires = hours == null ? null : clock.instant().plus(Duration.ofHours(hours));
        store.create(ApiServer.org(ctx), key, name, role, expires).onSuccess(created -> {
            ctx.response().putHeader("location", "/api/v1/api-keys/" + created.id());
            Responses.json(ctx, 201, view(created, key));
        }).onFailure(ctx::fail);
    }

    @ApiRoute(method = "GET", path = "/api/v1/api-keys", role = Role.ADMIN)
    @Operation(summary = "List the org's API keys",
            description = "Metadata and the key's first characters (prefix), ordered by id; never the key.")
    @PagedResponse(value = KeyView.class, itemExample = ApiExamples.KEY)
    private void list(RoutingContext ctx) {
        int limit = Paging.limit(ctx);
        UUID after = cursor(ctx);
        store.list(ApiServer.org(ctx), after, limit + 1)
                .onSuccess(keys -> Paging.respond(ctx, keys, limit, key -> view(key, null), key -> key.id().toString()))
                .onFailure(ctx::fail);
    }

    @ApiRoute(method = "GET", path = "/api/v1/api-keys/{id}", role = Role.ADMIN)
    @Operation(summary = "Read an API key's metadata")
    @Parameter(name = "id", description = "the key's id", example = ApiExamples.UUID)
    @ApiResponse(responseCode = "200", description = "the key's metadata",
            content = @Content(schema = @Schema(implementation = KeyView.class), examples = @ExampleObject(ApiExamples.KEY)))
    @ApiResponse(responseCode = "404", description = "API_KEY_NOT_FOUND: the org has no API key with this id")
    private void get(RoutingContext ctx) {
        UUID id = keyId(ctx);
        store.get(ApiServer.org(ctx), id).onSuccess(found -> found.ifPresentOrElse(
                key -> Responses.json(ctx, 200, view(key, null)),
                () -> ctx.fail(notFound(id.toString())))).onFailure(ctx::fail);
    }

    @ApiRoute(method = "DELETE", path = "/api/v1/api-keys/{id}", role = Role.ADMIN)
    @Operation(summary = "Revoke an API key",
            description = "It stops working at once.")
    @Parameter(name = "id", description = "the key's id", example = ApiExamples.UUID)
    @ApiResponse(responseCode = "204", description = "revoked")
    @ApiResponse(responseCode = "404", description = "API_KEY_NOT_FOUND: the org has no API key with this id")
    private void revoke(RoutingContext ctx) {
        UUID id = keyId(ctx);
        OrgId org = ApiServer.org(ctx);
        store.revoke(org, id, clock.instant()).onSuccess(found -> {
            if (found.isEmpty()) {
                ctx.fail(notFound(id.toString()));
                return;
            }
            authenticator.forget();
            ctx.response().setStatusCode(204).end();
        }).onFailure(ctx::fail);
    }

    private KeyView view(ApiKeyInfo info, String key) {
        Instant now = clock.instant();
        String state = info.revokedAt() != null ? "revoked" : info.activeAt(now) ? "active" : "expired";
        return new KeyView(info.id().toString(), info.org().toString(), info.name(), info.role().wire(), info.prefix(), key,
                state, info.createdAt(), info.expiresAt(), info.revokedAt());
    }

    private static UUID keyId(RoutingContext ctx) {
        return Ids.path(ctx, ApiKeyHandler::notFound);
    }

    private static UUID cursor(RoutingContext ctx) {
        return Ids.parameter(Paging.decode(ctx), "cursor");
    }

    private static ApiException notFound(String id) {
        return Ids.notFound("API_KEY_NOT_FOUND", "API key", id);
    }
}
