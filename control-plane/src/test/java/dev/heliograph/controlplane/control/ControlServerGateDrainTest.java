package dev.heliograph.controlplane.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.controlplane.ApiClient;
import dev.heliograph.controlplane.Await;
import dev.heliograph.controlplane.agents.AgentDrain;
import dev.heliograph.controlplane.agents.AgentGate;
import dev.heliograph.controlplane.agents.FakeAgentConnections;
import dev.heliograph.controlplane.api.HealthHandler;
import dev.heliograph.controlplane.config.ConfigSource;
import dev.heliograph.controlplane.config.HeliographConfig;
import dev.heliograph.controlplane.health.Components;
import dev.heliograph.probe.codec.Json;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The agent gate and drain routes of the control server over real loopback HTTP, with counted agent
 * connections instead of the agent server (Talaria's {@code /api/v2/device/gate} and
 * {@code /drain} semantics). The drain rules themselves are {@code AgentDrainTest}.
 */
class ControlServerGateDrainTest {
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    private static final String GATE = "/api/v2/agents/gate";
    private static final String DRAIN = "/api/v2/agents/drain";

    private final Vertx vertx = Vertx.vertx();
    private final Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    private final FakeAgentConnections agents = new FakeAgentConnections(5);
    private final AgentGate gate = new AgentGate(clock);
    private final AgentDrain drain = new AgentDrain(vertx, agents, clock);
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private ControlServer server;
    private ApiClient client;

    @BeforeEach
    void start() throws Exception {
        HeliographConfig config = HeliographConfig.defaults();
        Components components = new Components(clock);
        ConfigReloader reloader = new ConfigReloader(vertx, ConfigSource.fixed(config), config, components, live -> {
        });
        gate.bindTo(metrics);
        drain.bindTo(metrics);
        server = ControlServer.start(vertx, "127.0.0.1", 0, reloader, new HealthHandler(components), gate, drain)
                .await(5, TimeUnit.SECONDS);
        client = new ApiClient(server.port());
    }

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    private ApiClient.Answer send(String method, String path) {
        return client.send(HttpRequest.newBuilder(URI.create(client.base() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()));
    }

    private static JsonNode json(String text) throws Exception {
        return Json.MAPPER.readTree(text);
    }

    private double meter(String name) {
        return metrics.scrape().lines().filter(line -> line.startsWith(name + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(name.length() + 1)))
                .findFirst().orElseThrow(() -> new AssertionError(name + " not in scrape:\n" + metrics.scrape()));
    }

    @Test
    void gateIsOpenFromTheStart() throws Exception {
        ApiClient.Answer answer = client.get(GATE);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json()).isEqualTo(json("{\"open\": true, \"timestamp\": \"2025-03-01T10:00:00Z\"}"));
        assertThat(meter("heliograph_agent_gate_status")).isEqualTo(1.0);
    }

    @Test
    void gateAnswers201WhenItChangesAnd200WhenItAlreadyIsSo() throws Exception {
        ApiClient.Answer closed = send("POST", GATE + "?open=false");
        ApiClient.Answer again = send("PUT", GATE + "?open=0");

        assertThat(closed.status()).as(closed.text()).isEqualTo(201);
        assertThat(closed.json()).isEqualTo(json("{\"open\": false, \"timestamp\": \"2025-03-01T10:00:00Z\"}"));
        assertThat(again.status()).as(again.text()).isEqualTo(200);
        assertThat(again.json().path("open").asBoolean()).isFalse();
        assertThat(gate.isOpen()).isFalse();
        assertThat(client.get(GATE).json().path("open").asBoolean()).isFalse();
        assertThat(meter("heliograph_agent_gate_status")).isEqualTo(0.0);

        assertThat(send("PATCH", GATE + "?open=true").status()).isEqualTo(201);
        assertThat(gate.isOpen()).isTrue();
        assertThat(meter("heliograph_agent_gate_status")).isEqualTo(1.0);
    }

    @ParameterizedTest(name = "gate{0} is 400")
    @ValueSource(strings = {"", "?open=", "?open=maybe", "?open=yes", "?closed=true"})
    void gateRejectsAMissingOrInvalidOpen(String query) {
        ApiClient.Answer answer = send("POST", GATE + query);

        assertThat(answer.status()).as(answer.text()).isEqualTo(400);
        assertThat(answer.json().path("error").path("code").asText()).isEqualTo("INVALID_PARAMETER");
        assertThat(answer.json().path("error").path("details").path("field").asText()).isEqualTo("open");
        assertThat(answer.json().path("error").path("request_id").asText()).isNotEmpty();
        assertThat(gate.isOpen()).isTrue();
    }

    @Test
    void drainIsEmptyBeforeTheFirstJob() throws Exception {
        ApiClient.Answer answer = client.get(DRAIN);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json()).isEqualTo(json("{\"active\": false, \"job\": null, \"progress\": null}"));
    }

    @Test
    void drainStartsWith202RefusesASecondWith429AndCancelsWith200() throws Exception {
        ApiClient.Answer started = send("POST", DRAIN + "?count=2&rate=1&tick=1h");
        ApiClient.Answer second = send("PUT", DRAIN);

        assertThat(started.status()).as(started.text()).isEqualTo(202);
        assertThat(started.json()).isEqualTo(json("""
                {"active": true, "job": {"count": 2, "percent": null, "rate": 1, "tick": "1h"},
                 "progress": {"visited": 0, "drained": 0, "started": "2025-03-01T10:00:00Z", "finished": null}}"""));
        assertThat(meter("heliograph_agent_drain_status")).isEqualTo(1.0);
        assertThat(second.status()).as(second.text()).isEqualTo(429);
        assertThat(second.json().path("error").path("code").asText()).isEqualTo("DRAIN_ACTIVE");
        assertThat(client.get(DRAIN).json()).isEqualTo(started.json());

        ApiClient.Answer cancelled = client.delete(DRAIN);
        assertThat(cancelled.status()).as(cancelled.text()).isEqualTo(200);
        assertThat(cancelled.json().path("active").asBoolean()).isFalse();
        assertThat(cancelled.json().path("progress").path("finished").asText()).isEqualTo("2025-03-01T10:00:00Z");
        assertThat(meter("heliograph_agent_drain_status")).isEqualTo(0.0);
    }

    @Test
    void deleteWithoutARunningDrainIs429() {
        ApiClient.Answer answer = client.delete(DRAIN);

        assertThat(answer.status()).as(answer.text()).isEqualTo(429);
        assertThat(answer.json().path("error").path("code").asText()).isEqualTo("NO_ACTIVE_DRAIN");
    }

    @Test
    void drainWithoutParametersDisconnectsEveryAgentAndCountsThem() throws Exception {
        ApiClient.Answer started = send("PATCH", DRAIN);
        assertThat(started.status()).as(started.text()).isEqualTo(202);
        assertThat(started.json().path("job")).isEqualTo(json("{\"count\": 5, \"percent\": null, \"rate\": null, \"tick\": null}"));

        Await.until("the drain to finish", Duration.ofSeconds(5), () -> !client.get(DRAIN).json().path("active").asBoolean());

        assertThat(client.get(DRAIN).json().path("progress").path("drained").asLong()).isEqualTo(5);
        assertThat(agents.connected()).isZero();
        assertThat(meter("heliograph_agent_drain_count_total")).isEqualTo(5.0);
        assertThat(meter("heliograph_agent_drain_status")).isEqualTo(0.0);
    }

    @Test
    void percentWinsOverCount() {
        ApiClient.Answer started = send("POST", DRAIN + "?count=1&percent=50&rate=1&tick=1h");

        assertThat(started.status()).as(started.text()).isEqualTo(202);
        assertThat(started.json().path("job").path("count").asInt()).as("ceil(5 * 50 / 100)").isEqualTo(3);
        assertThat(started.json().path("job").path("percent").asInt()).isEqualTo(50);
    }

    @ParameterizedTest(name = "drain?{0} is 400 on {1}")
    @CsvSource({"count=-1, count", "count=abc, count", "count=1.5, count", "count=99999999999, count",
            "percent=0, percent", "percent=101, percent", "percent=x, percent", "rate=0, rate", "rate=-2, rate",
            "tick=0s, tick", "tick=-1s, tick", "tick=soon, tick", "tick=10, tick", "rate=1&tick=500us, tick"})
    void drainRejectsBadParameters(String query, String field) {
        ApiClient.Answer answer = send("POST", DRAIN + "?" + query);

        assertThat(answer.status()).as(answer.text()).isEqualTo(400);
        assertThat(answer.json().path("error").path("code").asText()).isEqualTo("INVALID_PARAMETER");
        assertThat(answer.json().path("error").path("details").path("field").asText()).isEqualTo(field);
        assertThat(drain.isActive()).isFalse();
    }
}
