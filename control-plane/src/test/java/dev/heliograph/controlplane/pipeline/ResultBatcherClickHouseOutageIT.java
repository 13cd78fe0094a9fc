package dev.heliograph.controlplane.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.query.QueryResponse;
import com.clickhouse.client.api.query.QuerySettings;
import com.clickhouse.data.ClickHouseFormat;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import dev.heliograph.controlplane.Await;
import dev.heliograph.controlplane.PrivateClickHouse;
import dev.heliograph.probe.codec.Json;
import dev.heliograph.controlplane.config.HeliographConfig;
import dev.heliograph.controlplane.storage.clickhouse.ClickHouseResultStore;
import dev.heliograph.controlplane.storage.clickhouse.ClickHouseSql;
import dev.heliograph.domain.CheckKind;
import dev.heliograph.domain.CheckResult;
import dev.heliograph.domain.Failure;
import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.PhaseTimings;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Status;
import dev.heliograph.domain.TargetId;
import dev.heliograph.domain.Uuid7;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The result batcher in front of a ClickHouse server that goes away: results keep arriving at a
 * steady rate while a private server (never the shared one) is stopped and started again. What the
 * batcher accepted must reach ClickHouse exactly once; what it could not hold must be counted as
 * dropped.
 */
class ResultBatcherClickHouseOutageIT {
    private static final String DATABASE = "heliograph";
    private static final int RESULTS_PER_SECOND = 200;
    private static final int FLUSH_SIZE = 200;

    private final TargetId target = TargetId.random();
    private PrivateClickHouse clickhouse;
    private Vertx vertx;
    private ClickHouseResultStore store;
    private Client rawClient;
    private Feeder feeder;

    @BeforeEach
    void start() throws Exception {
        clickhouse = PrivateClickHouse.launch();
        vertx = Vertx.vertx();
        store = ClickHouseResultStore.create(vertx, new HeliographConfig.ClickHouse(clickhouse.url(), DATABASE, "default", "", 3_000));
        store.migrate().await(30, TimeUnit.SECONDS);
        rawClient = new Client.Builder().addEndpoint(clickhouse.url()).setUsername("default").setPassword("")
                .compressServerResponse(false).build();
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (feeder != null) {
                feeder.stop();
            }
            rawClient.close();
            store.close();
            vertx.close().await(10, TimeUnit.SECONDS);
        } finally {
            clickhouse.close();
        }
    }

    @Test
    void acceptedResultsSurviveClickHouseBeingStoppedForTenSeconds() throws Exception {
        ResultBatcher batcher = deploy(new ResultBatcher.Settings(1_000_000, FLUSH_SIZE, Duration.ofMillis(200),
                Duration.ofMillis(100), Duration.ofSeconds(1)));
        feeder = new Feeder(vertx, batcher, target);
        feeder.start();
        Await.until("results written before the outage", Duration.ofSeconds(10), () -> batcher.stats().written() >= 400);

        clickhouse.stop(); // returns when the process has exited, about 15 s later (see its Javadoc)
        BatcherStats down = batcher.stats();
        Thread.sleep(10_000);
        BatcherStats stillDown = batcher.stats();
        clickhouse.start();
        Thread.sleep(2_000);
        feeder.stop();
        boolean drained = batcher.drain(Duration.ofSeconds(20)).await(25, TimeUnit.SECONDS);
        BatcherStats end = batcher.stats();

        assertThat(stillDown.failedWrites()).as("failed writes while down").isGreaterThan(down.failedWrites());
        assertThat(stillDown.queued()).as("queued while down").isGreaterThan(down.queued() + RESULTS_PER_SECOND * 8L);
        assertThat(drained).as("drained, last error: %s", end.lastError()).isTrue();
        assertThat(feeder.refused()).isZero();
        assertThat(end.droppedQueueFull()).isZero();
        assertThat(end.accepted()).isEqualTo(feeder.fed());
        assertThat(end.written()).isEqualTo(end.accepted());
        assertThat(end.queued()).isZero();
        assertStoredExactlyOnce(end.accepted(), feeder.lastAcceptedAtMs());
    }

    @Test
    void dropsAreCountedWhenTheQueueFillsDuringAnOutage() throws Exception {
        int capacity = 500;
        ResultBatcher batcher = deploy(new ResultBatcher.Settings(capacity, FLUSH_SIZE, Duration.ofMillis(200),
                Duration.ofMillis(100), Duration.ofSeconds(1)));
        feeder = new Feeder(vertx, batcher, target);
        feeder.start();
        Await.until("results written before the outage", Duration.ofSeconds(10), () -> batcher.stats().written() >= 200);
        assertThat(batcher.stats().droppedQueueFull()).as("drops before the outage").isZero();

        clickhouse.stop();
        long fedWhenDown = feeder.fed();
        Await.until("more results fed while down than the queue holds", Duration.ofSeconds(15),
                () -> feeder.fed() - fedWhenDown > 2L * (capacity + FLUSH_SIZE));
        BatcherStats stillDown = batcher.stats();
        clickhouse.start();
        Thread.sleep(2_000);
        feeder.stop();
        boolean drained = batcher.drain(Duration.ofSeconds(20)).await(25, TimeUnit.SECONDS);
        BatcherStats end = batcher.stats();

        assertThat(stillDown.droppedQueueFull()).as("drops while down").isPositive();
        assertThat(stillDown.queued()).as("queued while down").isGreaterThanOrEqualTo(capacity);
        assertThat(drained).as("drained, last error: %s", end.lastError()).isTrue();
        assertThat(end.accepted() + end.droppedQueueFull()).isEqualTo(feeder.fed());
        assertThat(end.droppedQueueFull()).isEqualTo(feeder.refused());
        assertThat(end.written()).isEqualTo(end.accepted());
        assertThat(end.queued()).isZero();
        assertStoredExactlyOnce(end.accepted(), feeder.lastAcceptedAtMs());
    }

    private ResultBatcher deploy(ResultBatcher.Settings settings) throws TimeoutException {
        ResultBatcher batcher = new ResultBatcher((batch, retry) -> retry ? store.insertMissing(batch) : store.insert(batch), settings);
        vertx.deployVerticle(batcher).await(10, TimeUnit.SECONDS);
        return batcher;
    }

    private void assertStoredExactlyOnce(long accepted, long lastAcceptedAtMs) throws Exception {
        String sql = "SELECT count() AS n, uniqExact(result_id) AS ids, max(started_at_ms) AS last_ms"
                // qualified: 18.16 ignores the header in which client-v2 names the default database
                + " FROM " + DATABASE + ".check_results WHERE org_id = " + ClickHouseSql.uuid(OrgId.DEFAULT.value())
                + " AND target_id = " + ClickHouseSql.uuid(target.value()) + " FORMAT JSONEachRow";
        JsonNode row = query(sql);
        long ids = row.path("ids").asLong();
        assertThat(ids).as("distinct result ids (fewer: accepted results were lost)").isEqualTo(accepted);
        assertThat(row.path("n").asLong()).as("rows (more than the %d distinct ids: a batch was written twice)", ids)
                .isEqualTo(accepted);
        assertThat(store.count(OrgId.DEFAULT, target).await(10, TimeUnit.SECONDS)).as("rows counted by the store")
                .isEqualTo(accepted);
        assertThat(row.path("last_ms").asLong()).as("latest started_at_ms").isEqualTo(lastAcceptedAtMs);
    }

    private JsonNode query(String sql) throws Exception {
        QuerySettings settings = new QuerySettings().setFormat(ClickHouseFormat.JSONEachRow);
        try (QueryResponse response = rawClient.query(sql, settings).get(10, TimeUnit.SECONDS);
             InputStream body = response.getInputStream();
             MappingIterator<JsonNode> rows = Json.MAPPER.readerFor(JsonNode.class).readValues(body)) {
            return rows.next();
        }
    }

    /**
     * Offers synthetic results for one target from a Vert.x timer on its own event loop, as the probe
     * engine does, at {@link #RESULTS_PER_SECOND} on average (a late tick catches up). Start times
     * strictly increase, so the last accepted result is the latest one stored.
     */
    private static final class Feeder {
        private final Vertx vertx;
        private final ResultBatcher batcher;
        private final TargetId target;
        private final Context context;
        private final AtomicLong fed = new AtomicLong();
        private final AtomicLong refused = new AtomicLong();
        private volatile long lastAcceptedAtMs;
        private long lastStartedAtMs;
        private long startedNanos;
        private long timer = -1;

        Feeder(Vertx vertx, ResultBatcher batcher, TargetId target) {
            this.vertx = vertx;
            this.batcher = batcher;
            this.target = target;
            this.context = vertx.getOrCreateContext();
        }

        void start() {
            context.runOnContext(v -> {
                startedNanos = System.nanoTime();
                timer = vertx.setPeriodic(10, id -> catchUp());
            });
        }

        /** Stops feeding; no result is offered after this returns. */
        void stop() throws TimeoutException {
            Promise<Void> stopped = Promise.promise();
            context.runOnContext(v -> {
                vertx.cancelTimer(timer);
                stopped.complete();
            });
            stopped.future().await(5, TimeUnit.SECONDS);
        }

        long fed() {
            return fed.get();
        }

        long refused() {
            return refused.get();
        }

        long lastAcceptedAtMs() {
            return lastAcceptedAtMs;
        }

        private void catchUp() {
            long due = (System.nanoTime() - startedNanos) * RESULTS_PER_SECOND / 1_000_000_000L;
            while (fed.get() < due) {
                lastStartedAtMs = Math.max(lastStartedAtMs + 1, System.currentTimeMillis());
                Instant at = Instant.ofEpochMilli(lastStartedAtMs);
                CheckResult result = new CheckResult(Uuid7.next(), target, OrgId.DEFAULT, new RegionId("local"), "test",
                        CheckKind.HTTP, at, at, Status.UP, Failure.NONE, 200, "", new PhaseTimings(1.5, 2.5, 0, 10.25, 15.75));
                fed.incrementAndGet();
                if (batcher.offer(result)) {
                    lastAcceptedAtMs = lastStartedAtMs;
                } else {
                    refused.incrementAndGet();
                }
            }
        }
    }
}
