package dev.heliograph.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Real agent processes (the built JAR, separate JVMs) against a real control plane, Postgres and
 * ClickHouse: regions, sharing a region by rendezvous hashing, failover of a killed agent's targets
 * within the reporting threshold, on-demand checks, and revocation.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentRegionsIT {
    private static final int THRESHOLD_S = 3;
    private static final int AUTO_DELETE_S = 8;
    private TestServices services;
    private Vertx vertx;
    private ControlPlane plane;
    private ApiClient api;
    private RecordingHttpServer target;
    private Path dataRoot;
    private final List<AgentProcess> agents = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        services = new TestServices();
        vertx = Vertx.vertx();
        plane = ControlPlane.start(vertx, services.config("agents.heartbeat_interval_s=1",
                "agents.threshold_multiplier=" + THRESHOLD_S, "agents.poll_hold_s=5", "agents.on_demand_timeout_s=3",
                "agents.evaluate_interval_s=1", "agents.auto_delete_after_s=" + AUTO_DELETE_S), Clock.systemUTC())
                .await(60, TimeUnit.SECONDS);
        api = new ApiClient(plane.apiPort());
        target = new RecordingHttpServer(Duration.ZERO);
        dataRoot = Files.createTempDirectory("heliograph-agents-");
    }

    @AfterAll
    void stop() throws Exception {
        for (AgentProcess agent : agents) {
            agent.close();
        }
        target.close();
        plane.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
        services.close();
    }

    private void region(String name) {
        assertThat(api.post("/api/v1/regions", "{\"name\":\"" + name + "\"}").status()).isEqualTo(201);
    }

    private String token(String region) {
        return api.post("/api/v1/regions/" + region + "/registration-tokens", "{}").json().path("token").asText();
    }

    private String createTarget(String name, String path, String... regions) {
        ApiClient.Answer created = api.post("/api/v1/targets", "{\"name\":\"" + name + "\",\"kind\":\"http\",\"spec\":{\"url\":\""
                + target.url(path) + "\"},\"interval_s\":1,\"timeout_ms\":500,\"regions\":[\"" + String.join("\",\"", regions) + "\"]}");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.json().path("id").asText();
    }

    private AgentProcess agent(String name, String token) throws Exception {
        String region = name.substring(0, name.lastIndexOf('-')); // agents here are named <region>-<n>
        AgentProcess agent = AgentProcess.start(dataRoot.resolve(name), plane.agentPort(), region, token, plane.caFingerprint(), name);
        agents.add(agent);
        return agent;
    }

    /** The agent named {@code name} as the API lists it, once it has registered. */
    private JsonNode listed(String name) {
        JsonNode[] found = new JsonNode[1];
        Await.until("agent " + name + " is listed", Duration.ofSeconds(60), () -> {
            for (JsonNode agent : api.get("/api/v1/agents?limit=500").json().path("items")) {
                if (agent.path("name").asText().equals(name)) {
                    found[0] = agent;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    private Map<String, JsonNode> inRegion(String region) {
        Map<String, JsonNode> byName = new HashMap<>();
        api.get("/api/v1/agents?limit=500&region=" + region).json().path("items")
                .forEach(agent -> byName.put(agent.path("name").asText(), agent));
        return byName;
    }

    private long results(String where) {
        try {
            return services.countResults(where);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aTargetOfTwoRegionsIsCheckedFromBothWithTheRightRegionAndAgent() throws Exception {
        region("eu");
        region("us");
        String both = createTarget("both", "/both", "eu", "us");
        String euOnly = createTarget("eu-only", "/eu", "eu");
        String euToken = token("eu");
        AgentProcess eu = agent("eu-1", euToken);
        AgentProcess us = agent("us-1", token("us"));
        String euId = listed("eu-1").path("id").asText();
        String usId = listed("us-1").path("id").asText();

        Await.until("results from both regions", Duration.ofSeconds(60), () ->
                results("target_id = toUUID('" + both + "') AND region = 'eu' AND agent_id = '" + euId + "'") >= 3
                        && results("target_id = toUUID('" + both + "') AND region = 'us' AND agent_id = '" + usId + "'") >= 3);
        assertThat(results("target_id = toUUID('" + both + "') AND NOT ((region = 'eu' AND agent_id = '" + euId
                + "') OR (region = 'us' AND agent_id = '" + usId + "'))")).isZero();
        assertThat(results("target_id = toUUID('" + euOnly + "') AND region != 'eu'")).isZero();
        assertThat(results("target_id = toUUID('" + both + "') AND status != 'up'")).isZero();

        ApiClient.Answer now = api.post("/api/v1/targets/" + both + "/check-now", "{}");
        assertThat(now.status()).as(now.text()).isEqualTo(200);
        Map<String, String> agentByRegion = new HashMap<>();
        now.json().path("results").forEach(r -> agentByRegion.put(r.path("region").asText(), r.path("agent_id").asText()));
        assertThat(agentByRegion).containsExactlyInAnyOrderEntriesOf(Map.of("eu", euId, "us", usId));
        now.json().path("results").forEach(r -> assertThat(r.path("status").asText()).isEqualTo("up"));

        ApiClient.Answer test = api.post("/api/v1/targets/test?region=us", "{\"name\":\"probe\",\"kind\":\"http\",\"spec\":{\"url\":\""
                + target.url("/adhoc") + "\"},\"regions\":[\"us\"]}");
        assertThat(test.status()).as(test.text()).isEqualTo(200);
        assertThat(test.json().path("results").get(0).path("agent_id").asText()).isEqualTo(usId);
        assertThat(target.hits("/adhoc")).isEqualTo(1);

        // A used token registers nobody: the second agent stops with one clear line and exit code 1.
        AgentProcess reused = agent("eu-2", euToken);
        assertThat(reused.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(reused.process().exitValue()).isEqualTo(1);
        assertThat(reused.logText()).containsIgnoringCase("token").doesNotContain(euToken);

        // An agent that does not answer a job: 504; the one held poll still counts it as live.
        eu.signal("STOP");
        try {
            Thread.sleep(300);
            ApiClient.Answer silent = api.post("/api/v1/targets/" + euOnly + "/check-now", "{}");
            assertThat(silent.status()).as(silent.text()).isEqualTo(504);
            assertThat(silent.json().path("error").path("code").asText()).isEqualTo("PROBE_TIMEOUT");
        } finally {
            eu.signal("CONT");
        }

        // Revoking the us agent stops it at its next request.
        assertThat(api.delete("/api/v1/agents/" + usId).status()).isEqualTo(204);
        assertThat(us.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(us.process().exitValue()).isEqualTo(1);
        assertThat(us.logText()).containsIgnoringCase("revoked");
        ApiClient.Answer none = api.post("/api/v1/targets/" + both + "/check-now?region=us", "{}");
        assertThat(none.status()).isEqualTo(503);
        assertThat(none.json().path("error").path("code").asText()).isEqualTo("PROBE_UNAVAILABLE");
    }

    @Test
    void threeAgentsShareARegionAndAKilledOnesTargetsMoveWithinTheThreshold() throws Exception {
        region("trio");
        List<String> targets = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            targets.add(createTarget("trio-" + i, "/trio/" + i, "trio"));
        }
        String token = token("trio");
        List<AgentProcess> trio = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            trio.add(agent("trio-" + i, i == 1 ? token : token("trio")));
        }
        Await.until("three live agents share the twelve targets", Duration.ofSeconds(60), () -> {
            Map<String, JsonNode> listed = inRegion("trio");
            return listed.size() == 3 && listed.values().stream().allMatch(a -> a.path("status").asText().equals("ok")
                    && a.path("assigned_targets").asInt() > 0)
                    && listed.values().stream().mapToInt(a -> a.path("assigned_targets").asInt()).sum() == 12;
        });
        Thread.sleep(2_500); // let the agents' previous (smaller) assignments run out
        long since = System.currentTimeMillis();
        Await.until("every target checked since the assignment settled", Duration.ofSeconds(20), () ->
                targets.stream().allMatch(id -> results("target_id = toUUID('" + id + "') AND started_at_ms >= " + since) >= 2));
        for (String id : targets) {
            assertThat(distinctAgents(id, since)).as("agents checking %s", id).isEqualTo(1);
        }

        String victim = inRegion("trio").get("trio-2").path("id").asText();
        long killedAt = System.nanoTime();
        trio.get(1).process().destroyForcibly();
        Await.until("the killed agent's targets moved", Duration.ofSeconds(THRESHOLD_S + 10), () -> {
            Map<String, JsonNode> listed = inRegion("trio");
            return listed.get("trio-2").path("status").asText().equals("not_reporting")
                    && listed.get("trio-1").path("assigned_targets").asInt() + listed.get("trio-3").path("assigned_targets").asInt() == 12;
        });
        Duration moved = Duration.ofNanos(System.nanoTime() - killedAt);
        assertThat(moved).as("time from kill to reassignment").isLessThanOrEqualTo(Duration.ofMillis(THRESHOLD_S * 1000L + 1_500));
        assertThat(inRegion("trio").get("trio-2").path("assigned_targets").asInt()).isZero();

        Thread.sleep(1_500); // checks the victim's last assignment made before it died may still arrive
        long after = System.currentTimeMillis();
        Await.until("every target checked after the move", Duration.ofSeconds(20), () ->
                targets.stream().allMatch(id -> results("target_id = toUUID('" + id + "') AND started_at_ms >= " + after) >= 1));
        assertThat(results("region = 'trio' AND started_at_ms >= " + after + " AND agent_id = '" + victim + "'")).isZero();
        // Silent for agents.auto_delete_after_s: deleted.
        Await.until("the killed agent is auto-deleted", Duration.ofSeconds(AUTO_DELETE_S + 10),
                () -> !inRegion("trio").containsKey("trio-2"));
        // Its silence began at its last request, at most one poll hold (2 s here) before the kill.
        assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isGreaterThanOrEqualTo(Duration.ofSeconds(AUTO_DELETE_S - 2));
        String metrics = api.get("/metrics").text();
        assertThat(metrics).containsPattern("heliograph_agent_status_changes_total [1-9]")
                .containsPattern("heliograph_agents_auto_deleted_total [1-9]");
    }

    @Test
    void secretsReachTheTargetThroughAnAgentAndNowhereElse() throws Exception {
        region("sec");
        List<String> planted = List.of("planted-token-7f3a", "planted-api-key-91c2", "planted-body-c0de");
        ApiClient.Answer created = api.post("/api/v1/targets", "{\"name\":\"secret-target\",\"kind\":\"http\",\"spec\":{"
                + "\"url\":\"" + target.url("/sec") + "\",\"method\":\"POST\",\"headers\":{\"Authorization\":\"Bearer "
                + planted.get(0) + "\",\"X-Api-Key\":{\"value\":\"" + planted.get(1) + "\",\"secret\":true}},"
                + "\"body\":{\"value\":\"" + planted.get(2) + "\",\"secret\":true}},"
                + "\"interval_s\":1,\"timeout_ms\":500,\"regions\":[\"sec\"]}");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String id = created.json().path("id").asText();
        AgentProcess agent = agent("sec-1", token("sec"));
        Await.until("the agent checks the secret target", Duration.ofSeconds(60),
                () -> results("target_id = toUUID('" + id + "') AND status = 'up'") >= 3);

        RecordingHttpServer.Received received = target.last("/sec");
        Map<String, String> headers = new HashMap<>();
        received.headers().forEach((name, value) -> headers.put(name.toLowerCase(java.util.Locale.ROOT), value));
        assertThat(headers).containsEntry("authorization", "Bearer " + planted.get(0)).containsEntry("x-api-key", planted.get(1));
        assertThat(received.body()).isEqualTo(planted.get(2));

        List<String> answers = List.of(api.get("/api/v1/targets/" + id).text(), api.get("/api/v1/targets?limit=500").text(),
                api.get("/api/v1/targets/" + id + "/results?limit=50").text(),
                api.post("/api/v1/targets/" + id + "/check-now", "{}").text(), api.get("/api/v1/agents").text());
        Thread.sleep(1_500); // the agent's last uploads
        agent.signal("TERM");
        assertThat(agent.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        List<String> onDisk = new ArrayList<>();
        try (var files = Files.walk(agent.dataDir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                onDisk.add(Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1));
            }
        }
        for (String secret : planted) {
            for (String answer : answers) {
                assertThat(answer).doesNotContain(secret);
            }
            assertThat(agent.logText()).doesNotContain(secret);
            assertThat(onDisk).as("files in the agent's data directory").allSatisfy(text -> assertThat(text).doesNotContain(secret));
            assertThat(results("position(error, '" + secret + "') > 0")).isZero();
        }
        try (java.sql.Connection pg = services.postgres(); java.sql.Statement sql = pg.createStatement();
             java.sql.ResultSet row = sql.executeQuery("SELECT spec::text FROM targets WHERE id = '" + id + "'")) {
            assertThat(row.next()).isTrue();
            for (String secret : planted) {
                assertThat(row.getString(1)).doesNotContain(secret);
            }
        }
    }

    private long distinctAgents(String target, long since) throws Exception {
        String sql = "SELECT uniqExact(agent_id) AS n FROM " + services.database() + ".check_results WHERE target_id = toUUID('"
                + target + "') AND started_at_ms >= " + since + " FORMAT JSONEachRow";
        try (com.clickhouse.client.api.Client client = services.clickhouse();
             com.clickhouse.client.api.query.QueryResponse response = client.query(sql).get(30, TimeUnit.SECONDS)) {
            return dev.heliograph.probe.codec.Json.MAPPER.readTree(response.getInputStream()).path("n").asLong();
        }
    }
}
