package dev.heliograph.controlplane.api;

import dev.heliograph.controlplane.auth.ApiKeys;
import dev.heliograph.controlplane.auth.OrgInfo;
import dev.heliograph.controlplane.auth.PgApiKeyStore;
import dev.heliograph.domain.FieldError;
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
    public record OrgView(String id, String name, Instant createdAt, String adminKey) {
    }

    /** Answer of {@code GET /api/v1/org}: the caller's org and its key's role. */
    public record CallerView(String orgId, String orgName, String role, String keyId) {
    }

    @ApiRoute(method = "POST", path = "/api/v1/orgs", role = Role.ADMIN, operatorOnly = true)
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
    private void list(RoutingContext ctx) {
        int limit = Paging.limit(ctx);
        String after = Paging.decode(ctx);
        store.listOrgs(after, limit + 1)
                .onSuccess(orgs -> Paging.respond(ctx, orgs, limit, org -> view(org, null), OrgInfo::name))
                .onFailure(ctx::fail);
    }

    @ApiRoute(method = "GET", path = "/api/v1/org")
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
