package dev.heliograph.controlplane.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heliograph.controlplane.Await;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Drain jobs against a counting {@link AgentConnections}, on a real Vert.x with short ticks; the
 * assertions wait for final states, never for exact timings. The HTTP mapping (202, 400, 429) is
 * {@code ControlServerGateDrainTest}.
 */
class AgentDrainTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration TICK = Duration.ofMillis(20);
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

    private final Vertx vertx = Vertx.vertx();
    private final Clock clock = Clock.fixed(T0, ZoneOffset.UTC);

    @AfterEach
    void close() {
        vertx.close().await();
    }

    private static AgentDrain.Request request(Integer count, Integer percent, Integer rate) {
        return new AgentDrain.Request(count, percent, rate, rate == null ? null : TICK);
    }

    private static AgentDrain.Status finished(AgentDrain drain) {
        Await.until("the drain to finish", WAIT, () -> !drain.isActive());
        return drain.status();
    }

    @Test
    void beforeTheFirstDrainThereIsNoJob() {
        AgentDrain drain = new AgentDrain(vertx, new FakeAgentConnections(3), clock);

        assertThat(drain.status()).isEqualTo(new AgentDrain.Status(false, null, null));
    }

    @Test
    void countLimitsHowManyAreDisconnected() {
        FakeAgentConnections agents = new FakeAgentConnections(10);
        AgentDrain drain = new AgentDrain(vertx, agents, clock);

        drain.start(request(4, null, null));
        AgentDrain.Status status = finished(drain);

        assertThat(status.job()).isEqualTo(new AgentDrain.Job(4, null, null, null));
        assertThat(status.progress()).isEqualTo(new AgentDrain.Progress(4, 4, T0, T0));
        assertThat(agents.connected()).isEqualTo(6);
    }

    @Test
    void countAboveTheConnectedAgentsIsCutToThemAtStart() {
        AgentDrain drain = new AgentDrain(vertx, new FakeAgentConnections(3), clock);

        assertThat(drain.start(request(10, null, null)).job().count()).isEqualTo(3);
        assertThat(finished(drain).progress().drained()).isEqualTo(3);
    }

    @Test
    void percentWinsOverCountAndRoundsUp() {
        FakeAgentConnections agents = new FakeAgentConnections(10);
        AgentDrain drain = new AgentDrain(vertx, agents, clock);

        AgentDrain.Status started = drain.start(request(9, 25, null));
        AgentDrain.Status status = finished(drain);

        assertThat(started.job()).isEqualTo(new AgentDrain.Job(3, 25, null, null));
        assertThat(status.progress().drained()).isEqualTo(3);
        assertThat(agents.connected()).isEqualTo(7);
    }

    @Test
    void withoutCountOrPercentDrainsTheAgentsConnectedAtStartOnly() {
        FakeAgentConnections agents = new FakeAgentConnections(5);
        AgentDrain drain = new AgentDrain(vertx, agents, clock);

        drain.start(request(null, null, 1));
        agents.connect(5);
        AgentDrain.Status status = finished(drain);

        assertThat(status.job().count()).isEqualTo(5);
        assertThat(status.progress().drained()).isEqualTo(5);
        assertThat(agents.connected()).as("agents that came during the drain stay").isEqualTo(5);
    }

    @Test
    void rateDisconnectsThatManyPerTick() {
        FakeAgentConnections agents = new FakeAgentConnections(10);
        AgentDrain drain = new AgentDrain(vertx, agents, clock);

        AgentDrain.Status started = drain.start(request(null, null, 3));
        List<Long> seen = new ArrayList<>();
        Await.until("the drain to finish", WAIT, () -> {
            AgentDrain.Status now = drain.status();
            seen.add(now.progress().drained());
            return !now.active();
        });

        assertThat(started.job()).isEqualTo(new AgentDrain.Job(10, null, 3, "20ms"));
        assertThat(started.progress().drained()).as("nothing before the first tick").isZero();
        assertThat(seen).allSatisfy(drained -> assertThat(drained).isIn(0L, 3L, 6L, 9L, 10L));
        assertThat(drain.status().progress().drained()).isEqualTo(10);
        assertThat(agents.connected()).isZero();
    }

    @Test
    void withoutRateDrainsAllAtOnceInBatches() {
        FakeAgentConnections agents = new FakeAgentConnections(2 * AgentDrain.BATCH + 500);
        AgentDrain drain = new AgentDrain(vertx, agents, clock);

        AgentDrain.Status status = drain.start(new AgentDrain.Request(null, null, null, Duration.ofMinutes(5)));

        assertThat(status.job()).as("a tick without a rate is ignored")
                .isEqualTo(new AgentDrain.Job(2 * AgentDrain.BATCH + 500, null, null, null));
        assertThat(finished(drain).progress().drained()).isEqualTo(2 * AgentDrain.BATCH + 500);
        assertThat(agents.connected()).isZero();
    }

    @Test
    void finishesWhenNoPollIsLeftToClose() {
        AgentDrain drain = new AgentDrain(vertx, new FakeAgentConnections(2).leaving(8), clock);

        assertThat(drain.start(request(10, null, 5)).job().count()).isEqualTo(10);
        AgentDrain.Status status = finished(drain);

        assertThat(status.progress()).isEqualTo(new AgentDrain.Progress(3, 2, T0, T0));
    }

    @Test
    void nothingConnectedFinishesAtStart() {
        AgentDrain drain = new AgentDrain(vertx, new FakeAgentConnections(0), clock);

        AgentDrain.Status status = drain.start(request(null, null, null));

        assertThat(status.active()).isFalse();
        assertThat(status.progress()).isEqualTo(new AgentDrain.Progress(0, 0, T0, T0));
    }

    @Test
    void cancelStopsTheDrainAndKeepsItsProgress() throws Exception {
        FakeAgentConnections agents = new FakeAgentConnections(1000);
        AgentDrain drain = new AgentDrain(vertx, agents, clock);
        drain.start(request(null, null, 1));
        Await.until("a first disconnect", WAIT, () -> drain.status().progress().drained() > 0);

        AgentDrain.Status cancelled = drain.cancel();
        int callsAtCancel = agents.disconnectCalls();
        Thread.sleep(10 * TICK.toMillis());

        assertThat(cancelled.active()).isFalse();
        assertThat(cancelled.progress().finished()).isEqualTo(T0);
        assertThat(agents.disconnectCalls()).as("no tick after cancel").isEqualTo(callsAtCancel);
        assertThat(drain.status()).isEqualTo(cancelled);
    }

    @Test
    void onlyOneDrainRunsAtATime() {
        AgentDrain drain = new AgentDrain(vertx, new FakeAgentConnections(100), clock);
        drain.start(new AgentDrain.Request(null, null, 1, Duration.ofHours(1)));

        assertThatThrownBy(() -> drain.start(request(null, null, null))).isInstanceOf(IllegalStateException.class);
        drain.cancel();
        assertThat(drain.start(request(1, null, null)).job().count()).as("a new one after cancel").isEqualTo(1);
    }

    @Test
    void cancelWithoutARunningDrainFails() {
        AgentDrain drain = new AgentDrain(vertx, new FakeAgentConnections(1), clock);

        assertThatThrownBy(drain::cancel).isInstanceOf(IllegalStateException.class);
        drain.start(request(null, null, null));
        finished(drain);
        assertThatThrownBy(drain::cancel).as("after it finished").isInstanceOf(IllegalStateException.class);
    }

    @Test
    void metersShowTheRunningDrainAndCountEveryDisconnect() {
        AgentDrain drain = new AgentDrain(vertx, new FakeAgentConnections(10), clock);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        drain.bindTo(registry);
        assertThat(registry.get("heliograph.agent.drain.status").gauge().value()).isEqualTo(0.0);

        drain.start(new AgentDrain.Request(3, null, 1, Duration.ofHours(1)));
        assertThat(registry.get("heliograph.agent.drain.status").gauge().value()).isEqualTo(1.0);
        drain.cancel();
        drain.start(request(4, null, null));
        finished(drain);
        drain.start(request(2, null, 2));
        finished(drain);

        assertThat(registry.get("heliograph.agent.drain.status").gauge().value()).isEqualTo(0.0);
        assertThat(registry.get("heliograph.agent.drain.count").functionCounter().count()).isEqualTo(6.0);
    }

    @ParameterizedTest(name = "{0} is {1} ms")
    @CsvSource({"1s, 1000", "500ms, 500", "2m, 120000", "1h, 3600000", "1m30s, 90000", "1.5s, 1500", "1ms, 1"})
    void parsesTicks(String text, long millis) {
        assertThat(AgentDrain.parseTick(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest(name = "rejects \"{0}\"")
    @ValueSource(strings = {"", "0s", "0ms", "0.5ms", "-1s", "1", "s", "1d", "1s2", " 1s", "1S", "9999999999999h"})
    void rejectsBadTicks(String text) {
        assertThatThrownBy(() -> AgentDrain.parseTick(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "{0} ms is written {1}")
    @CsvSource({"1000, 1s", "500, 500ms", "90000, 90s", "120000, 2m", "7200000, 2h", "1500, 1500ms"})
    void writesTicksInTheLargestWholeUnit(long millis, String text) {
        assertThat(AgentDrain.formatTick(Duration.ofMillis(millis))).isEqualTo(text);
    }
}
