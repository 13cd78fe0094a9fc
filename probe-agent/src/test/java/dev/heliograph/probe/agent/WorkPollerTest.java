package dev.heliograph.probe.agent;

import static dev.heliograph.probe.agent.AgentTestKit.REGION;
import static dev.heliograph.probe.agent.AgentTestKit.await;
import static dev.heliograph.probe.agent.AgentTestKit.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.heliograph.domain.CheckResult;
import dev.heliograph.domain.HttpSpec;
import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.Target;
import dev.heliograph.domain.TargetId;
import dev.heliograph.probe.ProbeEngine;
import dev.heliograph.probe.agent.protocol.JobResult;
import dev.heliograph.probe.agent.protocol.WireJob;
import dev.heliograph.probe.agent.protocol.WireTarget;
import dev.heliograph.probe.agent.protocol.WorkResponse;
import dev.heliograph.probe.net.Cidr;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link WorkPoller} with a real engine and client against {@link FakeAgentServer}. */
class WorkPollerTest {
    // Generous: the condition ends the wait as soon as it holds; a loaded CI machine can be slow.
    private static final Duration WITHIN = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private Vertx vertx;
    private FakeAgentServer server;
    private ProbeEngine engine;
    private AgentClient client;
    private WorkPoller poller;
    private final List<CheckResult> sunk = new CopyOnWriteArrayList<>();
    private final List<AgentCallException> refusals = new CopyOnWriteArrayList<>();
    private final AtomicInteger reconnections = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        server = FakeAgentServer.start(vertx, 50);
        AgentSettings settings = AgentSettings.builder(server.uri(), dir).lanes(1).maxJitter(Duration.ZERO)
                .allowedCidrs(List.of(Cidr.parse("127.0.0.0/8"))).requestTimeout(Duration.ofSeconds(5)).build();
        engine = await(ProbeEngine.start(vertx, settings.engineSettings(REGION, FakeAgentServer.AGENT_ID),
                Clock.systemUTC(), sunk::add, new SimpleMeterRegistry()));
        client = new AgentClient(vertx, settings, new AgentIdentity(FakeAgentServer.AGENT_ID, FakeAgentServer.AGENT_KEY,
                REGION.value(), server.uri().toString()), null, Clock.systemUTC());
        poller = new WorkPoller(vertx, client, engine, REGION, Clock.systemUTC(), refusals::add, reconnections::incrementAndGet);
    }

    @AfterEach
    void stop() {
        poller.stop();
        await(engine.shutdown(Duration.ofSeconds(2)));
        await(client.close());
        await(vertx.close());
    }

    /** A target of the fake server's {@code /target}, checked every second. */
    private WireTarget wireTarget() {
        return WireTarget.of(new Target(TargetId.random(), OrgId.DEFAULT, "t", HttpSpec.get(server.targetUrl()),
                Duration.ofSeconds(1), Duration.ofSeconds(2), List.of(REGION), Set.of(), true, Instant.now(),
                Instant.now(), 1));
    }

    @Test
    void appliesAnAssignmentAndPollsOnWithItsVersion() throws Exception {
        server.workAnswers.add(WorkResponse.assignment(7, List.of(wireTarget())));
        poller.start();

        eventually(WITHIN, () -> server.polledVersions.contains(7L));
        assertThat(server.polledVersions.getFirst()).isZero();
        assertThat(poller.version()).isEqualTo(7);
        eventually(WITHIN, () -> !sunk.isEmpty());
        assertThat(server.targetChecks.get()).isPositive();
        assertThat(server.badSignatures).hasValue(0);
    }

    @Test
    void pollsAgainAtOnceAfterTheHoldTimeout() throws Exception {
        poller.start();
        eventually(WITHIN, () -> server.polledVersions.size() >= 5);
        assertThat(server.polledVersions).containsOnly(0L);
        assertThat(reconnections).as("no failure, so no reconnection").hasValue(0);
    }

    @Test
    void keepsTheLastAssignmentRunningWhileTheControlPlaneFailsAndHonoursRetryAfter() throws Exception {
        server.workAnswers.add(WorkResponse.assignment(3, List.of(wireTarget())));
        server.workAnswers.add(500);
        server.workAnswers.add(503);
        poller.start();

        eventually(WITHIN, () -> server.polledVersions.size() >= 4);
        assertThat(server.polledVersions).startsWith(0L, 3L, 3L, 3L);
        eventually(WITHIN, () -> reconnections.get() == 1);
        int checked = server.targetChecks.get();
        eventually(WITHIN, () -> server.targetChecks.get() > checked);
    }

    @Test
    void runsAJobOnceAndPostsItsResultOutsideTheLog() throws Exception {
        server.workAnswers.add(WorkResponse.job(new WireJob("job-42", wireTarget())));
        poller.start();

        eventually(WITHIN, () -> server.jobResults.containsKey("job-42"));
        JobResult posted = server.jobResults.get("job-42");
        assertThat(posted.result().seq()).isZero();
        assertThat(posted.result().status()).isEqualTo("up");
        assertThat(posted.result().httpStatus()).isEqualTo(200);
        assertThat(sunk).as("job results never reach the sink (the write-ahead log)").isEmpty();
        assertThat(server.targetChecks.get()).isEqualTo(1);
    }

    @Test
    void aRefusedKeyIsReportedAndPollingStops() throws Exception {
        server.revoked = true;
        poller.start();

        eventually(WITHIN, () -> !refusals.isEmpty());
        assertThat(refusals.getFirst().status()).isEqualTo(401);
        Thread.sleep(300);
        assertThat(refusals).hasSize(1);
        assertThat(server.polledVersions).isEmpty();
    }
}
