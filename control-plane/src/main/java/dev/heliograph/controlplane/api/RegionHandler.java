package dev.heliograph.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.controlplane.agents.AgentStore;
import dev.heliograph.controlplane.agents.RegionCatalog;
import dev.heliograph.controlplane.agents.RegionInfo;
import dev.heliograph.controlplane.agents.TokenInfo;
import dev.heliograph.domain.FieldError;
import dev.heliograph.domain.RegionId;
import dev.heliograph.probe.agent.protocol.AgentProtocol;
import dev.heliograph.probe.agent.protocol.RequestSignature;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code /api/v1/regions} and their registration tokens. Regions are shared by every org; the
 * control plane's own region exists from start-up and cannot be deleted, nor can a region that a
 * target is checked from or an agent is registered in (409 {@code REGION_IN_USE}).
 *
 * <p>A registration token ({@code hg_reg_} + 43 base64url characters, 256 random bits) is shown
 * once, in the answer to its creation; only its SHA-256 is stored. It is valid {@code ttl_h} hours
 * (default {@code agents.token_ttl_h}) and for one registration.
 */
public final class RegionHandler {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_TTL_H = 24 * 365;

    private final AgentStore store;
    private final RegionCatalog catalog;
    private final RegionId localRegion;
    private final Duration tokenTtl;
    private final String caFingerprint;
    private final Clock clock;

    /** @param caFingerprint the agent server CA's SHA-256 fingerprint, shown with every token for {@code --ca-fingerprint} */
    public RegionHandler(AgentStore store, RegionCatalog catalog, RegionId localRegion, Duration tokenTtl, String caFingerprint,
                         Clock clock) {
        this.store = store;
        this.catalog = catalog;
        this.localRegion = localRegion;
        this.tokenTtl = tokenTtl;
        this.caFingerprint = caFingerprint;
        this.clock = clock;
    }

    /** Body of {@code POST /api/v1/regions}. */
    public record RegionRequest(
            @Schema(description = "1-63 characters of a-z, 0-9 and '-'") String name,
            @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "up to 500 characters") String description) {
    }

    /** Body of {@code POST /api/v1/regions/{region}/registration-tokens}; both fields optional. */
    public record TokenRequest(
            @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED) String description,
            @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "hours the token is valid, 1..8760; "
                    + "default agents.token_ttl_h") Integer ttlH) {
    }

    /** A region as the API shows it; {@code local} marks the control plane's own. */
    public record RegionView(String name, String description, Instant createdAt, boolean local) {
    }

    /** A token's metadata; {@code token} is set only in the answer to its creation. */
    public record TokenView(String id, String region,
                            @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED,
                                    description = "the token itself, only in the answer to its creation") String token,
                            String description,
                            @Schema(allowableValues = {"active", "used", "revoked", "expired"}) String state,
                            Instant createdAt, Instant expiresAt,
                            @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED) Instant usedAt,
                            @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "id of the agent that "
                                    + "registered with it") String usedBy,
                            @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED) Instant revokedAt,
                            @Schema(description = "SHA-256 fingerprint of the agent server's CA, for --ca-fingerprint")
                            String caFingerprint) {
    }


    @ApiRoute(method = "POST", path = "/api/v1/regions", role = Role.EDITOR, operatorOnly = true)
    @Operation(summary = "Create a region",
            description = "Regions are shared by every org; agents serve them.")
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = RegionRequest.class),
            examples = @ExampleObject(ApiExamples.REGION_REQUEST)))
    @ApiResponse(responseCode = "201", description = "the region",
            content = @Content(schema = @Schema(implementation = RegionView.class),
                    examples = @ExampleObject(ApiExamples.REGION)),
            headers = @Header(name = "Location", description = "/api/v1/regions/{name}", schema = @Schema(types = "string")))
    @ApiResponse(responseCode = "409", description = "REGION_EXISTS: a region of this name exists")
    @ApiResponse(responseCode = "422",
            description = "VALIDATION_FAILED: name is not 1-63 characters of a-z, 0-9 and '-', or description is over 500 "
                    + "characters")
    private void create(RoutingContext ctx) {
        JsonNode body = JsonBody.tree(ctx);
        RegionRequest request = JsonBody.bind(body, RegionRequest.class, "");
        List<FieldError> errors = new ArrayList<>();
        if (!RegionId.isValid(request.name())) {
            errors.add(new FieldError("name", FieldError.INVALID_FORMAT, "name must be 1-63 characters of a-z, 0-9 and '-'"));
        }
        String description = request.description() == null ? "" : request.description();
        if (description.length() > 500) {
            errors.add(new FieldError("description", FieldError.TOO_LONG, "description must be at most 500 characters"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.validation(errors);
        }
        RegionId region = new RegionId(request.name());
        store.createRegion(region, description).onSuccess(created -> {
            if (created.isEmpty()) {
                ctx.fail(new ApiException(409, "REGION_EXISTS", "region " + region + " already exists", Map.of("field", "name")));
                return;
            }
            catalog.added(region);
            ctx.response().putHeader("location", "/api/v1/regions/" + region);
            Responses.json(ctx, 201, view(created.get()));
        }).onFailure(ctx::fail);
    }

    @ApiRoute(method = "GET", path = "/api/v1/regions")
    @Operation(summary = "List regions",
            description = "Ordered by name; local marks the control plane's own.")
    @PagedResponse(value = RegionView.class, itemExample = ApiExamples.REGION)
    private void list(RoutingContext ctx) {
        int limit = Paging.limit(ctx);
        String after = Paging.decode(ctx);
        store.listRegions(after, limit + 1)
                .onSuccess(regions -> Paging.respond(ctx, regions, limit, this::view, RegionInfo::name))
                .onFailure(ctx::fail);
    }

    @ApiRoute(method = "GET", path = "/api/v1/regions/{region}")
    @Operation(summary = "Read a region")
    @Parameter(name = "region", description = "the region's name", example = "eu-west")
    @ApiResponse(responseCode = "200", description = "the region",
            content = @Content(schema = @Schema(implementation = RegionView.class),
                    examples = @ExampleObject(ApiExamples.REGION)))
    @ApiResponse(responseCode = "404", description = "REGION_NOT_FOUND: no region of this name")
    private void get(RoutingContext ctx) {
        RegionId region = region(ctx);
        store.region(region).onSuccess(found -> {
            if (found.isEmpty()) {
                ctx.fail(notFound(region.value()));
            } else {
                Responses.json(ctx, 200, view(found.get()));
            }
        }).onFailure(ctx::fail);
    }

    @ApiRoute(method = "DELETE", path = "/api/v1/regions/{region}", role = Role.EDITOR, operatorOnly = true)
    @Operation(summary = "Delete a region")
    @Parameter(name = "region", description = "the region's name", example = "eu-west")
    @ApiResponse(responseCode = "204", description = "deleted")
    @ApiResponse(responseCode = "404", description = "REGION_NOT_FOUND: no region of this name")
    @ApiResponse(responseCode = "409",
            description = "REGION_IN_USE: a target is checked from it, an agent is registered in it, or it is the control "
                    + "plane's own")
    private void delete(RoutingContext ctx) {
        RegionId region = region(ctx);
        if (region.equals(localRegion)) {
            throw new ApiException(409, "REGION_IN_USE", "region " + region + " is the control plane's own region");
        }
        store.deleteRegion(region).onSuccess(outcome -> {
            switch (outcome) {
                case DELETED -> {
                    catalog.removed(region);
                    ctx.response().setStatusCode(204).end();
                }
                case NOT_FOUND -> ctx.fail(notFound(region.value()));
                case IN_USE -> ctx.fail(new ApiException(409, "REGION_IN_USE", "region " + region
                        + " still has targets or agents; move the targets and delete the agents first"));
            }
        }).onFailure(ctx::fail);
    }

    @ApiRoute(method = "POST", path = "/api/v1/regions/{region}/registration-tokens", role = Role.EDITOR, operatorOnly = true)
    @Operation(summary = "Create an agent registration token",
            description = "The token (hg_reg_...) is in this answer only; an agent trades it once for its key. Valid ttl_h "
                    + "hours (default agents.token_ttl_h); the body is optional (none or {} for the defaults).")
    @Parameter(name = "region", description = "the region the agent will serve", example = "eu-west")
    @RequestBody(required = false, content = @Content(schema = @Schema(implementation = TokenRequest.class),
            examples = @ExampleObject(ApiExamples.TOKEN_REQUEST)))
    @ApiResponse(responseCode = "201", description = "the token, with the CA fingerprint for --ca-fingerprint",
            content = @Content(schema = @Schema(implementation = TokenView.class),
                    examples = @ExampleObject(ApiExamples.TOKEN_CREATED)))
    @ApiResponse(responseCode = "404", description = "REGION_NOT_FOUND: no region of this name")
    @ApiResponse(responseCode = "409", description = "LOCAL_REGION: the control plane checks its own region itself")
    @ApiResponse(responseCode = "422", description = "VALIDATION_FAILED: ttl_h is outside 1..8760")
    private void createToken(RoutingContext ctx) {
        RegionId region = region(ctx);
        TokenRequest request = ctx.body().length() <= 0 ? new TokenRequest(null, null)
                : JsonBody.bind(JsonBody.tree(ctx), TokenRequest.class, "");
        if (region.equals(localRegion)) {
            throw new ApiException(409, "LOCAL_REGION", "region " + region
                    + " is checked by the control plane itself; agents serve other regions");
        }
        int ttlH = request.ttlH() == null ? (int) tokenTtl.toHours() : request.ttlH();
        if (ttlH < 1 || ttlH > MAX_TTL_H) {
            throw ApiException.validation(List.of(new FieldError("ttl_h", FieldError.OUT_OF_RANGE,
                    "ttl_h must be between 1 and " + MAX_TTL_H)));
        }
        String description = request.description() == null ? "" : request.description();
        if (!catalog.contains(region)) {
            throw notFound(region.value());
        }
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String token = AgentProtocol.TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        byte[] hash = RequestSignature.sha256(token.getBytes(StandardCharsets.UTF_8));
        store.createToken(region, hash, description, clock.instant().plus(Duration.ofHours(ttlH)))
                .onSuccess(info -> Responses.json(ctx, 201, view(info, token)))
                .onFailure(ctx::fail);
    }

    @ApiRoute(method = "GET", path = "/api/v1/regions/{region}/registration-tokens", operatorOnly = true)
    @Operation(summary = "List a region's registration tokens",
            description = "Metadata only, newest first; never the token itself.")
    @Parameter(name = "region", description = "the region's name", example = "eu-west")
    @PagedResponse(value = TokenView.class, itemExample = ApiExamples.TOKEN)
    @ApiResponse(responseCode = "404", description = "REGION_NOT_FOUND: no region of this name")
    private void listTokens(RoutingContext ctx) {
        RegionId region = region(ctx);
        int limit = Paging.limit(ctx);
        String cursor = Paging.decode(ctx);
        Instant afterCreated = null;
        UUID afterId = null;
        if (cursor != null) {
            try {
                int split = cursor.indexOf('/');
                afterCreated = Instant.parse(cursor.substring(0, split));
                afterId = UUID.fromString(cursor.substring(split + 1));
            } catch (RuntimeException e) {
                throw ApiException.badParameter("cursor", "cursor is not valid; pass next_cursor back unchanged");
            }
        }
        if (!catalog.contains(region)) {
            throw notFound(region.value());
        }
        store.listTokens(region, afterCreated, afterId, limit + 1)
                .onSuccess(tokens -> Paging.respond(ctx, tokens, limit, info -> view(info, null),
                        last -> last.createdAt() + "/" + last.id()))
                .onFailure(ctx::fail);
    }

    @ApiRoute(method = "DELETE", path = "/api/v1/regions/{region}/registration-tokens/{id}", role = Role.EDITOR,
            operatorOnly = true)
    @Operation(summary = "Revoke a registration token")
    @Parameter(name = "region", description = "the region's name", example = "eu-west")
    @Parameter(name = "id", description = "the token's id", example = ApiExamples.UUID)
    @ApiResponse(responseCode = "204", description = "revoked")
    @ApiResponse(responseCode = "404", description = "TOKEN_NOT_FOUND: the region has no token with this id")
    private void revokeToken(RoutingContext ctx) {
        RegionId region = region(ctx);
        UUID id;
        try {
            id = UUID.fromString(ctx.pathParam("id"));
        } catch (IllegalArgumentException e) {
            throw tokenNotFound(ctx.pathParam("id"));
        }
        store.revokeToken(region, id).onSuccess(found -> {
            if (found) {
                ctx.response().setStatusCode(204).end();
            } else {
                ctx.fail(tokenNotFound(id.toString()));
            }
        }).onFailure(ctx::fail);
    }

    private RegionView view(RegionInfo info) {
        return new RegionView(info.name(), info.description(), info.createdAt(), info.name().equals(localRegion.value()));
    }

    private TokenView view(TokenInfo info, String token) {
        return new TokenView(info.id().toString(), info.region(), token, info.description(), info.state(clock.instant()),
                info.createdAt(), info.expiresAt(), info.usedAt(), info.usedBy() == null ? null : info.usedBy().toString(),
                info.revokedAt(), caFingerprint);
    }

    private static RegionId region(RoutingContext ctx) {
        String text = ctx.pathParam("region");
        if (!RegionId.isValid(text)) {
            throw notFound(text);
        }
        return new RegionId(text);
    }

    private static ApiException notFound(String region) {
        return new ApiException(404, "REGION_NOT_FOUND", "no region named " + region, Map.of("region", region));
    }

    private static ApiException tokenNotFound(String id) {
        return new ApiException(404, "TOKEN_NOT_FOUND", "no registration token with id " + id, Map.of("id", id));
    }
}
