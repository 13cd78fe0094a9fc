package dev.heliograph.probe.agent;

import static dev.heliograph.probe.agent.AgentTestKit.REGION;
import static dev.heliograph.probe.agent.AgentTestKit.await;
import static dev.heliograph.probe.agent.AgentTestKit.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.heliograph.domain.HttpSpec;
import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Target;
import dev.heliograph.domain.TargetId;
import dev.heliograph.probe.agent.protocol.ResultBatch;
import dev.heliograph.probe.agent.protocol.WireTarget;
import dev.heliograph.probe.agent.protocol.WorkResponse;
import dev.heliograph.probe.net.Cidr;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ProbeAgent} wired end to end against {@link FakeAgentServer}. */
class ProbeAgentTest {
    // Generous: each wait ends as soon as its condition holds; a loaded CI machine can be slow.
    private static final Duration WITHIN = Duration.ofSeconds(30);
    private static final RegionId OTHER_REGION = new RegionId("us-test");

    @TempDir
    Path dir;
    private Vertx vertx;
    private FakeAgentServer server;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        server = FakeAgentServer.start(vertx, 100);
    }

    @AfterEach
    void stop() {
        await(vertx.close());
    }

    private AgentSettings settings(String token, RegionId region) {
        return AgentSettings.builder(server.uri(), dir).name("agent-under-test").token(token).region(region).lanes(1)
                .maxJitter(Duration.ZERO).allowedCidrs(List.of(Cidr.parse("127.0.0.0/8")))
                .uploadInterval(Duration.ofMillis(100)).requestTimeout(Duration.ofSeconds(5)).build();
    }

    private Future<ProbeAgent> startAgent(String token) {
        return startAgent(token, REGION);
    }

    private Future<ProbeAgent> startAgent(String token, RegionId region) {
        return ProbeAgent.start(vertx, settings(token, region), Clock.systemUTC(), new SimpleMeterRegistry());
    }

    private static Throwable failureOf(Future<?> future) throws Exception {
        try {
            future.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            return future.cause();
        }
        throw new AssertionError("expected a failure, got " + future.result());
    }

    private WireTarget wireTarget() {
        return WireTarget.of(new Target(TargetId.random(), OrgId.DEFAULT, "t", HttpSpec.get(server.targetUrl()),
                Duration.ofSeconds(1), Duration.ofSeconds(2), List.of(REGION), Set.of(), true, Instant.now(),
                Instant.now(), 1));
    }

    @Test
    void registersOnceWithTheTokenThenStartsFromTheSavedIdentity() throws Exception {
        ProbeAgent first = await(startAgent(FakeAgentServer.GOOD_TOKEN));
        assertThat(first.agentId()).isEqualTo(FakeAgentServer.AGENT_ID);
        assertThat(first.region()).isEqualTo(REGION);
        assertThat(server.registrations).singleElement().satisfies(request -> {
            assertThat(request.name()).isEqualTo("agent-under-test");
            assertThat(request.version()).isEqualTo(ProbeAgent.VERSION);
        });
        assertThat(dir.resolve(AgentIdentity.FILE)).exists();
        await(first.stop(Duration.ofSeconds(3)));

        ProbeAgent second = await(startAgent("hg_reg_ignored"));

        assertThat(second.agentId()).isEqualTo(FakeAgentServer.AGENT_ID);
        assertThat(server.registrations).hasSize(1);
        await(second.stop(Duration.ofSeconds(3)));
    }

    @Test
    void refusesToStartWithoutIdentityOrToken() throws Exception {
        assertThat(failureOf(startAgent(null))).isInstanceOf(AgentFatalException.class)
                .hasMessage("no identity in " + dir + " and no registration token (--token or HELIOGRAPH_AGENT_TOKEN)");
        assertThat(server.registrations).isEmpty();
    }

    @Test
    void registeringNeedsARegion() throws Exception {
        assertThat(failureOf(startAgent(FakeAgentServer.GOOD_TOKEN, null))).isInstanceOf(AgentFatalException.class)
                .hasMessage("no identity in " + dir + ": registering needs the agent's region (--region or "
                        + "HELIOGRAPH_AGENT_REGION)");
        assertThat(server.registrations).isEmpty();
    }

    @Test
    void aTokenForAnotherRegionIsFatalAndTheIdentityIsNotSaved() throws Exception {
        assertThat(failureOf(startAgent(FakeAgentServer.GOOD_TOKEN, OTHER_REGION))).isInstanceOf(AgentFatalException.class)
                .hasMessageStartingWith("token is for region eu-test, not us-test;")
                .hasMessageContaining("DELETE /api/v1/agents/" + FakeAgentServer.AGENT_ID)
                .hasMessageNotContaining(FakeAgentServer.AGENT_KEY);
        assertThat(server.registrations).hasSize(1);
        assertThat(dir.resolve(AgentIdentity.FILE)).doesNotExist();
    }

    @Test
    void aGivenRegionMustBeTheRegionOfTheSavedIdentity() throws Exception {
        await(await(startAgent(FakeAgentServer.GOOD_TOKEN)).stop(Duration.ofSeconds(3)));

        assertThat(failureOf(startAgent(null, OTHER_REGION))).isInstanceOf(AgentFatalException.class)
                .hasMessageContaining("is agent " + FakeAgentServer.AGENT_ID + " of region eu-test, not us-test");

        ProbeAgent withoutRegion = await(startAgent(null, null));
        assertThat(withoutRegion.region()).as("--region is optional once registered").isEqualTo(REGION);
        await(withoutRegion.stop(Duration.ofSeconds(3)));
        assertThat(server.registrations).hasSize(1);
    }

    @Test
    void aRefusedTokenIsFatal() throws Exception {
        assertThat(failureOf(startAgent("hg_reg_bad"))).isInstanceOf(AgentFatalException.class)
                .hasMessageContaining("refused the registration token").hasMessageContaining("401")
                .hasMessageNotContaining("hg_reg_bad");
        assertThat(dir.resolve(AgentIdentity.FILE)).doesNotExist();
    }

    @Test
    void aRevokedKeyCompletesFatal() throws Exception {
        ProbeAgent agent = await(startAgent(FakeAgentServer.GOOD_TOKEN));
        server.revoked = true;

        AgentFatalException fatal = agent.fatal().await(WITHIN.toSeconds(), TimeUnit.SECONDS);

        assertThat(fatal).hasMessageContaining("control plane refused this agent's key (revoked?)");
        await(agent.stop(Duration.ofSeconds(3)));
    }

    @Test
    void resultsMadeWhileTheControlPlaneRefusesThemAreReplayedInOrderAfterARestart() throws Exception {
        for (int i = 0; i < 1_000; i++) {
            server.resultAnswers.add(503);
        }
        server.workAnswers.add(WorkResponse.assignment(1, List.of(wireTarget())));
        ProbeAgent first = await(startAgent(FakeAgentServer.GOOD_TOKEN));
        eventually(WITHIN, () -> first.walStats().pending() >= 3);
        await(first.stop(Duration.ofSeconds(3)));
        long made = first.walStats().nextSeq() - 1;
        assertThat(first.walStats().ackedSeq()).isZero();
        assertThat(Files.list(dir.resolve(ProbeAgent.WAL_DIR)).anyMatch(p -> p.getFileName().toString().startsWith("seg-")))
                .isTrue();

        server.resultAnswers.clear();
        server.batches.clear();
        ProbeAgent second = await(startAgent(null));
        eventually(WITHIN, () -> second.walStats().ackedSeq() >= made);

        ResultBatch replay = server.batches.getFirst();
        assertThat(replay.firstSeq()).isEqualTo(1);
        assertThat(replay.attempt()).isGreaterThanOrEqualTo(2);
        assertThat(replay.results().stream().map(r -> r.seq()).toList())
                .isEqualTo(LongStream.rangeClosed(1, replay.lastSeq()).boxed().toList());
        assertThat(server.badSignatures).hasValue(0);
        await(second.stop(Duration.ofSeconds(3)));
    }
}
