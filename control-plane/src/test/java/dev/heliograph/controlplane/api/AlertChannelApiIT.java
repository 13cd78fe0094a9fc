package dev.heliograph.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.controlplane.AlertReceiver;
import dev.heliograph.controlplane.ApiClient;
import dev.heliograph.controlplane.ControlPlane;
import dev.heliograph.controlplane.TestServices;
import dev.heliograph.controlplane.alerting.channel.WebhookSignature;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The alert channels API against the real PostgreSQL and real local receivers (issue 13). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertChannelApiIT {
    private TestServices services;
    private Vertx vertx;
    private ControlPlane plane;
    private ApiClient api;
    private ApiClient otherOrg;
    private ApiClient viewer;
    private AlertReceiver receiver;

    @BeforeAll
    void start() throws Exception {
        services = new TestServices();
        vertx = Vertx.vertx();
        plane = ControlPlane.start(vertx, services.config("alerting.timeout_ms=2000"), Clock.systemUTC()).await(60, TimeUnit.SECONDS);
        api = new ApiClient(plane.apiPort());
        otherOrg = api.withKey(api.post("/api/v1/orgs", "{\"name\":\"channels-other\"}").json().path("admin_key").asText());
        viewer = api.withKey(api.post("/api/v1/api-keys", "{\"name\":\"channels-viewer\",\"role\":\"viewer\"}").json().path("key").asText());
        receiver = AlertReceiver.start(vertx);
    }

    @AfterAll
    void stop() throws Exception {
        receiver.close();
        plane.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
        services.close();
    }

    @Test
    void aChannelIsCreatedReadReplacedListedAndDeleted() {
        String name = unique("slack");
        ApiClient.Answer created = api.post("/api/v1/alert-channels", slack(name, receiver.url("/services/T0/B0/s3cret")));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        JsonNode channel = created.json();
        String id = channel.path("id").asText();
        assertThat(channel.path("key").asText()).isEqualTo(id);
        assertThat(channel.path("kind").asText()).isEqualTo("slack");
        assertThat(channel.path("settings").path("url").asText()).isEqualTo("***");
        assertThat(channel.path("rate_limit_per_minute").asInt()).isEqualTo(60);
        assertThat(channel.path("enabled").asBoolean()).isTrue();
        assertThat(channel.path("version").asLong()).isEqualTo(1);
        assertThat(api.get("/api/v1/alert-channels/" + id).json()).isEqualTo(channel);

        ApiClient.Answer replaced = api.put("/api/v1/alert-channels/" + id, "{\"key\":\"team-slack-" + id.substring(0, 8) + "\",\"name\":\""
                + name + "-renamed\",\"kind\":\"slack\",\"settings\":{\"url\":\"***\"},\"rate_limit_per_minute\":30,\"enabled\":false}");
        assertThat(replaced.status()).as(replaced.text()).isEqualTo(200);
        assertThat(replaced.json().path("version").asLong()).isEqualTo(2);
        assertThat(replaced.json().path("enabled").asBoolean()).isFalse();
        assertThat(replaced.json().path("rate_limit_per_minute").asInt()).isEqualTo(30);
        assertThat(replaced.json().path("key").asText()).startsWith("team-slack-");
        // The kept URL still reaches the receiver.
        receiver.answer(200, "ok");
        assertThat(api.post("/api/v1/alert-channels/" + id + "/test", "").json().path("delivered").asBoolean()).isTrue();
        assertThat(receiver.last().path()).isEqualTo("/services/T0/B0/s3cret");

        assertThat(api.delete("/api/v1/alert-channels/" + id).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/alert-channels/" + id).json().path("error").path("code").asText()).isEqualTo("ALERT_CHANNEL_NOT_FOUND");
        assertThat(api.delete("/api/v1/alert-channels/" + id).status()).isEqualTo(404);
    }

    @Test
    void aChannelAPolicyRoutesToCannotBeDeletedUntilThePolicyLetsGoOfIt() {
        String id = create(slack(unique("paged"), receiver.url("/in-use")));
        String policyKey = unique("pages-to-it");
        ApiClient.Answer policy = api.post("/api/v1/notification-policies", "{\"key\":\"" + policyKey + "\",\"name\":\"" + policyKey
                + "\",\"channels\":[\"" + id + "\"]}");
        assertThat(policy.status()).as(policy.text()).isEqualTo(201);

        ApiClient.Answer refused = api.delete("/api/v1/alert-channels/" + id);
        assertThat(refused.status()).as(refused.text()).isEqualTo(409);
        assertThat(refused.json().path("error").path("code").asText()).isEqualTo("ALERT_CHANNEL_IN_USE");
        assertThat(refused.json().path("error").path("details").path("policies").get(0).asText()).isEqualTo(policyKey);
        assertThat(api.get("/api/v1/alert-channels/" + id).status()).as("nothing deleted").isEqualTo(200);

        assertThat(api.delete("/api/v1/notification-policies/" + policy.json().path("id").asText()).status()).isEqualTo(204);
        assertThat(api.delete("/api/v1/alert-channels/" + id).status()).isEqualTo(204);
    }

    @Test
    void listsPageByIdWithACursor() {
        List<String> ids = List.of(create(slack(unique("page"), receiver.url("/a"))), create(slack(unique("page"), receiver.url("/b"))),
                create(slack(unique("page"), receiver.url("/c"))));
        List<String> seen = new java.util.ArrayList<>();
        String path = "/api/v1/alert-channels?limit=2";
        while (path != null) {
            ApiClient.Answer page = api.get(path);
            assertThat(page.status()).isEqualTo(200);
            page.json().path("items").forEach(item -> {
                seen.add(item.path("id").asText());
                if (item.path("kind").asText().equals("slack")) {
                    assertThat(item.path("settings").path("url").asText()).isEqualTo("***");
                }
            });
            String next = page.json().path("next_cursor").asText(null);
            path = next == null ? null : "/api/v1/alert-channels?limit=2&cursor=" + next;
        }
        assertThat(seen).containsSubsequence(ids);
        assertThat(api.get("/api/v1/alert-channels?cursor=nonsense").status()).isEqualTo(400);
    }

    @Test
    void aGeneratedWebhookSecretIsShownOnlyInTheCreateAnswerAndKeptByStarsOrSilence() {
        ApiClient.Answer created = api.post("/api/v1/alert-channels", "{\"name\":\"" + unique("hook") + "\",\"kind\":\"webhook\","
                + "\"settings\":{\"url\":\"" + receiver.url("/hook") + "\",\"headers\":{\"Authorization\":\"Bearer t0ken\"}}}");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String secret = created.json().path("settings").path("secret").asText();
        assertThat(secret).startsWith("whsec_");
        assertThat(created.json().path("settings").path("headers").path("Authorization").asText()).isEqualTo("***");
        String id = created.json().path("id").asText();
        String read = api.get("/api/v1/alert-channels/" + id).text();
        assertThat(read).doesNotContain(secret).doesNotContain("t0ken");
        assertThat(api.get("/api/v1/alert-channels?limit=500").text()).doesNotContain(secret).doesNotContain("t0ken");

        // *** keeps the secret; so does leaving it out; the receiver's signature check says which secret signs.
        String name = created.json().path("name").asText();
        assertThat(api.put("/api/v1/alert-channels/" + id, webhook(name, receiver.url("/hook"), "\"secret\":\"***\","
                + "\"headers\":{\"authorization\":\"***\"}")).status()).isEqualTo(200);
        assertSignedWith(id, secret);
        assertThat(receiver.last().headers()).containsEntry("authorization", "Bearer t0ken");
        ApiClient.Answer silent = api.put("/api/v1/alert-channels/" + id, webhook(name, receiver.url("/hook"), "\"headers\":{}"));
        assertThat(silent.status()).as(silent.text()).isEqualTo(200);
        assertThat(silent.text()).doesNotContain(secret);
        assertSignedWith(id, secret);
    }

    @Test
    void secretsAreStoredSealedInPostgres() throws Exception {
        String id = create("{\"name\":\"" + unique("mail") + "\",\"kind\":\"email\",\"settings\":{\"host\":\"127.0.0.1\",\"port\":2525,"
                + "\"username\":\"alerts\",\"password\":\"pa55word-in-clear\",\"from\":\"alerts@example.com\",\"to\":[\"oncall@example.com\"]}}");
        String pagerDuty = create("{\"name\":\"" + unique("pd") + "\",\"kind\":\"pagerduty\",\"settings\":{\"routing_key\":"
                + "\"R0ut1ngKeyR0ut1ngKeyR0ut1ngKey12\",\"url\":\"" + receiver.url("/v2/enqueue") + "\"}}");
        try (Connection pg = services.postgres();
             PreparedStatement read = pg.prepareStatement("SELECT id::text, settings::text FROM alert_channels WHERE id = ANY(?::uuid[])")) {
            read.setArray(1, pg.createArrayOf("text", new String[] {id, pagerDuty}));
            try (ResultSet rows = read.executeQuery()) {
                int count = 0;
                while (rows.next()) {
                    count++;
                    assertThat(rows.getString(2)).doesNotContain("pa55word-in-clear").doesNotContain("R0ut1ngKey").contains("\"enc\"");
                }
                assertThat(count).isEqualTo(2);
            }
        }
        assertThat(api.get("/api/v1/alert-channels/" + id).json().path("settings").path("password").asText()).isEqualTo("***");
    }

    @Test
    void starsDoNotCarryASecretToAnotherDestination() {
        String name = unique("pd-move");
        String id = create("{\"name\":\"" + name + "\",\"kind\":\"pagerduty\",\"settings\":{\"routing_key\":"
                + "\"R0ut1ngKeyR0ut1ngKeyR0ut1ngKey12\",\"url\":\"" + receiver.url("/v2/enqueue") + "\"}}");
        ApiClient.Answer moved = api.put("/api/v1/alert-channels/" + id, "{\"name\":\"" + name + "\",\"kind\":\"pagerduty\","
                + "\"settings\":{\"routing_key\":\"***\",\"url\":\"http://127.0.0.2:9/v2/enqueue\"}}");
        assertThat(moved.status()).isEqualTo(422);
        assertThat(fields(moved)).containsExactly("settings.routing_key:SECRET_NOT_SET");
        ApiClient.Answer starsOnCreate = api.post("/api/v1/alert-channels", slack(unique("stars"), "***"));
        assertThat(fields(starsOnCreate)).containsExactly("settings.url:SECRET_NOT_SET");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '^', value = {
            "no kind | {\"name\":\"x\",\"settings\":{}} | 422 | kind:REQUIRED",
            "unknown kind | {\"name\":\"x\",\"kind\":\"pager\",\"settings\":{}} | 422 | kind:INVALID_FORMAT",
            "no settings | {\"name\":\"x\",\"kind\":\"slack\"} | 422 | settings:REQUIRED",
            "empty name and ftp url | {\"name\":\"\",\"kind\":\"slack\",\"settings\":{\"url\":\"ftp://x/\"}} | 422 | name:REQUIRED,settings.url:INVALID_FORMAT",
            "metadata address | {\"name\":\"x\",\"kind\":\"webhook\",\"settings\":{\"url\":\"http://169.254.169.254/\"}} | 422 | settings.url:BLOCKED_ADDRESS",
            "rate 0 | {\"name\":\"x\",\"kind\":\"slack\",\"settings\":{\"url\":\"https://hooks.slack.com/x\"},\"rate_limit_per_minute\":0} | 422 | rate_limit_per_minute:OUT_OF_RANGE",
            "bad key | {\"key\":\"a b\",\"name\":\"x\",\"kind\":\"slack\",\"settings\":{\"url\":\"https://hooks.slack.com/x\"}} | 422 | key:INVALID_FORMAT",
            "email without recipients | {\"name\":\"x\",\"kind\":\"email\",\"settings\":{\"host\":\"smtp.example.com\",\"from\":\"a@example.com\"}} | 422 | settings.to:REQUIRED",
            "unknown settings field | {\"name\":\"x\",\"kind\":\"slack\",\"settings\":{\"url\":\"https://hooks.slack.com/x\",\"colour\":\"red\"}} | 400 | settings.colour",
            "settings field of the wrong type | {\"name\":\"x\",\"kind\":\"email\",\"settings\":{\"port\":\"25\"}} | 400 | settings.port"})
    void badBodiesAnswerWithEveryFieldError(String what, String body, int status, String expected) {
        ApiClient.Answer answer = api.post("/api/v1/alert-channels", body);
        assertThat(answer.status()).as(answer.text()).isEqualTo(status);
        if (status == 422) {
            assertThat(answer.json().path("error").path("code").asText()).isEqualTo("VALIDATION_FAILED");
            assertThat(fields(answer)).containsExactlyInAnyOrder(expected.split(","));
        } else {
            assertThat(answer.json().path("error").path("details").path("field").asText()).isEqualTo(expected);
        }
    }

    @Test
    void aNameOrKeyTakenInTheOrgIsAConflictButNotInAnotherOrg() {
        String name = unique("taken");
        create("{\"key\":\"" + name + "\",\"name\":\"" + name + "\",\"kind\":\"slack\",\"settings\":{\"url\":\"https://hooks.slack.com/x\"}}");
        ApiClient.Answer sameName = api.post("/api/v1/alert-channels", slack(name, "https://hooks.slack.com/y"));
        assertThat(sameName.status()).isEqualTo(409);
        assertThat(sameName.json().path("error").path("code").asText()).isEqualTo("ALERT_CHANNEL_NAME_TAKEN");
        ApiClient.Answer sameKey = api.post("/api/v1/alert-channels", "{\"key\":\"" + name + "\",\"name\":\"" + name + "-2\","
                + "\"kind\":\"slack\",\"settings\":{\"url\":\"https://hooks.slack.com/x\"}}");
        assertThat(sameKey.json().path("error").path("code").asText()).isEqualTo("ALERT_CHANNEL_KEY_TAKEN");
        assertThat(otherOrg.post("/api/v1/alert-channels", slack(name, "https://hooks.slack.com/x")).status()).isEqualTo(201);
    }

    @Test
    void anotherOrgsChannelAnswersLikeOneThatDoesNotExist() {
        String id = create(slack(unique("mine"), receiver.url("/mine")));
        int before = receiver.received().size();
        for (ApiClient.Answer answer : List.of(otherOrg.get("/api/v1/alert-channels/" + id),
                otherOrg.put("/api/v1/alert-channels/" + id, slack("taken-over", "https://hooks.slack.com/x")),
                otherOrg.post("/api/v1/alert-channels/" + id + "/test", ""),
                otherOrg.delete("/api/v1/alert-channels/" + id))) {
            assertThat(answer.status()).as(answer.text()).isEqualTo(404);
            assertThat(answer.json().path("error").path("code").asText()).isEqualTo("ALERT_CHANNEL_NOT_FOUND");
        }
        assertThat(otherOrg.get("/api/v1/alert-channels?limit=500").text()).doesNotContain(id);
        assertThat(receiver.received()).hasSize(before);
        assertThat(api.get("/api/v1/alert-channels/" + id).json().path("version").asLong()).isEqualTo(1);
    }

    @Test
    void viewersReadChannelsButNeitherWriteNorTestThem() {
        String id = create(slack(unique("viewed"), receiver.url("/viewed")));
        assertThat(viewer.get("/api/v1/alert-channels/" + id).status()).isEqualTo(200);
        assertThat(viewer.get("/api/v1/alert-channels").status()).isEqualTo(200);
        assertThat(viewer.post("/api/v1/alert-channels", slack(unique("v"), "https://hooks.slack.com/x")).status()).isEqualTo(403);
        assertThat(viewer.post("/api/v1/alert-channels/" + id + "/test", "").status()).isEqualTo(403);
        assertThat(viewer.delete("/api/v1/alert-channels/" + id).status()).isEqualTo(403);
    }

    @Test
    void theTestShowsWhatTheReceiverAnswered() {
        String id = create(slack(unique("tested"), receiver.url("/tested")));
        receiver.answer(200, "ok");
        JsonNode delivered = api.post("/api/v1/alert-channels/" + id + "/test", "").json();
        assertThat(delivered.path("delivered").asBoolean()).isTrue();
        assertThat(delivered.path("outcome").asText()).isEqualTo("delivered");
        assertThat(delivered.path("http_status").asInt()).isEqualTo(200);
        assertThat(delivered.path("response").asText()).isEqualTo("ok");
        assertThat(delivered.path("error").asText()).isEmpty();
        assertThat(receiver.last().json().path("text").asText()).contains("test notification");

        receiver.answer(500, "upstream unavailable");
        ApiClient.Answer failed = api.post("/api/v1/alert-channels/" + id + "/test", "");
        assertThat(failed.status()).isEqualTo(200);
        assertThat(failed.json().path("delivered").asBoolean()).isFalse();
        assertThat(failed.json().path("outcome").asText()).isEqualTo("failed");
        assertThat(failed.json().path("http_status").asInt()).isEqualTo(500);
        assertThat(failed.json().path("response").asText()).isEqualTo("upstream unavailable");
        assertThat(failed.json().path("error").asText()).isEqualTo("receiver answered 500");
        assertThat(failed.json().path("duration_ms").asLong()).isNotNegative();
        receiver.answer(200, "ok");
    }

    /** Tests channel {@code id} and checks that its webhook signature was made with {@code secret}. */
    private void assertSignedWith(String id, String secret) {
        receiver.answer(200, "ok");
        assertThat(api.post("/api/v1/alert-channels/" + id + "/test", "").json().path("delivered").asBoolean()).isTrue();
        AlertReceiver.Received received = receiver.last();
        assertThat(received.headers().get("webhook-signature")).isEqualTo(WebhookSignature.sign(secret,
                received.headers().get("webhook-id"), Long.parseLong(received.headers().get("webhook-timestamp")),
                received.text().getBytes(StandardCharsets.UTF_8)));
    }

    private String create(String body) {
        ApiClient.Answer created = api.post("/api/v1/alert-channels", body);
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.json().path("id").asText();
    }

    private static String slack(String name, String url) {
        return "{\"name\":\"" + name + "\",\"kind\":\"slack\",\"settings\":{\"url\":\"" + url + "\"}}";
    }

    private static String webhook(String name, String url, String extra) {
        return "{\"name\":\"" + name + "\",\"kind\":\"webhook\",\"settings\":{\"url\":\"" + url + "\"," + extra + "}}";
    }

    private static List<String> fields(ApiClient.Answer answer) {
        return StreamSupport.stream(answer.json().path("error").path("details").path("fields").spliterator(), false)
                .map(f -> f.path("field").asText() + ":" + f.path("code").asText()).toList();
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
