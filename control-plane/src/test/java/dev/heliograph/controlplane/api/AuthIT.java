package dev.heliograph.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heliograph.controlplane.ApiClient;
import dev.heliograph.controlplane.ControlPlane;
import dev.heliograph.controlplane.Main;
import dev.heliograph.controlplane.TestServices;
import dev.heliograph.controlplane.auth.PgApiKeyStore;
import dev.heliograph.controlplane.storage.postgres.PgPools;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import picocli.CommandLine;

/** API keys, roles, orgs and the bootstrap key against the real PostgreSQL. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthIT {
    private TestServices services;
    private Vertx vertx;
    private ControlPlane plane;
    private ApiClient admin;

    @BeforeAll
    void start() throws Exception {
        services = new TestServices();
        vertx = Vertx.vertx();
        plane = ControlPlane.start(vertx, services.config(), Clock.systemUTC()).await(60, TimeUnit.SECONDS);
        admin = new ApiClient(plane.apiPort());
    }

    @AfterAll
    void stop() throws Exception {
        plane.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
        services.close();
    }

    private String createKey(ApiClient as, String role) {
        ApiClient.Answer created = as.post("/api/v1/api-keys", "{\"name\":\"it " + role + "\",\"role\":\"" + role + "\"}");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.json().path("key").asText();
    }

    private static String target(String name) {
        return "{\"name\":\"" + name + "\",\"kind\":\"http\",\"spec\":{\"url\":\"http://127.0.0.1:9/\"},\"enabled\":false}";
    }

    @Test
    void requestsWithoutAWorkingKeyGet401WithTheEnvelope() {
        for (String header : new String[] {null, "Basic dXNlcjpwYXNz", "Bearer not-a-key",
                "Bearer hg_key_unknownunknownunknownunknownunknownunknown"}) {
            ApiClient.Answer answer = admin.withKey(null).send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(admin.base() + "/api/v1/targets")).GET().headers(header == null
                    ? new String[] {"x-test", "1"} : new String[] {"authorization", header}));
            assertThat(answer.status()).as(String.valueOf(header)).isEqualTo(401);
            assertThat(answer.json().path("error").path("code").asText()).isEqualTo("UNAUTHENTICATED");
            assertThat(answer.json().path("error").path("request_id").asText()).isNotEmpty();
        }
        assertThat(admin.withKey(null).get("/api/v1/health").status()).isEqualTo(200);
        assertThat(admin.withKey(null).get("/healthz").status()).isEqualTo(200);
    }

    @Test
    void rolesLimitWhatAKeyMayDo() {
        ApiClient viewer = admin.withKey(createKey(admin, "viewer"));
        ApiClient editor = admin.withKey(createKey(admin, "editor"));
        assertThat(viewer.get("/api/v1/targets").status()).isEqualTo(200);
        ApiClient.Answer refused = viewer.post("/api/v1/targets", target("viewer-" + UUID.randomUUID()));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().path("error").path("code").asText()).isEqualTo("FORBIDDEN");
        assertThat(editor.post("/api/v1/targets", target("editor-" + UUID.randomUUID())).status()).isEqualTo(201);
        assertThat(editor.post("/api/v1/api-keys", "{\"role\":\"admin\"}").status()).isEqualTo(403);
        assertThat(editor.get("/api/v1/api-keys").status()).isEqualTo(403);
        assertThat(viewer.get("/api/v1/org").json().path("role").asText()).isEqualTo("viewer");
    }

    @Test
    void keysAreShownOnceListedAsMetadataAndRevokedAtOnce() {
        String key = createKey(admin, "viewer");
        ApiClient holder = admin.withKey(key);
        assertThat(holder.get("/api/v1/targets").status()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        String cursor = null;
        do {
            ApiClient.Answer page = admin.get("/api/v1/api-keys?limit=1" + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.json().path("items").size()).isLessThanOrEqualTo(1);
            page.json().path("items").forEach(item -> {
                ids.add(item.path("id").asText());
                assertThat(item.hasNonNull("key")).as("a listing never shows a key").isFalse();
                assertThat(page.text()).doesNotContain(key);
            });
            cursor = page.json().path("next_cursor").isNull() ? null : page.json().path("next_cursor").asText();
        } while (cursor != null);
        assertThat(ids).doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(2);
        String id = admin.get("/api/v1/api-keys?limit=500").json().path("items").findParents("prefix").stream()
                .filter(item -> key.startsWith(item.path("prefix").asText()) && item.path("state").asText().equals("active"))
                .map(item -> item.path("id").asText()).reduce((a, b) -> b).orElseThrow();
        assertThat(admin.delete("/api/v1/api-keys/" + id).status()).isEqualTo(204);
        assertThat(admin.get("/api/v1/api-keys/" + id).json().path("state").asText()).isEqualTo("revoked");
        ApiClient.Answer after = holder.get("/api/v1/targets");
        assertThat(after.status()).isEqualTo(401);
        assertThat(after.json().path("error").path("message").asText()).contains("revoked");
        assertThat(admin.delete("/api/v1/api-keys/" + UUID.randomUUID()).status()).isEqualTo(404);
    }

    @Test
    void anExpiredKeyIsRefused() throws Exception {
        ApiClient.Answer created = admin.post("/api/v1/api-keys", "{\"role\":\"viewer\",\"expires_in_h\":1}");
        assertThat(created.json().path("expires_at").asText()).endsWith("Z");
        try (Connection pg = services.postgres(); Statement sql = pg.createStatement()) {
            sql.execute("UPDATE api_keys SET expires_at = now() - interval '1 minute' WHERE id = '"
                    + UUID.fromString(created.json().path("id").asText()) + "'");
        }
        ApiClient.Answer answer = admin.withKey(created.json().path("key").asText()).get("/api/v1/targets");
        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.json().path("error").path("message").asText()).contains("expired");
    }

    @Test
    void invalidKeyRequestsListEveryBadField() {
        ApiClient.Answer answer = admin.post("/api/v1/api-keys",
                "{\"name\":\"" + "x".repeat(101) + "\",\"role\":\"owner\",\"expires_in_h\":0}");
        assertThat(answer.status()).isEqualTo(422);
        assertThat(answer.json().path("error").path("details").path("fields").findValuesAsText("field"))
                .containsExactlyInAnyOrder("name", "role", "expires_in_h");
    }

    @Test
    void otherOrgsCannotTouchSharedInfrastructureOrOrgs() {
        String orgName = "acme-" + UUID.randomUUID().toString().substring(0, 8);
        ApiClient.Answer org = admin.post("/api/v1/orgs", "{\"name\":\"" + orgName + "\"}");
        assertThat(org.status()).as(org.text()).isEqualTo(201);
        assertThat(admin.post("/api/v1/orgs", "{\"name\":\"" + orgName + "\"}").status()).isEqualTo(409);
        ApiClient acme = admin.withKey(org.json().path("admin_key").asText());
        assertThat(acme.get("/api/v1/org").json().path("org_name").asText()).isEqualTo(orgName);
        assertThat(acme.get("/api/v1/org").json().path("role").asText()).isEqualTo("admin");
        for (String path : List.of("/api/v1/agents", "/api/v1/orgs", "/api/v1/regions/local/registration-tokens")) {
            ApiClient.Answer answer = acme.get(path);
            assertThat(answer.status()).as(path).isEqualTo(403);
            assertThat(answer.json().path("error").path("code").asText()).isEqualTo("OPERATOR_ONLY");
        }
        assertThat(acme.post("/api/v1/regions", "{\"name\":\"acme-region\"}").status()).isEqualTo(403);
        assertThat(acme.get("/api/v1/regions").status()).as("regions are readable by every org").isEqualTo(200);
        // The new org's admin manages its own keys, and sees none of the operator org's.
        createKey(acme, "viewer");
        assertThat(acme.get("/api/v1/api-keys").json().path("items").findValuesAsText("org_id"))
                .containsOnly(acme.get("/api/v1/org").json().path("org_id").asText());
    }

    @Test
    void bootstrapStoresAnAdminKeyOnlyWhenTheOperatorOrgHasNone() throws Exception {
        Pool pool = PgPools.of(vertx, services.config().postgres(), 1);
        String adminsOfOperatorOrg = "FROM api_keys WHERE role = 'admin' AND org_id = '00000000-0000-0000-0000-000000000001'";
        try (Connection pg = services.postgres(); Statement sql = pg.createStatement()) {
            PgApiKeyStore store = new PgApiKeyStore(pool);
            assertThat(store.bootstrap("").await(30, TimeUnit.SECONDS)).isEmpty();
            sql.execute("UPDATE api_keys SET revoked_at = now() WHERE prefix <> 'hg_key_test' AND role = 'admin'");
            sql.execute("UPDATE api_keys SET expires_at = now() WHERE prefix = 'hg_key_test'");
            assertThat(store.bootstrap("").await(30, TimeUnit.SECONDS))
                    .as("revoked or expired admin keys are never replaced at a start").isEmpty();
            sql.execute("DELETE " + adminsOfOperatorOrg);
            Optional<PgApiKeyStore.Bootstrapped> fresh = store.bootstrap("").await(30, TimeUnit.SECONDS);
            assertThat(fresh).get().extracting(PgApiKeyStore.Bootstrapped::generated).isEqualTo(true);
            assertThat(admin.withKey(fresh.get().key()).get("/api/v1/org").json().path("role").asText()).isEqualTo("admin");
            sql.execute("DELETE " + adminsOfOperatorOrg);
            Optional<PgApiKeyStore.Bootstrapped> configured = store.bootstrap(TestServices.ADMIN_KEY).await(30, TimeUnit.SECONDS);
            assertThat(configured).get().extracting(PgApiKeyStore.Bootstrapped::generated).isEqualTo(false);
        } finally {
            pool.close().await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theCommandLineCreatesAKeyAgainstTheDatabase() {
        String orgName = "cli-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> args = new ArrayList<>(List.of("admin", "create-key", "--org", orgName, "--role", "editor"));
        services.overrides().forEach(set -> args.addAll(List.of("--set", set)));
        assertThat(run(args).exit()).as("a missing org is an error without --create-org").isEqualTo(1);
        args.add("--create-org");
        Run created = run(args);
        assertThat(created.exit()).as(created.err()).isZero();
        String key = created.out().trim();
        assertThat(key).startsWith("hg_key_");
        assertThat(admin.withKey(key).get("/api/v1/org").json().path("org_name").asText()).isEqualTo(orgName);
        assertThat(admin.withKey(key).get("/api/v1/org").json().path("role").asText()).isEqualTo("editor");
        assertThat(run(List.of("admin", "create-key", "--org", orgName, "--role", "owner")).exit()).isEqualTo(2);
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run run(List<String> args) {
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = new CommandLine(new Main()).execute(args.toArray(String[]::new));
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
    }
}
