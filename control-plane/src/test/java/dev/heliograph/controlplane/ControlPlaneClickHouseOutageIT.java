package dev.heliograph.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.query.QueryResponse;
import com.clickhouse.client.api.query.QuerySettings;
import com.clickhouse.data.ClickHouseFormat;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import dev.heliograph.probe.codec.Json;
import dev.heliograph.controlplane.pipeline.BatcherStats;
import io.vertx.core.Vertx;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A whole control plane (scheduler, probe engine, batcher) checking real HTTP targets while its
 * ClickHouse, a private server, is stopped and started again (issue 3: "ClickHouse stopped for 30 s
 * with checks running loses nothing when the queue is large enough, and counts drops when it is
 * not"). Every check the target saw must end up either as exactly one row in ClickHouse or as a
 * counted {@code queue_full} drop.
 */
class ControlPlaneClickHouseOutageIT {
    private static final int TARGETS = 20;
    /** The outage the first test asks for, counted from the server's exit. */
    private static final Duration OUTAGE = Duration.ofSeconds(30);
    private static final Pattern DROPPED = Pattern.compile(
            "^heliograph_results_dropped_total\\{([^}]*)\\}\\s+(\\S+)", Pattern.MULTILINE);

    private TestServices services;
    private PrivateClickHouse clickhouse;
    private RecordingHttpServer target;
    private Vertx vertx;
    private ControlPlane plane;

    @BeforeEach
    void start() throws Exception {
        services = new TestServices();
        clickhouse = PrivateClickHouse.launch();
        target = new RecordingHttpServer(Duration.ZERO);
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (plane != null) {
                plane.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);
            }
            vertx.close().await(10, TimeUnit.SECONDS);
        } finally {
            target.close();
            clickhouse.close();
            services.close();
        }
    }

    @Test
    void clickHouseDownForThirtySecondsLosesNothingWithALargeQueue() throws Exception {
        startPlane();
        Await.until("results written before the outage", Duration.ofSeconds(15),
                () -> plane.batcher().stats().written() >= 2L * TARGETS);

        long stopping = System.nanoTime();
        clickhouse.stop(); // returns when the process has exited (see its Javadoc)
        long exited = System.nanoTime();
        BatcherStats atExit = plane.batcher().stats();
        Await.until("a write failed after the exit", Duration.ofSeconds(10),
                () -> plane.batcher().stats().failedWrites() > atExit.failedWrites());
        BatcherStats down = plane.batcher().stats();
        sleepUntil(exited + OUTAGE.toNanos());
        BatcherStats stillDown = plane.batcher().stats();
        clickhouse.start();
        BatcherStats end = drainAndStop();

        System.out.printf("ControlPlaneClickHouseOutageIT (large queue): stop took %d ms; down %s; after %d s %s; end %s;"
                        + " %d requests%n", TimeUnit.NANOSECONDS.toMillis(exited - stopping), down,
                OUTAGE.toSeconds(), stillDown, end, target.totalHits());
        assertThat(stillDown.failedWrites()).as("failed writes while down").isGreaterThan(down.failedWrites());
        assertThat(stillDown.written()).as("written while down").isEqualTo(down.written());
        assertThat(stillDown.queued()).as("queued while down (%d checks a second)", TARGETS)
                .isGreaterThan(down.queued() + TARGETS * (OUTAGE.toSeconds() - 10));
        assertThat(stillDown.droppedQueueFull()).as("dropped while down").isZero();
        assertThat(end.droppedQueueFull()).as("dropped").isZero();
        assertThat(end.accepted()).as("accepted vs requests the target received").isEqualTo(target.totalHits());
        assertStoredExactlyOnce(end.accepted());
    }

    @Test
    void dropsAreCountedWhenTheQueueIsTooSmall() throws Exception {
        int capacity = 100;
        ApiClient api = startPlane("batcher.queue_capacity=" + capacity, "batcher.flush_size=50");
        Await.until("results written before the outage", Duration.ofSeconds(15),
                () -> plane.batcher().stats().written() >= 2L * TARGETS);
        assertThat(plane.batcher().stats().droppedQueueFull()).as("drops before the outage").isZero();

        clickhouse.stop();
        long droppedAtExit = plane.batcher().stats().droppedQueueFull();
        Await.until("a full queue's worth dropped while down", Duration.ofSeconds(20),
                () -> plane.batcher().stats().droppedQueueFull() >= droppedAtExit + capacity);
        BatcherStats stillDown = plane.batcher().stats();
        clickhouse.start();
        Await.until("the backlog written", Duration.ofSeconds(30), () -> drained(plane.batcher().stats()));
        long droppedBefore = plane.batcher().stats().droppedQueueFull();
        double scraped = scrapedDrops(api);
        long droppedAfter = plane.batcher().stats().droppedQueueFull();
        BatcherStats end = drainAndStop();

        System.out.printf("ControlPlaneClickHouseOutageIT (small queue): still down %s; end %s; /metrics %.0f dropped;"
                + " %d requests%n", stillDown, end, scraped, target.totalHits());
        assertThat(stillDown.queued()).as("queued while down").isGreaterThanOrEqualTo(capacity);
        assertThat(end.droppedQueueFull()).as("dropped").isPositive();
        assertThat(scraped).as("heliograph_results_dropped_total{reason=\"queue_full\"} on /metrics")
                .isBetween((double) droppedBefore, (double) droppedAfter);
        assertThat(end.accepted() + end.droppedQueueFull()).as("accepted + dropped vs requests the target received")
                .isEqualTo(target.totalHits());
        assertStoredExactlyOnce(end.accepted());
    }

    /** Starts the control plane on the private ClickHouse and creates {@link #TARGETS} targets checked every second. */
    private ApiClient startPlane(String... extra) throws Exception {
        String[] settings = new String[extra.length + 2];
        settings[0] = "clickhouse.url=" + clickhouse.url();
        settings[1] = "batcher.retry_max_ms=2000";
        System.arraycopy(extra, 0, settings, 2, extra.length);
        plane = ControlPlane.start(vertx, services.config(settings), Clock.systemUTC()).await(60, TimeUnit.SECONDS);
        ApiClient api = new ApiClient(plane.apiPort());
        for (int i = 0; i < TARGETS; i++) {
            ApiClient.Answer created = api.post("/api/v1/targets", "{\"name\":\"outage-" + i + "\",\"kind\":\"http\","
                    + "\"spec\":{\"url\":\"" + target.url("/outage/" + i) + "\"},\"interval_s\":1,\"timeout_ms\":900}");
            assertThat(created.status()).as(created.text()).isEqualTo(201);
        }
        return api;
    }

    /** Waits for the backlog to be written, then stops the control plane gracefully; its final counters. */
    private BatcherStats drainAndStop() throws Exception {
        Await.until("the backlog written", Duration.ofSeconds(30), () -> drained(plane.batcher().stats()));
        boolean clean = plane.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);
        BatcherStats end = plane.batcher().stats();
        plane = null;
        assertThat(clean).as("graceful stop wrote everything, last error: %s", end.lastError()).isTrue();
        assertThat(end.queued()).as("queued after the stop").isZero();
        assertThat(end.written()).as("written vs accepted").isEqualTo(end.accepted());
        return end;
    }

    private static boolean drained(BatcherStats stats) {
        return stats.queued() == 0 && stats.lastError() == null && stats.written() == stats.accepted();
    }

    private void assertStoredExactlyOnce(long accepted) throws Exception {
        JsonNode row = query("SELECT count() AS n, uniqExact(result_id) AS ids FROM " + services.database()
                + ".check_results FORMAT JSONEachRow");
        long ids = row.path("ids").asLong();
        assertThat(ids).as("distinct result ids (fewer: accepted results were lost)").isEqualTo(accepted);
        assertThat(row.path("n").asLong()).as("rows (more than the %d distinct ids: a batch was written twice)", ids)
                .isEqualTo(accepted);
    }

    /** The value of {@code heliograph_results_dropped_total{reason="queue_full"}} on {@code GET /metrics}. */
    private static double scrapedDrops(ApiClient api) {
        ApiClient.Answer metrics = api.get("/metrics");
        assertThat(metrics.status()).isEqualTo(200);
        Matcher line = DROPPED.matcher(metrics.text());
        while (line.find()) {
            if (line.group(1).contains("reason=\"queue_full\"")) {
                return Double.parseDouble(line.group(2));
            }
        }
        throw new AssertionError("no heliograph_results_dropped_total{reason=\"queue_full\"} in /metrics:\n"
                + metrics.text().lines().filter(l -> l.contains("dropped")).toList());
    }

    private JsonNode query(String sql) throws Exception {
        QuerySettings settings = new QuerySettings().setFormat(ClickHouseFormat.JSONEachRow);
        try (Client client = new Client.Builder().addEndpoint(clickhouse.url()).setUsername("default").setPassword("")
                .compressServerResponse(false).build();
             QueryResponse response = client.query(sql, settings).get(30, TimeUnit.SECONDS);
             InputStream body = response.getInputStream();
             MappingIterator<JsonNode> rows = Json.MAPPER.readerFor(JsonNode.class).readValues(body)) {
            List<JsonNode> all = rows.readAll(); // 18.16 quotes UInt64 values; asLong() parses them
            return all.getFirst();
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left = nanoTime - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }
}
