package dev.heliograph.controlplane.agents;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.controlplane.ApiClient;
import dev.heliograph.controlplane.Await;
import dev.heliograph.controlplane.ControlPlane;
import dev.heliograph.controlplane.TestServices;
import dev.heliograph.probe.agent.protocol.AgentProtocol;
import dev.heliograph.probe.codec.Json;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpRequest;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The agent protocol against a real control plane, Postgres and ClickHouse, driven by hand-signed
 * requests (real agent processes are exercised by {@code AgentRegionsIT} and {@code AgentOutageIT}): regions, tokens,
 * signatures, long-poll, result batches, on-demand jobs, gate and drain.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentProtocolIT {
    private TestServices services;
    private Vertx vertx;
    private ControlPlane plane;
    private ApiClient api;
    private ApiClient agents;
    private ApiClient control;

    @BeforeAll
    void start() throws Exception {
        services = new TestServices();
        vertx = Vertx.vertx();
        plane = ControlPlane.start(vertx, services.config("agents.poll_hold_s=3", "agents.on_demand_timeout_s=2",
                "agents.retry_after_s=7"), Clock.systemUTC()).await(60, TimeUnit.SECONDS);
        api = new ApiClient(plane.apiPort());
        agents = new ApiClient("https://127.0.0.1:" + plane.agentPort(), ApiClient.trusting(services.tlsDir().resolve("ca.pem")));
        control = new ApiClient(plane.controlPort());
    }

    @AfterAll
    void stop() throws Exception {
        plane.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
        services.close();
    }

    private void region(String name) {
        ApiClient.Answer created = api.post("/api/v1/regions", "{\"name\":\"" + name + "\"}");
        assertThat(created.status()).as(created.text()).isIn(201, 409);
    }

    private String token(String region) {
        ApiClient.Answer answer = api.post("/api/v1/regions/" + region + "/registration-tokens", "{\"description\":\"it\"}");
        assertThat(answer.status()).as(answer.text()).isEqualTo(201);
        return answer.json().path("token").asText();
    }

    private String target(String name, String region) {
        ApiClient.Answer answer = api.post("/api/v1/targets", "{\"name\":\"" + name
                + "\",\"kind\":\"tcp\",\"spec\":{\"host\":\"127.0.0.1\",\"port\":9},\"interval_s\":60,\"regions\":[\""
                + region + "\"]}");
        assertThat(answer.status()).as(answer.text()).isEqualTo(201);
        return answer.json().path("id").asText();
    }

    private static List<String> targetIds(ApiClient.Answer work) {
        List<String> ids = new ArrayList<>();
        work.json().path("targets").forEach(t -> ids.add(t.path("id").asText()));
        return ids;
    }

    @Test
    void regionsAreListedValidatedAndGuarded() {
        region("ap-south");
        ApiClient.Answer list = api.get("/api/v1/regions");
        assertThat(list.status()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        list.json().path("items").forEach(r -> names.add(r.path("name").asText() + ":" + r.path("local").asBoolean()));
        assertThat(names).contains("local:true", "ap-south:false");

        ApiClient.Answer unknown = api.post("/api/v1/targets", "{\"name\":\"nowhere\",\"kind\":\"tcp\",\"spec\":{\"host\":"
                + "\"127.0.0.1\",\"port\":9},\"regions\":[\"no-such-region\"]}");
        assertThat(unknown.status()).isEqualTo(422);
        assertThat(unknown.json().path("error").path("details").path("fields").get(0).path("code").asText())
                .isEqualTo("UNKNOWN_REGION");

        target("uses-ap-south", "ap-south");
        assertThat(api.delete("/api/v1/regions/ap-south").json().path("error").path("code").asText()).isEqualTo("REGION_IN_USE");
        assertThat(api.delete("/api/v1/regions/local").status()).isEqualTo(409);
        assertThat(api.post("/api/v1/regions", "{\"name\":\"ap-south\"}").status()).isEqualTo(409);
        assertThat(api.post("/api/v1/regions", "{\"name\":\"Bad Name\"}").status()).isEqualTo(422);
        region("empty-one");
        assertThat(api.delete("/api/v1/regions/empty-one").status()).isEqualTo(204);
        assertThat(api.get("/api/v1/regions/empty-one").status()).isEqualTo(404);
    }

    @Test
    void tokenWorksOnceCanBeRevokedAndExpires() throws Exception {
        region("tok-region");
        String token = token("tok-region");
        assertThat(token).startsWith(AgentProtocol.TOKEN_PREFIX);
        TestAgent agent = TestAgent.register(agents, token, "tok-agent");
        assertThat(agent.region).isEqualTo("tok-region");
        assertThat(agent.key).startsWith(AgentProtocol.KEY_PREFIX);

        ApiClient.Answer again = agents.post(AgentProtocol.REGISTER, "{\"token\":\"" + token + "\",\"name\":\"x\"}");
        assertThat(again.status()).isEqualTo(401);
        assertThat(again.json().path("error").path("code").asText()).isEqualTo("TOKEN_INVALID");

        String revoked = token("tok-region");
        ApiClient.Answer listed = api.get("/api/v1/regions/tok-region/registration-tokens");
        assertThat(listed.text()).doesNotContain(token).doesNotContain(revoked);
        String revokedId = null;
        for (JsonNode item : listed.json().path("items")) {
            if (item.path("state").asText().equals("active")) {
                revokedId = item.path("id").asText();
            } else {
                assertThat(item.path("state").asText()).isEqualTo("used");
                assertThat(item.path("used_by").asText()).isEqualTo(agent.id);
            }
        }
        assertThat(api.delete("/api/v1/regions/tok-region/registration-tokens/" + revokedId).status()).isEqualTo(204);
        assertThat(agents.post(AgentProtocol.REGISTER, "{\"token\":\"" + revoked + "\",\"name\":\"x\"}").status()).isEqualTo(401);

        ApiClient.Answer expiringToken = api.post("/api/v1/regions/tok-region/registration-tokens", "{}");
        String expiring = expiringToken.json().path("token").asText();
        try (Connection pg = services.postgres(); Statement sql = pg.createStatement()) {
            sql.execute("UPDATE registration_tokens SET expires_at = now() - interval '1 second' WHERE id = '"
                    + expiringToken.json().path("id").asText() + "'");
        }
        assertThat(agents.post(AgentProtocol.REGISTER, "{\"token\":\"" + expiring + "\",\"name\":\"x\"}").status()).isEqualTo(401);
        assertThat(agents.post(AgentProtocol.REGISTER, "{\"token\":\"hg_reg_forged\",\"name\":\"x\"}").status()).isEqualTo(401);
        assertThat(api.post("/api/v1/regions/local/registration-tokens", "{}").status()).isEqualTo(409);
        ApiClient.Answer bodiless = api.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(api.base() + "/api/v1/regions/tok-region/registration-tokens"))
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()));
        assertThat(bodiless.status()).as("the body is optional: " + bodiless.text()).isEqualTo(201);
    }

    @Test
    void tamperedOutOfWindowAndRevokedRequestsAre401() {
        region("sig-region");
        TestAgent agent = TestAgent.register(agents, token("sig-region"), "sig-agent");
        assertThat(agent.poll(0).status()).isEqualTo(200);

        HttpRequest.Builder tampered = agent.signed("POST", AgentProtocol.RESULTS, "{\"first_seq\":1}");
        ApiClient.Answer badBody = agents.send(tampered.method("POST", HttpRequest.BodyPublishers.ofString("{\"first_seq\":2}")));
        assertThat(badBody.status()).isEqualTo(401);
        assertThat(badBody.json().path("error").path("code").asText()).isEqualTo("SIGNATURE_INVALID");

        ApiClient.Answer unsigned = agents.send(HttpRequest.newBuilder(URI.create(agents.base() + AgentProtocol.WORK)).GET());
        assertThat(unsigned.status()).isEqualTo(401);

        agent.clockOffsetS = -301;
        ApiClient.Answer stale = agent.poll(0);
        assertThat(stale.status()).isEqualTo(401);
        assertThat(stale.json().path("error").path("code").asText()).isEqualTo("TIMESTAMP_OUT_OF_WINDOW");
        agent.clockOffsetS = 0;

        assertThat(api.delete("/api/v1/agents/" + agent.id).status()).isEqualTo(204);
        ApiClient.Answer revoked = agent.poll(0);
        assertThat(revoked.status()).isEqualTo(401);
        assertThat(revoked.text()).doesNotContain(agent.key);
        assertThat(api.get("/api/v1/agents/" + agent.id).status()).isEqualTo(404);
    }

    @Test
    void heldPollAnswersWithTheNewAssignmentAndTimesOutWith204() throws Exception {
        region("poll-region");
        String first = target("poll-first", "poll-region");
        TestAgent agent = TestAgent.register(agents, token("poll-region"), "poll-agent");
        ApiClient.Answer work = agent.poll(0);
        assertThat(work.status()).as(work.text()).isEqualTo(200);
        assertThat(work.json().path("type").asText()).isEqualTo("assignment");
        assertThat(targetIds(work)).containsExactly(first);
        long version = work.json().path("version").asLong();

        long started = System.nanoTime();
        assertThat(agent.poll(version).status()).isEqualTo(204);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(2_500));

        CompletableFuture<ApiClient.Answer> held = agent.pollAsync(version);
        Thread.sleep(300);
        String second = target("poll-second", "poll-region");
        ApiClient.Answer changed = held.get(3, TimeUnit.SECONDS);
        assertThat(changed.status()).isEqualTo(200);
        assertThat(targetIds(changed)).containsExactlyInAnyOrder(first, second);
        assertThat(changed.json().path("version").asLong()).isGreaterThan(version);

        JsonNode listed = api.get("/api/v1/agents?region=poll-region").json().path("items").get(0);
        assertThat(listed.path("status").asText()).isEqualTo("ok");
        assertThat(listed.path("assigned_targets").asInt()).isEqualTo(2);
        assertThat(listed.path("name").asText()).isEqualTo("poll-agent");
    }

    @Test
    void resultBatchesAreStoredOnceAndRetriesAreIgnored() throws Exception {
        region("res-region");
        String target = target("res-target", "res-region");
        TestAgent agent = TestAgent.register(agents, token("res-region"), "res-agent");
        String org = "00000000-0000-0000-0000-000000000001";
        String batch = agent.batch(1, 3, 1, target, org);
        ApiClient.Answer ack = agent.results(batch);
        assertThat(ack.status()).as(ack.text()).isEqualTo(200);
        assertThat(ack.json().path("acked_seq").asLong()).isEqualTo(3);
        assertThat(ack.json().path("stored").asInt()).isEqualTo(3);

        ApiClient.Answer retried = agent.results(batch.replace("\"attempt\":1", "\"attempt\":2"));
        assertThat(retried.json().path("stored").asInt()).isZero();
        assertThat(retried.json().path("duplicates").asInt()).isEqualTo(3);

        ApiClient.Answer unknownTarget = agent.results(agent.batch(4, 1, 1, "0190a0a0-0000-7000-8000-000000000000", org));
        assertThat(unknownTarget.json().path("rejected").asInt()).isEqualTo(1);
        assertThat(unknownTarget.json().path("acked_seq").asLong()).isEqualTo(4);

        ApiClient.Answer gap = agent.results(agent.batch(5, 2, 1, target, org).replace("\"last_seq\":6", "\"last_seq\":9"));
        assertThat(gap.status()).isEqualTo(400);

        // A resend under new sequence numbers (as after an agent restart): ClickHouse already holds the ids.
        List<String> ids = List.of(UUID.randomUUID().toString(), UUID.randomUUID().toString());
        String original = agent.batch(5, ids, 1, target, org);
        assertThat(agent.results(original).json().path("stored").asInt()).isEqualTo(2);
        String renumbered = original.replace("\"seq\":5", "\"seq\":7").replace("\"seq\":6", "\"seq\":8")
                .replace("\"first_seq\":5", "\"first_seq\":7").replace("\"last_seq\":6", "\"last_seq\":8")
                .replace("\"attempt\":1", "\"attempt\":2");
        ApiClient.Answer replay = agent.results(renumbered);
        assertThat(replay.json().path("stored").asInt()).as(replay.text()).isZero();
        assertThat(replay.json().path("duplicates").asInt()).isEqualTo(2);
        assertThat(replay.json().path("acked_seq").asLong()).isEqualTo(8);

        // Results of a target of another region, and a malformed one, are refused one by one.
        region("res-other");
        String elsewhere = target("res-elsewhere", "res-other");
        ApiClient.Answer foreign = agent.results(agent.batch(9, 1, 1, elsewhere, org));
        assertThat(foreign.json().path("rejected").asInt()).isEqualTo(1);
        ApiClient.Answer malformed = agent.results(agent.batch(10, 2, 1, target, org).replaceFirst("\"status\":\"up\"",
                "\"status\":\"sideways\""));
        assertThat(malformed.status()).isEqualTo(200);
        assertThat(malformed.json().path("rejected").asInt()).isEqualTo(1);
        assertThat(malformed.json().path("stored").asInt()).isEqualTo(1);

        // A paused target's late results are still its history.
        ApiClient.Answer paused = api.put("/api/v1/targets/" + target, "{\"name\":\"res-target\",\"kind\":\"tcp\",\"spec\":"
                + "{\"host\":\"127.0.0.1\",\"port\":9},\"interval_s\":60,\"regions\":[\"res-region\"],\"enabled\":false}");
        assertThat(paused.status()).isEqualTo(200);
        Thread.sleep(300);
        assertThat(agent.results(agent.batch(12, 1, 1, target, org)).json().path("stored").asInt()).isEqualTo(1);

        assertThat(services.countResults("target_id = toUUID('" + target + "') AND region = 'res-region' AND agent_id = '"
                + agent.id + "'")).isEqualTo(3 + 2 + 1 + 1);
        assertThat(services.countResults("target_id = toUUID('" + elsewhere + "')")).isZero();
    }

    @Test
    void onDemandChecksGoToAnAgentAnd503Or504OtherwiseAndLocalRunsInProcess() throws Exception {
        region("od-region");
        String target = target("od-target", "od-region");
        ApiClient.Answer none = api.post("/api/v1/targets/" + target + "/check-now", "{}");
        assertThat(none.status()).isEqualTo(503);
        assertThat(none.json().path("error").path("code").asText()).isEqualTo("PROBE_UNAVAILABLE");

        TestAgent agent = TestAgent.register(agents, token("od-region"), "od-agent");
        long version = agent.poll(0).json().path("version").asLong();
        CompletableFuture<ApiClient.Answer> held = agent.pollAsync(version);
        Thread.sleep(200);
        ApiClient.Answer timedOut = api.post("/api/v1/targets/" + target + "/check-now", "{}");
        assertThat(timedOut.status()).isEqualTo(504);
        assertThat(timedOut.json().path("error").path("code").asText()).isEqualTo("PROBE_TIMEOUT");
        ApiClient.Answer job = held.get(5, TimeUnit.SECONDS);
        assertThat(job.json().path("type").asText()).isEqualTo("job");
        assertThat(job.json().path("job").path("target").path("id").asText()).isEqualTo(target);
        String jobId = job.json().path("job").path("job_id").asText();
        String late = "{\"result\":" + Json.MAPPER.readTree(agent.batch(1, 1, 1, target, "00000000-0000-0000-0000-000000000001"))
                .path("results").get(0) + "}";
        assertThat(agents.send(agent.signed("POST", AgentProtocol.jobResultPath(jobId), late)).status()).isEqualTo(404);

        ApiClient.Answer local = api.post("/api/v1/targets/test", "{\"name\":\"probe\",\"kind\":\"tcp\",\"spec\":"
                + "{\"host\":\"127.0.0.1\",\"port\":" + plane.apiPort() + "}}");
        assertThat(local.status()).as(local.text()).isEqualTo(200);
        JsonNode result = local.json().path("results").get(0);
        assertThat(result.path("status").asText()).isEqualTo("up");
        assertThat(result.path("region").asText()).isEqualTo("local");
    }

    @Test
    void closedGateRefusesRegistrationsAndPollsWith503AndDrainClosesHeldPolls() throws Exception {
        region("gate-region");
        TestAgent agent = TestAgent.register(agents, token("gate-region"), "gate-agent");
        long version = agent.poll(0).json().path("version").asLong();
        String token = token("gate-region");

        assertThat(control.send(HttpRequest.newBuilder(URI.create(control.base() + "/api/v2/agents/gate?open=false"))
                .POST(HttpRequest.BodyPublishers.noBody())).status()).isEqualTo(201);
        try {
            ApiClient.Answer register = agents.post(AgentProtocol.REGISTER, "{\"token\":\"" + token + "\",\"name\":\"late\"}");
            assertThat(register.status()).isEqualTo(503);
            assertThat(register.json().path("error").path("code").asText()).isEqualTo("GATE_CLOSED");
            assertThat(register.json().path("error").path("details").path("retry_after_s").asInt()).isEqualTo(7);
            assertThat(agent.poll(version).status()).isEqualTo(503);
        } finally {
            control.send(HttpRequest.newBuilder(URI.create(control.base() + "/api/v2/agents/gate?open=true"))
                    .POST(HttpRequest.BodyPublishers.noBody()));
        }
        assertThat(TestAgent.register(agents, token, "late").region).isEqualTo("gate-region");

        CompletableFuture<ApiClient.Answer> held = agent.pollAsync(version);
        Await.until("poll held", Duration.ofSeconds(2), () -> plane.agentHub().connected() >= 1);
        ApiClient.Answer drain = control.send(HttpRequest.newBuilder(URI.create(control.base() + "/api/v2/agents/drain"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(drain.status()).as(drain.text()).isEqualTo(202);
        ApiClient.Answer drained = held.get(3, TimeUnit.SECONDS);
        assertThat(drained.status()).isEqualTo(503);
        assertThat(drained.json().path("error").path("code").asText()).isEqualTo("DRAINED");
        String metrics = api.get("/metrics").text();
        assertThat(metrics).contains("heliograph_agent_gate_status 1.0").containsPattern("heliograph_agent_drain_count_total [1-9]");
    }
}
