package dev.heliograph.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.controlplane.ApiClient;
import dev.heliograph.controlplane.ControlPlane;
import dev.heliograph.controlplane.TestServices;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code GET /api/v1/tags} against the real PostgreSQL: counts, byte order, cursor paging, org scope, viewer access. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TagApiIT {
    private TestServices services;
    private Vertx vertx;
    private ControlPlane plane;
    private ApiClient api;

    @BeforeAll
    void start() throws Exception {
        services = new TestServices();
        vertx = Vertx.vertx();
        plane = ControlPlane.start(vertx, services.config(), Clock.systemUTC()).await(60, TimeUnit.SECONDS);
        api = new ApiClient(plane.apiPort());
        create("a", "\"prod\",\"web\"", true);
        create("b", "\"prod\"", true);
        create("c", "\"db\",\"Prod\"", true);
        create("d", "", true);
        create("e", "\"web\"", false);
    }

    @AfterAll
    void stop() throws Exception {
        plane.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
        services.close();
    }

    private void create(String name, String tags, boolean enabled) {
        ApiClient.Answer created = api.post("/api/v1/targets", "{\"name\":\"" + name + "\",\"kind\":\"tcp\","
                + "\"spec\":{\"host\":\"127.0.0.1\",\"port\":9},\"interval_s\":3600,\"tags\":[" + tags + "],\"enabled\":" + enabled + "}");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
    }

    private static List<String> items(ApiClient.Answer answer) {
        List<String> items = new ArrayList<>();
        answer.json().path("items").forEach(t -> items.add(t.path("tag").asText() + "=" + t.path("targets").asLong()));
        return items;
    }

    @Test
    void listsEveryTagWithItsTargetCountInByteOrder() {
        ApiClient.Answer tags = api.get("/api/v1/tags");
        assertThat(tags.status()).isEqualTo(200);
        assertThat(items(tags)).containsExactly("Prod=1", "db=1", "prod=2", "web=2");
        assertThat(tags.json().path("next_cursor").isNull()).isTrue();
        JsonNode first = tags.json().path("items").get(0);
        assertThat(first.size()).as("fields").isEqualTo(2);
    }

    @Test
    void pagesFollowTheCursor() {
        ApiClient.Answer first = api.get("/api/v1/tags?limit=3");
        assertThat(items(first)).containsExactly("Prod=1", "db=1", "prod=2");
        String cursor = first.json().path("next_cursor").asText();
        ApiClient.Answer second = api.get("/api/v1/tags?limit=3&cursor=" + cursor);
        assertThat(items(second)).containsExactly("web=2");
        assertThat(second.json().path("next_cursor").isNull()).isTrue();
        ApiClient.Answer exact = api.get("/api/v1/tags?limit=4");
        assertThat(exact.json().path("next_cursor").isNull()).as("no empty last page").isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"limit=0", "limit=501", "limit=ten", "cursor=%25%25%25"})
    void badParametersAre400(String query) {
        ApiClient.Answer answer = api.get("/api/v1/tags?" + query);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().path("error").path("code").asText()).isEqualTo("INVALID_PARAMETER");
    }

    @Test
    void anotherOrgSeesOnlyItsOwnTagsAndAViewerMayRead() {
        ApiClient.Answer org = api.post("/api/v1/orgs", "{\"name\":\"tags-second-org\"}");
        assertThat(org.status()).as(org.text()).isEqualTo(201);
        ApiClient second = api.withKey(org.json().path("admin_key").asText());
        assertThat(items(second.get("/api/v1/tags"))).isEmpty();

        ApiClient.Answer key = api.post("/api/v1/api-keys", "{\"name\":\"tag-viewer\",\"role\":\"viewer\"}");
        assertThat(key.status()).as(key.text()).isEqualTo(201);
        ApiClient viewer = api.withKey(key.json().path("key").asText());
        assertThat(items(viewer.get("/api/v1/tags"))).containsExactly("Prod=1", "db=1", "prod=2", "web=2");
    }
}
