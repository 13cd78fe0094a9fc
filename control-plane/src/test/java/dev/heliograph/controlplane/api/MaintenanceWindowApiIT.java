package dev.heliograph.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.controlplane.ApiClient;
import dev.heliograph.controlplane.Await;
import dev.heliograph.controlplane.ControlPlane;
import dev.heliograph.controlplane.TestServices;
import dev.heliograph.domain.CheckKind;
import dev.heliograph.domain.CheckResult;
import dev.heliograph.domain.Failure;
import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.PhaseTimings;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Status;
import dev.heliograph.domain.TargetId;
import dev.heliograph.domain.Uuid7;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code /api/v1/maintenance-windows} against a real control plane with its own PostgreSQL and
 * ClickHouse databases: create, read, replace, delete, list with paging, preview, validation errors,
 * tenant isolation, and the target stats that leave muted minutes out. Each test works in an org of
 * its own, so the tests see only their own windows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MaintenanceWindowApiIT {
    private static final String PATH = "/api/v1/maintenance-windows";

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

    /** The admin client of a new org. */
    private ApiClient newOrg() {
        ApiClient.Answer org = admin.post("/api/v1/orgs", "{\"name\":\"m-" + UUID.randomUUID().toString().substring(0, 8) + "\"}");
        assertThat(org.status()).as(org.text()).isEqualTo(201);
        return admin.withKey(org.json().path("admin_key").asText());
    }

    private static String window(String name, String extra) {
        return "{\"name\":\"" + name + "\",\"starts_at\":\"2026-03-22T02:30:00\",\"time_zone\":\"Europe/Berlin\","
                + "\"duration_s\":7200,\"rrule\":\"FREQ=WEEKLY;BYDAY=SU\",\"mode\":\"mute\",\"tags\":[\"db\"]" + extra + "}";
    }

    /** A paused TCP target at a closed loopback port; its id. */
    private static String target(ApiClient api, String name) {
        ApiClient.Answer created = api.post("/api/v1/targets", "{\"name\":\"" + name + "\",\"kind\":\"tcp\",\"spec\":{\"host\":"
                + "\"127.0.0.1\",\"port\":9},\"interval_s\":60,\"timeout_ms\":2000,\"enabled\":false}");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.json().path("id").asText();
    }

    private static List<String> fields(ApiClient.Answer answer) {
        List<String> fields = new ArrayList<>();
        answer.json().path("error").path("details").path("fields").forEach(f -> fields.add(f.path("field").asText()
                + ":" + f.path("code").asText()));
        return fields;
    }

    @Test
    void windowIsCreatedReadReplacedAndDeleted() {
        ApiClient api = newOrg();

        ApiClient.Answer created = api.post(PATH, window("sunday db", ""));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        JsonNode window = created.json();
        String id = window.path("id").asText();
        assertThat(window.path("key").asText()).as("default key: the id's text").isEqualTo(id);
        assertThat(window.path("starts_at").asText()).isEqualTo("2026-03-22T02:30:00");
        assertThat(window.path("time_zone").asText()).isEqualTo("Europe/Berlin");
        assertThat(window.path("version").asLong()).isEqualTo(1);
        assertThat(window.path("enabled").asBoolean()).isTrue();
        JsonNode next = window.path("next_occurrences");
        assertThat(next).hasSize(5);
        Instant first = Instant.parse(next.get(0).path("starts_at").asText());
        assertThat(first).isAfter(Instant.now().minus(Duration.ofHours(2)));
        assertThat(next.get(0).path("local_starts_at").asText()).matches("\\d{4}-\\d{2}-\\d{2}T(02|03):30:00\\+0[12]:00");
        assertThat(Duration.between(first, Instant.parse(next.get(0).path("ends_at").asText()))).isEqualTo(Duration.ofHours(2));

        assertThat(api.get(PATH + "/" + id).json().path("name").asText()).isEqualTo("sunday db");

        ApiClient.Answer replaced = api.put(PATH + "/" + id, window("sunday db v2", ",\"enabled\":false")
                .replace("FREQ=WEEKLY;BYDAY=SU", "FREQ=DAILY"));
        assertThat(replaced.status()).as(replaced.text()).isEqualTo(200);
        assertThat(replaced.json().path("version").asLong()).isEqualTo(2);
        assertThat(replaced.json().path("key").asText()).as("kept without key").isEqualTo(id);
        assertThat(replaced.json().path("rrule").asText()).isEqualTo("FREQ=DAILY");
        assertThat(replaced.json().path("enabled").asBoolean()).isFalse();
        assertThat(replaced.json().path("active_now").asBoolean()).isFalse();

        assertThat(api.delete(PATH + "/" + id).status()).isEqualTo(204);
        assertThat(api.get(PATH + "/" + id).status()).isEqualTo(404);
        assertThat(api.delete(PATH + "/" + id).status()).isEqualTo(404);
    }

    @Test
    void oneOffWindowRunningNowIsActiveNowAndListedFirst() {
        ApiClient api = newOrg();
        String startsAt = LocalDateTime.now(ZoneOffset.UTC).minusMinutes(5).truncatedTo(ChronoUnit.SECONDS).toString();

        ApiClient.Answer created = api.post(PATH, "{\"name\":\"now\",\"starts_at\":\"" + startsAt + "\",\"time_zone\":\"UTC\","
                + "\"duration_s\":3600,\"mode\":\"pause\",\"tags\":[\"db\"]}");

        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(created.json().path("active_now").asBoolean()).isTrue();
        assertThat(created.json().has("rrule")).isFalse();
        assertThat(created.json().path("next_occurrences")).hasSize(1);
    }

    @Test
    void keyAndNameAreUniqueWithinTheOrg() {
        ApiClient api = newOrg();
        assertThat(api.post(PATH, window("a", ",\"key\":\"weekly-db\"")).status()).isEqualTo(201);

        ApiClient.Answer sameKey = api.post(PATH, window("b", ",\"key\":\"weekly-db\""));
        ApiClient.Answer sameName = api.post(PATH, window("a", ""));

        assertThat(sameKey.status()).isEqualTo(409);
        assertThat(sameKey.json().path("error").path("code").asText()).isEqualTo("MAINTENANCE_WINDOW_KEY_TAKEN");
        assertThat(sameName.json().path("error").path("code").asText()).isEqualTo("MAINTENANCE_WINDOW_NAME_TAKEN");
        assertThat(newOrg().post(PATH, window("a", ",\"key\":\"weekly-db\"")).status()).as("another org").isEqualTo(201);
    }

    @Test
    void badRuleZoneAndDurationAreAllReportedIn422() {
        ApiClient api = newOrg();

        ApiClient.Answer answer = api.post(PATH, window("bad", "").replace("FREQ=WEEKLY;BYDAY=SU", "FREQ=WEEKLY;BYDAY=XX")
                .replace("Europe/Berlin", "+02:00").replace("7200", "30"));

        assertThat(answer.status()).isEqualTo(422);
        assertThat(answer.json().path("error").path("code").asText()).isEqualTo("VALIDATION_FAILED");
        assertThat(fields(answer)).containsExactly("time_zone:INVALID_FORMAT", "duration_s:OUT_OF_RANGE", "rrule:INVALID_FORMAT");
    }

    @Test
    void targetIdsMustBeTargetsOfTheCallersOrg() {
        ApiClient api = newOrg();
        String own = target(api, "own");
        String foreign = target(newOrg(), "foreign");

        ApiClient.Answer answer = api.post(PATH, "{\"name\":\"w\",\"starts_at\":\"2026-01-01T00:00:00\",\"time_zone\":\"UTC\","
                + "\"duration_s\":60,\"mode\":\"pause\",\"target_ids\":[\"" + own + "\",\"" + foreign + "\",\""
                + TargetId.random() + "\"]}");

        assertThat(answer.status()).isEqualTo(422);
        assertThat(fields(answer)).containsExactly("target_ids[1]:UNKNOWN_TARGET", "target_ids[2]:UNKNOWN_TARGET");
    }

    @Test
    void anotherOrgNeitherSeesNorChangesTheWindow() {
        ApiClient owner = newOrg();
        ApiClient other = newOrg();
        String id = owner.post(PATH, window("private", "")).json().path("id").asText();

        assertThat(other.get(PATH + "/" + id).status()).isEqualTo(404);
        assertThat(other.put(PATH + "/" + id, window("taken over", "")).status()).isEqualTo(404);
        assertThat(other.delete(PATH + "/" + id).status()).isEqualTo(404);
        assertThat(other.get(PATH).json().path("items")).isEmpty();
        assertThat(owner.get(PATH + "/" + id).json().path("name").asText()).isEqualTo("private");
    }

    @Test
    void listIsPagedInCreationOrder() {
        ApiClient api = newOrg();
        List<String> ids = new ArrayList<>();
        for (String name : List.of("one", "two", "three")) {
            ids.add(api.post(PATH, window(name, "")).json().path("id").asText());
        }

        ApiClient.Answer page1 = api.get(PATH + "?limit=2");
        String cursor = page1.json().path("next_cursor").asText();
        ApiClient.Answer page2 = api.get(PATH + "?limit=2&cursor=" + cursor);

        assertThat(page1.json().path("items")).extracting(item -> item.path("id").asText()).containsExactly(ids.get(0), ids.get(1));
        assertThat(page2.json().path("items")).extracting(item -> item.path("id").asText()).containsExactly(ids.get(2));
        assertThat(page2.json().path("next_cursor").isNull()).isTrue();
        assertThat(api.get(PATH + "?cursor=bm90LWEtdXVpZA").status()).isEqualTo(400);
    }

    @Test
    void previewValidatesAndListsOccurrencesWithoutStoringAnything() {
        ApiClient api = newOrg();

        ApiClient.Answer valid = api.post(PATH + ":preview?count=12", window("preview", ""));
        ApiClient.Answer invalid = api.post(PATH + ":preview", window("preview", "").replace(",\"tags\":[\"db\"]", ""));
        ApiClient.Answer badRule = api.post(PATH + ":preview", window("preview", "").replace("BYDAY=SU", "BYDAY=XX"));

        assertThat(valid.status()).isEqualTo(200);
        assertThat(valid.json().path("valid").asBoolean()).isTrue();
        assertThat(valid.json().path("next_occurrences")).hasSize(12);
        assertThat(invalid.json().path("valid").asBoolean()).isFalse();
        assertThat(invalid.json().path("errors").get(0).path("field").asText()).isEqualTo("target_ids");
        assertThat(invalid.json().path("next_occurrences")).as("the times are valid").hasSize(5);
        assertThat(badRule.json().path("next_occurrences")).isEmpty();
        assertThat(api.get(PATH).json().path("items")).isEmpty();
        assertThat(api.post(PATH + ":preview?count=0", window("preview", "")).status()).isEqualTo(400);
    }

    @Test
    void viewerReadsAndPreviewsButCannotWrite() {
        ApiClient api = newOrg();
        String id = api.post(PATH, window("w", "")).json().path("id").asText();
        ApiClient viewer = api.withKey(api.post("/api/v1/api-keys", "{\"role\":\"viewer\"}").json().path("key").asText());

        assertThat(viewer.get(PATH + "/" + id).status()).isEqualTo(200);
        assertThat(viewer.post(PATH + ":preview", window("p", "")).status()).isEqualTo(200);
        assertThat(viewer.post(PATH, window("v", "")).status()).isEqualTo(403);
        assertThat(viewer.delete(PATH + "/" + id).status()).isEqualTo(403);
    }

    @Test
    void statsLeaveTheMutedMinutesOut() throws Exception {
        ApiClient api = newOrg();
        String id = target(api, "stats");
        OrgId org = OrgId.parse(api.get("/api/v1/org").json().path("org_id").asText());
        Instant downMinute = Instant.now().minus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.MINUTES);
        List<CheckResult> results = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Instant at = i < 6 ? downMinute.minus(Duration.ofMinutes(3)).plusSeconds(i) : downMinute.plusSeconds(i * 5L);
            Status status = i < 6 ? Status.UP : Status.DOWN;
            results.add(new CheckResult(Uuid7.at(at.toEpochMilli()), TargetId.parse(id), org, new RegionId("local"), "test",
                    CheckKind.TCP, at, at, status, status == Status.UP ? Failure.NONE : Failure.CONNECT_REFUSED, 0, "",
                    new PhaseTimings(0, 1, 0, 0, 1)));
        }
        plane.results().insert(results).await(30, TimeUnit.SECONDS);
        String stats = "/api/v1/targets/" + id + "/stats?window=1h";
        Await.until("the rollup has the results", Duration.ofSeconds(10),
                () -> api.get(stats).json().path("checks").asLong() == 10);
        assertThat(api.get(stats).json().path("uptime_ratio").asDouble()).isEqualTo(0.6);

        // A one-off mute window over the minute of the failures (in its own zone's wall-clock time).
        LocalDateTime local = LocalDateTime.ofInstant(downMinute, java.time.ZoneId.of("America/New_York"));
        ApiClient.Answer window = api.post(PATH, "{\"name\":\"deploy\",\"starts_at\":\"" + local + ":00\",\"time_zone\":"
                + "\"America/New_York\",\"duration_s\":60,\"mode\":\"mute\",\"target_ids\":[\"" + id + "\"]}");
        assertThat(window.status()).as(window.text()).isEqualTo(201);

        JsonNode muted = api.get(stats).json();
        assertThat(muted.path("checks").asLong()).isEqualTo(6);
        assertThat(muted.path("uptime_ratio").asDouble()).isEqualTo(1.0);
        assertThat(muted.path("muted_s").asLong()).isEqualTo(60);
    }
}
