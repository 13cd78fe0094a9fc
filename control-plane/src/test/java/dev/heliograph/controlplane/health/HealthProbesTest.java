package dev.heliograph.controlplane.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heliograph.controlplane.Await;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HealthProbesTest {
    private final Vertx vertx = Vertx.vertx();
    private final Components components = new Components(Clock.systemUTC());
    private HealthProbes probes;

    @BeforeEach
    void register() {
        components.register("postgres", true);
        components.register("clickhouse", false);
        probes = new HealthProbes(vertx, components, Duration.ofMillis(50), Duration.ofMillis(200));
    }

    @AfterEach
    void close() {
        probes.stop();
        vertx.close().await();
    }

    @Test
    void aProbeMarksOnlyItsOwnComponentAndFollowsItsOutcome() {
        AtomicBoolean up = new AtomicBoolean(true);
        probes.add("postgres", () -> up.get() ? Future.succeededFuture("SELECT 1 answered")
                : Future.failedFuture(new IllegalStateException("query failed", new ConnectException("Connection refused"))));
        probes.start();
        Await.until("healthy", Duration.ofSeconds(2), () -> state("postgres") == HealthState.HEALTHY);

        up.set(false);
        Await.until("unhealthy", Duration.ofSeconds(2), () -> state("postgres") == HealthState.UNHEALTHY);
        assertThat(components.get("postgres").orElseThrow().reason()).isEqualTo("query failed: Connection refused");
        assertThat(state("clickhouse")).as("not probed, not touched").isEqualTo(HealthState.UNKNOWN);

        up.set(true);
        Await.until("healthy again", Duration.ofSeconds(2), () -> state("postgres") == HealthState.HEALTHY);
    }

    @Test
    void aProbeWithoutAnswerIsUnhealthyAfterTheTimeoutAndNeverRunsTwiceAtOnce() throws Exception {
        AtomicInteger started = new AtomicInteger();
        probes.add("clickhouse", () -> {
            started.incrementAndGet();
            return Promise.<String>promise().future();
        });
        probes.start();
        Await.until("unhealthy", Duration.ofSeconds(2), () -> state("clickhouse") == HealthState.UNHEALTHY);
        assertThat(components.get("clickhouse").orElseThrow().reason()).isEqualTo("no answer within 200 ms");
        // Regression: a new probe started after every timeout, so hung probes piled up.
        Thread.sleep(600);
        assertThat(started.get()).as("ticks every 50 ms, but the hung probe never ended").isEqualTo(1);
        assertThat(state("clickhouse")).isEqualTo(HealthState.UNHEALTHY);
    }

    @Test
    void aProbeThatThrowsIsUnhealthy() {
        probes.add("postgres", () -> {
            throw new IllegalStateException("pool closed");
        });
        probes.start();
        Await.until("unhealthy", Duration.ofSeconds(2), () -> state("postgres") == HealthState.UNHEALTHY);
        assertThat(components.get("postgres").orElseThrow().reason()).isEqualTo("pool closed");
    }

    @Test
    void outcomesAfterStopAreIgnored() throws Exception {
        Promise<String> pending = Promise.promise();
        probes = new HealthProbes(vertx, components, Duration.ofSeconds(10), Duration.ofSeconds(10));
        probes.add("postgres", pending::future);
        probes.start();
        probes.stop();
        components.exited("postgres", "closed");

        pending.complete("late answer");
        Thread.sleep(100);
        assertThat(state("postgres")).isEqualTo(HealthState.EXITED);
    }

    private HealthState state(String name) {
        return components.get(name).orElseThrow().health();
    }
}
