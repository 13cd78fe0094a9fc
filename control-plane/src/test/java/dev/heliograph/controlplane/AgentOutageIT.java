package dev.heliograph.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.probe.codec.Json;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The control plane stops for 30 s while a real agent keeps checking; after the restart every
 * result the agent made reaches ClickHouse exactly once (counted by result id against the agent's
 * own sequence numbers) and each target's results cover the outage without a gap.
 */
class AgentOutageIT {
    private static final int OUTAGE_S = 30;

    @Test
    void everyResultMadeDuringAnOutageIsStoredExactlyOnceAndInOrder() throws Exception {
        try (TestServices services = new TestServices(); RecordingHttpServer server = new RecordingHttpServer(Duration.ZERO)) {
            int[] ports = freePorts(3);
            String[] settings = {"api.port=" + ports[0], "agents.port=" + ports[1], "control.port=" + ports[2],
                    "agents.heartbeat_interval_s=1", "agents.poll_hold_s=5"};
            Vertx vertx = Vertx.vertx();
            ControlPlane plane = ControlPlane.start(vertx, services.config(settings), Clock.systemUTC()).await(60, TimeUnit.SECONDS);
            ApiClient api = new ApiClient(ports[0]);
            assertThat(api.post("/api/v1/regions", "{\"name\":\"far\"}").status()).isEqualTo(201);
            List<String> targets = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ApiClient.Answer created = api.post("/api/v1/targets", "{\"name\":\"far-" + i + "\",\"kind\":\"http\",\"spec\":{\"url\":\""
                        + server.url("/far/" + i) + "\"},\"interval_s\":1,\"timeout_ms\":500,\"regions\":[\"far\"]}");
                targets.add(created.json().path("id").asText());
            }
            ApiClient.Answer created = api.post("/api/v1/regions/far/registration-tokens", "{}");
            String token = created.json().path("token").asText();
            String fingerprint = created.json().path("ca_fingerprint").asText();
            Path data = Files.createTempDirectory("heliograph-outage-").resolve("far-1");
            try (AgentProcess agent = AgentProcess.start(data, ports[1], "far", token, fingerprint, "far-1")) {
                Await.until("results flow", Duration.ofSeconds(60), () -> count(services, "1") >= 6);
                plane.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);
                long downAt = System.currentTimeMillis();
                Thread.sleep(OUTAGE_S * 1000L);
                plane = ControlPlane.start(vertx, services.config(settings), Clock.systemUTC()).await(60, TimeUnit.SECONDS);
                long upAt = System.currentTimeMillis();
                Await.until("results made during the outage arrive", Duration.ofSeconds(90), () ->
                        count(services, "started_at_ms > " + (upAt + 2_000)) >= 3);
                agent.signal("TERM");
                assertThat(agent.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(agent.process().exitValue()).as(agent.logText()).isZero();

                // The last acknowledgement is recorded in Postgres just after it is sent.
                Await.until("the last acknowledgement is recorded", Duration.ofSeconds(10), () -> {
                    try {
                        return acknowledgedSequence(services) == count(services, "1");
                    } catch (Exception e) {
                        return false;
                    }
                });
                long acknowledged = acknowledgedSequence(services);
                long rows = count(services, "1");
                assertThat(acknowledged).as("results the agent made, by its sequence").isGreaterThan(OUTAGE_S * 3L);
                assertThat(rows).as("rows in ClickHouse").isEqualTo(acknowledged);
                assertThat(distinctIds(services)).as("distinct result ids").isEqualTo(acknowledged);
                for (String target : targets) {
                    List<Long> started = startTimes(services, target);
                    long covered = started.stream().filter(t -> t > downAt + 1_000 && t < upAt - 1_000).count();
                    assertThat(covered).as("checks of %s during the outage", target).isGreaterThanOrEqualTo(OUTAGE_S - 5);
                    for (int i = 1; i < started.size(); i++) {
                        assertThat(started.get(i) - started.get(i - 1)).as("gap between checks of %s", target)
                                .isLessThan(2_500);
                    }
                }
            } finally {
                plane.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);
                vertx.close().await(10, TimeUnit.SECONDS);
            }
        }
    }

    private static long count(TestServices services, String where) {
        try {
            return services.countResults("region = 'far' AND " + where);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long acknowledgedSequence(TestServices services) throws Exception {
        try (Connection pg = services.postgres(); Statement sql = pg.createStatement();
             ResultSet row = sql.executeQuery("SELECT last_batch_seq FROM agents WHERE name = 'far-1'")) {
            assertThat(row.next()).isTrue();
            return row.getLong(1);
        }
    }

    private static long distinctIds(TestServices services) throws Exception {
        return query(services, "SELECT uniqExact(result_id) AS n FROM " + services.database()
                + ".check_results WHERE region = 'far'").getFirst().path("n").asLong();
    }

    /** Start times of one target's results, in the order ClickHouse sorts them (by start). */
    private static List<Long> startTimes(TestServices services, String target) throws Exception {
        List<Long> times = new ArrayList<>();
        query(services, "SELECT started_at_ms FROM " + services.database() + ".check_results WHERE target_id = toUUID('"
                + target + "') ORDER BY started_at_ms").forEach(row -> times.add(row.path("started_at_ms").asLong()));
        return times;
    }

    private static List<JsonNode> query(TestServices services, String sql) throws Exception {
        List<JsonNode> rows = new ArrayList<>();
        try (com.clickhouse.client.api.Client client = services.clickhouse();
             com.clickhouse.client.api.query.QueryResponse response = client.query(sql + " FORMAT JSONEachRow")
                     .get(30, TimeUnit.SECONDS)) {
            var parser = Json.MAPPER.readerFor(JsonNode.class).readValues(response.getInputStream());
            while (parser.hasNext()) {
                rows.add((JsonNode) parser.next());
            }
        }
        return rows;
    }

    private static int[] freePorts(int count) throws Exception {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0);
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }
}
