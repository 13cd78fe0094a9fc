package dev.heliograph.controlplane.observability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heliograph.controlplane.ApiClient;
import dev.heliograph.controlplane.Await;
import dev.heliograph.controlplane.ControlPlane;
import dev.heliograph.controlplane.RecordingHttpServer;
import dev.heliograph.controlplane.TestServices;
import dev.heliograph.controlplane.config.ConfigSource;
import dev.heliograph.controlplane.config.HeliographConfig;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code GET /metrics} of a running control plane exposes every metric README documents. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsIT {
    private TestServices services;
    private Vertx vertx;
    private ControlPlane plane;
    private RecordingHttpServer target;
    private ApiClient api;
    private String scrape;

    @BeforeAll
    void start() throws Exception {
        services = new TestServices();
        Metrics metrics = new Metrics();
        vertx = metrics.vertx();
        HeliographConfig config = services.config();
        plane = ControlPlane.start(vertx, config, ConfigSource.fixed(config), Clock.systemUTC(), metrics)
                .await(60, TimeUnit.SECONDS);
        target = new RecordingHttpServer(Duration.ZERO);
        api = new ApiClient(plane.apiPort());
        String body = "{\"name\":\"m-" + UUID.randomUUID() + "\",\"kind\":\"http\",\"spec\":{\"url\":\"" + target.url("/m")
                + "\"},\"interval_s\":1,\"timeout_ms\":900}";
        assertThat(api.post("/api/v1/targets", body).status()).isEqualTo(201);
        Await.until("checks written to ClickHouse", Duration.ofSeconds(10), () -> plane.batcher().stats().written() >= 2);
        ApiClient.Answer answer = api.get("/metrics");
        assertThat(answer.status()).isEqualTo(200);
        scrape = answer.text();
    }

    @AfterAll
    void stop() throws Exception {
        plane.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
        target.close();
        services.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "heliograph_checks_total{kind=\"http\",region=\"local\",status=\"up\"}",
            "heliograph_check_duration_seconds_bucket{",
            "heliograph_check_phase_seconds_bucket{",
            "heliograph_scheduler_lag_seconds_bucket{",
            "heliograph_pool_in_flight ",
            "heliograph_pool_waiting ",
            "heliograph_pool_capacity 10000.0",
            "heliograph_pool_saturated_total ",
            "heliograph_breaker_state{state=\"closed\"}",
            "heliograph_breaker_transitions_total",
            "heliograph_bulkhead_rejections_total ",
            "heliograph_batcher_queue_depth ",
            "heliograph_batcher_flush_seconds_bucket{",
            "heliograph_results_accepted_total ",
            "heliograph_results_written_total ",
            "heliograph_results_dropped_total{reason=\"queue_full\"} 0.0",
            "heliograph_batcher_failed_writes_total ",
            "heliograph_component_health{component=\"clickhouse\",state=\"healthy\"} 1.0",
            "heliograph_component_health{component=\"scheduler\",state=\"healthy\"} 1.0",
            "vertx_http_server_requests_total",
            "jvm_memory_used_bytes"})
    void exposes(String sample) {
        assertThat(scrape).contains(sample);
    }

    @Test
    void upChecksAreCounted() {
        String line = scrape.lines().filter(l -> l.startsWith("heliograph_checks_total{kind=\"http\",region=\"local\",status=\"up\"}"))
                .findFirst().orElseThrow();
        assertThat(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).isGreaterThanOrEqualTo(2.0);
    }
}
