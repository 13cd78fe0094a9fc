package dev.heliograph.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 13's scenarios end to end: a real control plane, PostgreSQL and ClickHouse, three regions
 * served by real agent processes (the built JAR), target servers the test scripts per region, and a
 * webhook receiver behind a notification policy that routes what pages (critical events). Each test
 * uses targets of its own; they share the agents.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IncidentScenarioIT {
    private static final int THRESHOLD_S = 3;
    private TestServices services;
    private Vertx vertx;
    private ControlPlane plane;
    private ApiClient api;
    private ScriptedTarget target;
    private AlertReceiver receiver;
    private Path dataRoot;
    private final List<AgentProcess> agents = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        services = new TestServices();
        vertx = Vertx.vertx();
        plane = ControlPlane.start(vertx, services.config("agents.heartbeat_interval_s=1", "agents.threshold_multiplier=" + THRESHOLD_S,
                "agents.poll_hold_s=2", "agents.evaluate_interval_s=1", "agents.on_demand_timeout_s=3",
                "incidents.flap_transitions=4", "incidents.flap_window_s=120", "incidents.group_threshold=0",
                "alerting.retry_initial_ms=100", "alerting.poll_interval_ms=100"), Clock.systemUTC())
                .await(60, TimeUnit.SECONDS);
        api = new ApiClient(plane.apiPort());
        target = ScriptedTarget.start(vertx);
        receiver = AlertReceiver.start(vertx);
        dataRoot = Files.createTempDirectory("heliograph-scenario-");
        String channel = created(api.post("/api/v1/alert-channels", "{\"name\":\"pager\",\"kind\":\"webhook\",\"settings\":{\"url\":\""
                + receiver.url("/hook") + "\"}}"));
        created(api.post("/api/v1/notification-policies", "{\"name\":\"pages\",\"channels\":[\"" + channel + "\"]}"));
        for (String region : List.of("eu", "us", "ap", "kz")) {
            created(api.post("/api/v1/regions", "{\"name\":\"" + region + "\"}"));
            String token = api.post("/api/v1/regions/" + region + "/registration-tokens", "{}").json().path("token").asText();
            agents.add(AgentProcess.start(dataRoot.resolve(region), plane.agentPort(), region, token, plane.caFingerprint(), region + "-1"));
        }
        Await.until("four agents ok", Duration.ofSeconds(90), () -> api.get("/api/v1/agents?status=ok").json().path("items").size() == 4);
    }

    @AfterAll
    void stop() throws Exception {
        for (AgentProcess agent : agents) {
            agent.close();
        }
        receiver.close();
        target.close();
        plane.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
        services.close();
    }

    private static String created(ApiClient.Answer answer) {
        assertThat(answer.status()).as(answer.text()).isEqualTo(201);
        return answer.json().path("id").asText();
    }

    private String createTarget(String name, int intervalS, String... regions) {
        return created(api.post("/api/v1/targets", "{\"name\":\"" + name + "\",\"kind\":\"http\",\"spec\":{\"url\":\""
                + target.url("/" + name) + "\"},\"interval_s\":" + intervalS + ",\"timeout_ms\":800,\"regions\":[\""
                + String.join("\",\"", regions) + "\"]}"));
    }

    /** The webhook types received about target {@code id}, in order ({@code incident.opened}, ...). */
    private List<String> notified(String id) {
        return receiver.received().stream().map(AlertReceiver.Received::json)
                .filter(body -> body.path("data").path("incident").path("target").path("id").asText().equals(id))
                .map(body -> body.path("type").asText()).toList();
    }

    private String verdict(String id) {
        return api.get("/api/v1/targets/" + id + "/verdict").json().path("verdict").asText();
    }

    @Test
    void oneRegionFailingIsRegionalAndPagesNobody() throws Exception {
        target.failing("/one-region", "eu");
        String id = createTarget("one-region", 2, "eu", "us", "ap");

        Await.until("verdict regional", Duration.ofSeconds(60), () -> verdict(id).equals("regional"));
        Thread.sleep(8_000);

        assertThat(verdict(id)).isEqualTo("regional");
        assertThat(notified(id)).as("a regional problem pages nobody by default").isEmpty();
        JsonNode incident = api.get("/api/v1/incidents?state=active&target_id=" + id).json().path("items").get(0);
        assertThat(incident.path("kind").asText()).isEqualTo("regional");
        assertThat(incident.path("regions_down").toString()).isEqualTo("[\"eu\"]");
        assertThat(target.failures("/one-region")).isPositive();
    }

    @Test
    void twoRegionsOfThreeOpenExactlyOneOpenedAndRecoveryOneResolved() throws Exception {
        String id = createTarget("two-regions", 10, "eu", "us", "ap");
        Await.until("first results from three regions", Duration.ofSeconds(60), () -> target.requests("/two-regions") >= 3);
        long failedAt = System.currentTimeMillis();
        target.failing("/two-regions", "eu", "us");

        Await.until("an opened notification", Duration.ofSeconds(60), () -> notified(id).contains("incident.opened"));
        long detectMs = System.currentTimeMillis() - failedAt;
        System.out.println("two of three regions failing: opened delivered " + detectMs + " ms after the target began to fail "
                + "(interval 10 s; confirmation and retries decide the quorum)");
        assertThat(detectMs).as("decided well before two more intervals").isLessThan(20_000);
        target.failing("/two-regions");
        Await.until("a resolved notification", Duration.ofSeconds(60), () -> notified(id).contains("incident.resolved"));
        Await.until("verdict up", Duration.ofSeconds(60), () -> verdict(id).equals("up"));

        assertThat(notified(id)).containsExactly("incident.opened", "incident.resolved");
    }

    @Test
    void onePercentRandomFailuresInEveryRegionNotifyNothing() throws Exception {
        Random random = new Random(13);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String name = "noisy-" + i;
            target.script("/" + name, region -> random.nextInt(100) == 0 ? 503 : 200);
            ids.add(createTarget(name, 1, "eu", "us", "ap"));
        }
        Thread.sleep(60_000);

        int failures = 0;
        int requests = 0;
        for (int i = 0; i < 5; i++) {
            failures += target.failures("/noisy-" + i);
            requests += target.requests("/noisy-" + i);
        }
        System.out.println("noise: " + failures + " failing answers of " + requests + " checks, notifications: "
                + ids.stream().mapToInt(id -> notified(id).size()).sum());
        assertThat(requests).as("many intervals in every region").isGreaterThan(600);
        assertThat(failures).as("the noise happened").isPositive();
        for (String id : ids) {
            assertThat(notified(id)).isEmpty();
        }
    }

    @Test
    void aFlappingTargetGivesOneFlappingNotificationThenQuiet() throws Exception {
        long start = System.currentTimeMillis();
        // An application that flaps: 404 is the tenant's own assertion failing, which never trips the host's breaker.
        target.script("/flapping", region -> ((System.currentTimeMillis() - start) / 4_000) % 2 == 1 ? 404 : 200);
        String id = createTarget("flapping", 1, "eu");

        try {
            Await.until("a flapping notification", Duration.ofSeconds(90), () -> notified(id).contains("incident.flapping"));
        } finally {
            System.out.println("flapping target: notified " + notified(id) + ", verdict " + api.get("/api/v1/targets/" + id + "/verdict").text()
                    + ", incidents " + api.get("/api/v1/incidents?target_id=" + id).json().path("items").size());
        }
        Thread.sleep(20_000);

        List<String> all = notified(id);
        assertThat(all.stream().filter("incident.flapping"::equals)).hasSize(1);
        assertThat(all.subList(all.indexOf("incident.flapping") + 1, all.size())).as("quiet while it flaps").isEmpty();
        assertThat(all.stream().filter("incident.opened"::equals).count()).as("before flapping was detected").isLessThanOrEqualTo(3);
    }

    @Test
    void killingEveryAgentOfARegionPagesNobodyForItsTargetsAndSendsOneAgentAlert() throws Exception {
        String id = createTarget("behind-kz", 1, "eu", "us", "kz");
        target.failing("/down-with-kz", "us", "kz");
        String down = createTarget("down-with-kz", 1, "eu", "us", "kz");
        Await.until("checks from three regions", Duration.ofSeconds(60), () -> target.requests("/behind-kz") > 9);
        Await.until("the outage seen from us and kz opened", Duration.ofSeconds(60), () -> notified(down).contains("incident.opened"));
        AgentProcess kz = agents.get(3);
        kz.signal("KILL");

        Await.until("an agent_not_reporting notification", Duration.ofSeconds(60), () -> receiver.received().stream()
                .anyMatch(r -> r.json().path("type").asText().equals("incident.agent_not_reporting")));
        Thread.sleep(5_000);

        List<JsonNode> agentAlerts = receiver.received().stream().map(AlertReceiver.Received::json)
                .filter(body -> body.path("type").asText().equals("incident.agent_not_reporting")).toList();
        assertThat(agentAlerts).hasSize(1);
        assertThat(agentAlerts.getFirst().path("data").path("incident").path("agent").path("region").asText()).isEqualTo("kz");
        assertThat(notified(id)).as("the agent's targets never page").isEmpty();
        JsonNode regions = api.get("/api/v1/targets/" + id + "/verdict").json().path("regions");
        assertThat(regions.toString()).contains("{\"region\":\"kz\",\"state\":\"unknown\"");
        assertThat(verdict(id)).isEqualTo("up");
        assertThat(verdict(down)).as("kz went silent while down: it stays counted down, 2 of 3").isEqualTo("down");
        assertThat(notified(down)).as("losing sight of a target never resolves its outage").containsExactly("incident.opened");
    }
}
