package dev.heliograph.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.query.QueryResponse;
import com.clickhouse.client.api.query.QuerySettings;
import com.clickhouse.data.ClickHouseFormat;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import dev.heliograph.probe.codec.Json;
import java.io.InputStream;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real process ({@code bin/heliograph control-plane}) stopped by SIGTERM while checks are in
 * flight: it exits within {@code shutdown.timeout_s} (default 10 s) and every check that reached
 * the target has its result in ClickHouse (README.md, {@code shutdown.timeout_s}).
 */
class GracefulShutdownIT {
    private static final int TARGETS = 40;
    private static final Duration TARGET_DELAY = Duration.ofSeconds(2);
    private static final int MANY_TARGETS = 2_600;
    private static final Duration MANY_TARGETS_DELAY = Duration.ofSeconds(4);

    private TestServices services;
    private RecordingHttpServer slow;
    private ControlPlaneProcess controlPlane;

    @BeforeEach
    void start() throws Exception {
        services = new TestServices();
    }

    @AfterEach
    @SuppressWarnings("try") // the resources are declared only to be closed
    void stop() throws Exception {
        try (TestServices databases = services; RecordingHttpServer target = slow; ControlPlaneProcess launched = controlPlane) {
            // closed in reverse order, null ones skipped: the process, then the target, then the databases
        }
    }

    @Test
    void sigtermWithChecksInFlightLosesNoAcceptedResult() throws Exception {
        slow = new RecordingHttpServer(TARGET_DELAY);
        int port = freePort();
        controlPlane = launch("api.port=" + port);
        try {
            ApiClient api = new ApiClient(port);
            controlPlane.awaitHealthy(api);
            createTargets(api, TARGETS, 3, 2_500);
            // Past the first round (every target checked at least once, earlier results flushed), then
            // signal while at least half the targets are mid-check.
            Await.until("a second round of checks with 20 in flight", Duration.ofSeconds(20),
                    () -> slow.totalHits() >= 2 * TARGETS && slow.inProgress() >= TARGETS / 2);

            signalAndAssertEveryResultStored(TARGET_DELAY);
        } catch (Throwable failure) {
            System.err.println("---- tail of " + controlPlane.log() + " ----\n" + controlPlane.tail(60));
            throw failure;
        }
    }

    /**
     * Issue 3: "SIGTERM during 2,000 in-flight slow checks exits within the limit with every accepted
     * result in ClickHouse". A target's first check falls at a random point of its interval, so about
     * {@code targets × delay / interval} checks are in flight at any moment: 2,600 targets checked
     * every 5 s and held 4 s each keep about 2,080 in flight, and the test signals once 2,000 are.
     * The delay stays well inside the engine's share of the 10 s limit (60 % of 8.5 s, about 5.1 s).
     */
    @Test
    void sigtermDuringTwoThousandInFlightChecksExitsInTimeWithEveryResultStored() throws Exception {
        slow = new RecordingHttpServer(MANY_TARGETS_DELAY);
        int port = freePort();
        controlPlane = launch("api.port=" + port, "bulkhead.max_per_host=10000");
        try {
            ApiClient api = new ApiClient(port);
            controlPlane.awaitHealthy(api);
            long creating = System.nanoTime();
            createTargets(api, MANY_TARGETS, 5, 4_900);
            System.out.printf("GracefulShutdownIT: %d targets created in %d ms%n", MANY_TARGETS,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - creating));
            Await.until("every target checked once and 2,000 checks in flight", Duration.ofSeconds(30),
                    () -> slow.totalHits() >= MANY_TARGETS && slow.inProgress() >= 2_000);

            signalAndAssertEveryResultStored(MANY_TARGETS_DELAY);
        } catch (Throwable failure) {
            System.err.println("---- tail of " + controlPlane.log() + " ----\n" + controlPlane.tail(60));
            throw failure;
        }
    }

    /** Creates {@code count} targets on {@link #slow} through the API, eight requests at a time. */
    private void createTargets(ApiClient api, int count, int intervalS, int timeoutMs) throws Exception {
        try (ExecutorService callers = Executors.newFixedThreadPool(8)) {
            List<Future<ApiClient.Answer>> answers = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String body = "{\"name\":\"slow-" + i + "\",\"kind\":\"http\",\"spec\":{\"url\":\"" + slow.url("/slow/" + i)
                        + "\"},\"interval_s\":" + intervalS + ",\"timeout_ms\":" + timeoutMs + "}";
                answers.add(callers.submit(() -> api.post("/api/v1/targets", body)));
            }
            for (Future<ApiClient.Answer> answer : answers) {
                ApiClient.Answer created = answer.get(60, TimeUnit.SECONDS);
                assertThat(created.status()).as(created.text()).isEqualTo(201);
            }
        }
    }

    /**
     * Sends SIGTERM, asserts the exit within 10.5 s, then that every request the target received has
     * its row in ClickHouse and was answered, and that the log reports a clean stop.
     */
    private void signalAndAssertEveryResultStored(Duration targetDelay) throws Exception {
        Process process = controlPlane.process();
        int inFlightAtSignal = slow.inProgress();
        int hitsAtSignal = slow.totalHits();
        long signalled = System.nanoTime();
        process.destroy(); // SIGTERM
        boolean exited = process.waitFor(15, TimeUnit.SECONDS);
        long exitMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
        assertThat(exited).as("process exited within 15 s of SIGTERM").isTrue();
        assertThat(exitMs).as("ms from SIGTERM to exit").isLessThan(10_500);

        // A check cut off by the exit would leave its request hanging until the delay ends.
        Await.until("the target answered everything", targetDelay.plusSeconds(3), () -> slow.inProgress() == 0);
        int hits = slow.totalHits();
        int answered = slow.answered();
        JsonNode rows = countRows();
        long written = rows.path("n").asLong();
        long ok = rows.path("ok").asLong();
        System.out.printf("GracefulShutdownIT: exit %d ms after SIGTERM (exit code %d), %d in flight at signal"
                        + " (%d requests by then), %d requests, %d answered, %d rows, %d with http_status 200%n",
                exitMs, process.exitValue(), inFlightAtSignal, hitsAtSignal, hits, answered, written, ok);

        assertThat(hits).as("requests received").isPositive();
        assertThat(written).as(() -> "rows in check_results vs requests received " + breakdown()).isEqualTo(hits);
        assertThat(answered).as("requests answered vs received").isEqualTo(hits);
        assertThat(ok).as(() -> "rows with http_status 200 vs requests answered " + breakdown()).isEqualTo(answered);
        String output = controlPlane.logText();
        assertThat(output).doesNotContain("NOT all written")
                .contains("in-flight checks finished, results all written");
    }

    /** Starts the launcher with this test's databases and {@code extra} settings. */
    private ControlPlaneProcess launch(String... extra) throws Exception {
        return ControlPlaneProcess.start(services, "graceful-shutdown", List.of(), environment -> { }, extra);
    }

    /** {@code n}: rows of check_results; {@code ok}: those with http_status 200. */
    private JsonNode countRows() throws Exception {
        return query("SELECT count() AS n, countIf(http_status = 200) AS ok FROM " + services.database()
                + ".check_results FORMAT JSONEachRow").getFirst();
    }

    /** Rows per status, HTTP status and error, for failure messages. */
    private String breakdown() {
        try {
            return query("SELECT toString(status) AS status, http_status, error, count() AS n FROM "
                    + services.database() + ".check_results GROUP BY status, http_status, error FORMAT JSONEachRow")
                    .toString();
        } catch (Exception e) {
            return "breakdown unavailable: " + e;
        }
    }

    private List<JsonNode> query(String sql) throws Exception {
        QuerySettings settings = new QuerySettings().setFormat(ClickHouseFormat.JSONEachRow);
        try (Client client = services.clickhouse();
             QueryResponse response = client.query(sql, settings).get(30, TimeUnit.SECONDS);
             InputStream body = response.getInputStream();
             MappingIterator<JsonNode> rows = Json.MAPPER.readerFor(JsonNode.class).readValues(body)) {
            return rows.readAll(); // ClickHouse 18.16 quotes UInt64 values; asLong() parses them
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
