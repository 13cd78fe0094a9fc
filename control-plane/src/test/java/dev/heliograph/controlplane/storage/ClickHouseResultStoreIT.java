package dev.heliograph.controlplane.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.query.QueryResponse;
import dev.heliograph.controlplane.TestServices;
import dev.heliograph.probe.codec.Json;
import dev.heliograph.controlplane.storage.clickhouse.ClickHouseResultStore;
import dev.heliograph.controlplane.storage.clickhouse.ClickHouseSql;
import dev.heliograph.controlplane.storage.clickhouse.ResultPage;
import dev.heliograph.controlplane.storage.clickhouse.TargetStats;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The ClickHouse result store against the real server (18.16 here), with the real migrations. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClickHouseResultStoreIT {
    private TestServices services;
    private Vertx vertx;
    private ClickHouseResultStore store;

    @BeforeAll
    void start() throws Exception {
        services = new TestServices();
        vertx = Vertx.vertx();
        store = ClickHouseResultStore.create(vertx, services.config().clickhouse());
        store.migrate().await(60, TimeUnit.SECONDS);
        store.migrate().await(60, TimeUnit.SECONDS); // idempotent
    }

    @AfterAll
    void stop() throws Exception {
        store.close();
        vertx.close().await(10, TimeUnit.SECONDS);
        services.close();
    }

    private static List<CheckResult> results(TargetId target, Instant first, int count, Status status) {
        List<CheckResult> results = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Instant at = first.plusMillis(i * 1000L);
            results.add(new CheckResult(Uuid7.at(at.toEpochMilli()), target, OrgId.DEFAULT, new RegionId("local"), "test",
                    CheckKind.HTTP, at.minusMillis(3), at, status, status == Status.UP || status == Status.DEGRADED ? Failure.NONE : Failure.INTERNAL, status == Status.UP ? 200 : 503,
                    status == Status.UP ? "" : "wanted 2xx, got 503", new PhaseTimings(0.5, 1.5, 0, 2.5, 10 + i)));
        }
        return results;
    }

    @Test
    void resultsComeBackNewestFirstPageByPageWithEveryField() throws Exception {
        TargetId target = TargetId.random();
        Instant first = Instant.now().minusSeconds(120).truncatedTo(java.time.temporal.ChronoUnit.MILLIS); // stored at ms precision
        List<CheckResult> written = results(target, first, 7, Status.UP);
        store.insert(written).await(30, TimeUnit.SECONDS);

        ResultPage page1 = store.results(OrgId.DEFAULT, target, first.minusSeconds(1), Instant.now(), null, 3).await(30, TimeUnit.SECONDS);
        ResultPage page2 = store.results(OrgId.DEFAULT, target, first.minusSeconds(1), Instant.now(), page1.next(), 3).await(30, TimeUnit.SECONDS);
        ResultPage page3 = store.results(OrgId.DEFAULT, target, first.minusSeconds(1), Instant.now(), page2.next(), 3).await(30, TimeUnit.SECONDS);
        List<CheckResult> all = new ArrayList<>(page1.items());
        all.addAll(page2.items());
        all.addAll(page3.items());
        assertThat(page3.next()).isNull();
        assertThat(all).hasSize(7);
        List<CheckResult> newestFirst = new ArrayList<>(written);
        java.util.Collections.reverse(newestFirst);
        assertThat(all).usingRecursiveFieldByFieldElementComparatorIgnoringFields("timings")
                .containsExactlyElementsOf(newestFirst);
        assertThat(all.getFirst().timings().totalMs()).isEqualTo(16.0);
        assertThat(all.getFirst().timings().connectMs()).isEqualTo(1.5);
    }

    @Test
    void statsComeFromTheRollup() throws Exception {
        TargetId target = TargetId.random();
        Instant first = Instant.now().minusSeconds(300);
        List<CheckResult> batch = new ArrayList<>(results(target, first, 6, Status.UP));
        batch.addAll(results(target, first.plusSeconds(30), 2, Status.DOWN));
        store.insert(batch).await(30, TimeUnit.SECONDS);

        TargetStats stats = store.stats(OrgId.DEFAULT, target, Instant.now(), Duration.ofHours(1)).await(30, TimeUnit.SECONDS);
        assertThat(stats.checks()).isEqualTo(8);
        assertThat(stats.upChecks()).isEqualTo(6);
        assertThat(stats.uptimeRatio()).isEqualTo(0.75);
        assertThat(stats.p99Ms()).isBetween(10.0, 16.0);
        TargetStats none = store.stats(OrgId.DEFAULT, TargetId.random(), Instant.now(), Duration.ofHours(1)).await(30, TimeUnit.SECONDS);
        assertThat(none.checks()).isZero();
        assertThat(none.uptimeRatio()).isNull();
    }

    /** Regression: a retried INSERT whose first answer was lost stored its rows twice. */
    @Test
    void retriedBatchStoresOnlyTheRowsNotStoredYet() throws Exception {
        TargetId target = TargetId.random();
        List<CheckResult> batch = results(target, Instant.now().minusSeconds(60), 10, Status.UP);
        store.insert(batch.subList(0, 6)).await(30, TimeUnit.SECONDS); // the "lost answer" attempt stored part
        store.insertMissing(batch).await(30, TimeUnit.SECONDS);
        store.insertMissing(batch).await(30, TimeUnit.SECONDS);
        assertThat(store.count(OrgId.DEFAULT, target).await(30, TimeUnit.SECONDS)).isEqualTo(10);
    }

    /** Strings that JSON and RowBinary encode differently come back as written. */
    @Test
    void awkwardStringsAndEveryStatusRoundTripThroughTheInsertFormat() throws Exception {
        TargetId target = TargetId.random();
        Instant first = Instant.now().minusSeconds(90).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        List<String> nasty = List.of("", "it's \"quoted\"", "line\nbreak\ttab", "nul\0byte", "unicode ☀ ünïcödé", "y".repeat(300));
        List<CheckResult> written = new ArrayList<>();
        for (int i = 0; i < nasty.size(); i++) {
            Instant at = first.plusMillis(i * 1000L);
            Status status = Status.values()[i % Status.values().length];
            written.add(new CheckResult(Uuid7.at(at.toEpochMilli()), target, OrgId.DEFAULT, new RegionId("region-" + i),
                    "agent " + nasty.get(i), i % 2 == 0 ? CheckKind.HTTP : CheckKind.TCP, at.minusMillis(i), at, status, status == Status.UP || status == Status.DEGRADED ? Failure.NONE : Failure.INTERNAL,
                    i * 100, nasty.get(i), new PhaseTimings(0.25, 1.5, 2.75, 3.0, 1234.5)));
        }
        store.insert(written).await(30, TimeUnit.SECONDS);

        ResultPage page = store.results(OrgId.DEFAULT, target, first.minusSeconds(1), Instant.now(), null, 100).await(30, TimeUnit.SECONDS);
        List<CheckResult> oldestFirst = new ArrayList<>(page.items());
        java.util.Collections.reverse(oldestFirst);
        assertThat(oldestFirst).usingRecursiveComparison().isEqualTo(written);
    }

    @Test
    void escapedLiteralsRoundTripThroughTheServer() throws Exception {
        List<String> nasty = List.of("plain", "it's", "back\\slash", "'); DROP TABLE check_results; --", "line\nbreak\ttab",
                "nul\0byte", "unicode ☀ ünïcödé", "\u0001\u001f\u007f");
        try (Client client = services.clickhouse()) {
            for (String value : nasty) {
                String sql = "SELECT " + ClickHouseSql.literal(value) + " AS s FORMAT JSONEachRow";
                try (QueryResponse response = client.query(sql).get(30, TimeUnit.SECONDS)) {
                    assertThat(Json.MAPPER.readTree(response.getInputStream()).path("s").asText()).isEqualTo(value);
                }
            }
        }
    }
}
