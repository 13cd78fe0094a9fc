package dev.heliograph.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heliograph.controlplane.ControlPlane;
import dev.heliograph.probe.EngineVertx;
import dev.heliograph.probe.codec.Json;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scenario {@code detect} (issue 13): how fast and how truthfully outages become notifications. A real
 * control plane (product defaults) checks N HTTP targets on a local server whose answers the benchmark
 * scripts: {@code --outages} targets start failing for good, in every region, at random moments of the
 * run; {@code --regional} ones likewise but in one region only (a regional problem: it must not page);
 * {@code --noisy} ones fail at random {@code --noise-percent} % of checks, in each region independently,
 * all along; the rest never fail. Targets are checked from the control plane's own region and from
 * {@code --regions} more, each served by a real agent process ({@link BenchAgents}); the server tells
 * the regions apart by the checks' {@code User-Agent}. A webhook channel behind a default policy
 * (critical events) delivers to a local receiver.
 *
 * <p>Reported: time to detect (the first failing answer the server gave for a target, to the
 * {@code opened} notification received) p50/p99/max, outages missed, false notifications (about noisy
 * or healthy targets), and, from the same injected failures, what the anchors' documented defaults
 * would have done: Gatus alerts after 3 failures in a row at the check interval (detect = 2
 * intervals after the first failure; a noisy target pages when three random failures follow each
 * other); Uptime Kuma alerts after {@code retries} failed retries at its retry interval (its default
 * is 0 retries: it pages at the first failure, so every random failure of a noisy target is a false
 * page; with 1 retry at the interval, detect = 1 interval and two failures in a row page).
 *
 * <p>The anchors check from one place, so their figures use the answers of the control plane's own
 * region only.
 *
 * <p>Usage: {@code scripts/bench.sh detect [--targets N] [--outages N] [--regional N] [--noisy N]
 * [--noise-percent P] [--regions N] [--interval-s S] [--duration S] [--json FILE]}. Loopback only;
 * bounded by {@code --duration}.
 */
public final class DetectBenchmark {
    private static final String KEY = "Bearer " + BenchDatabases.API_KEY;

    private DetectBenchmark() {
    }

    /** What the scripted server and the receiver saw. */
    static final class Observed {
        final Map<Integer, Long> failFrom = new ConcurrentHashMap<>();
        final Map<Integer, Long> firstFailure = new ConcurrentHashMap<>();
        final Map<String, List<Boolean>> answers = new ConcurrentHashMap<>();
        final Map<Integer, Long> regionalFirstFailure = new ConcurrentHashMap<>();
        final Map<String, Long> opened = new ConcurrentHashMap<>();
        final AtomicLong notifications = new AtomicLong();
    }

    /** Entry point; see the class comment for the options. */
    public static void main(String[] args) throws Exception {
        BenchOptions opts = BenchOptions.parse(args, Map.of("targets", "300", "outages", "30", "regional", "10", "noisy", "100",
                "noise-percent", "1", "regions", "2", "interval-s", "30", "duration", "300"));
        int targets = opts.integer("targets", 3, 100_000);
        int outages = opts.integer("outages", 1, targets);
        int extraRegions = opts.integer("regions", 0, 8);
        int regional = extraRegions == 0 ? 0 : opts.integer("regional", 0, targets - outages);
        int noisy = opts.integer("noisy", 0, targets - outages - regional);
        int noisePercent = opts.integer("noise-percent", 0, 50);
        int intervalS = opts.integer("interval-s", 1, 3600);
        int durationS = opts.integer("duration", 10, 86_400);
        Observed seen = new Observed();
        Random random = new Random(20261208);
        Random schedule = new Random(20261209);
        Vertx vertx = EngineVertx.create();
        try (BenchDatabases databases = BenchDatabases.create()) {
            List<String> regions = new ArrayList<>(List.of("local"));
            for (int r = 0; r < extraRegions; r++) {
                regions.add("det-" + (char) ('a' + r));
            }
            String failingRegion = regions.getLast();
            HttpServer target = vertx.createHttpServer().requestHandler(req -> {
                int i = Integer.parseInt(req.path().substring(3));
                String agent = String.valueOf(req.getHeader("user-agent"));
                String region = agent.contains("(region ") ? agent.substring(agent.indexOf("(region ") + 8, agent.length() - 1) : "";
                long now = System.currentTimeMillis();
                boolean failing;
                if (i < outages) {
                    failing = now >= seen.failFrom.getOrDefault(i, Long.MAX_VALUE);
                } else if (i < outages + regional) {
                    failing = region.equals(failingRegion) && now >= seen.failFrom.getOrDefault(i, Long.MAX_VALUE);
                } else {
                    failing = i < outages + regional + noisy && random.nextInt(100) < noisePercent;
                }
                seen.answers.computeIfAbsent(i + "/" + region, k -> java.util.Collections.synchronizedList(new ArrayList<>())).add(failing);
                if (failing && i < outages) {
                    seen.firstFailure.putIfAbsent(i, now);
                } else if (failing && i < outages + regional) {
                    seen.regionalFirstFailure.putIfAbsent(i, now);
                }
                req.response().setStatusCode(failing ? 503 : 200).end(failing ? "failing" : "ok");
            }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
            HttpServer receiver = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
                seen.notifications.incrementAndGet();
                JsonNode json;
                try {
                    json = Json.MAPPER.readTree(body.getBytes());
                } catch (java.io.IOException e) {
                    req.response().setStatusCode(400).end("not JSON");
                    return;
                }
                if (json.path("type").asText().equals("incident.opened")) {
                    List<JsonNode> incidents = new ArrayList<>();
                    json.path("data").path("group").path("incidents").forEach(incidents::add);
                    if (incidents.isEmpty()) {
                        incidents.add(json.path("data").path("incident"));
                    }
                    incidents.forEach(incident -> seen.opened.putIfAbsent(incident.path("target").path("key").asText(), System.currentTimeMillis()));
                }
                req.response().end("ok");
            })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
            byte[] secretKey = new byte[32];
            new java.security.SecureRandom().nextBytes(secretKey);
            // The webhook channel's signing secret is stored sealed: a throw-away key for this run.
            ControlPlane plane = ControlPlane.start(vertx, databases.controlPlaneConfig("alerting.poll_interval_ms=200",
                            "secret.key=" + java.util.Base64.getEncoder().encodeToString(secretKey)), Clock.systemUTC())
                    .await(60, TimeUnit.SECONDS);
            BenchAgents agents = null;
            Map<String, String> ids = new ConcurrentHashMap<>();
            try {
                String base = "http://127.0.0.1:" + plane.apiPort();
                if (extraRegions > 0) {
                    System.out.printf("bench: starting %d agents (regions %s)%n", extraRegions, regions.subList(1, regions.size()));
                    agents = BenchAgents.start(plane, BenchDatabases.API_KEY, regions.subList(1, regions.size()));
                }
                setUp(base, target.actualPort(), receiver.actualPort(), targets, intervalS, regions, ids);
                // The run's clock starts once everything is set up; outages begin within its first 60 %,
                // so each has time to be decided.
                long start = System.currentTimeMillis();
                for (int i = 0; i < outages + regional; i++) {
                    seen.failFrom.put(i, start + intervalS * 1000L
                            + (long) (schedule.nextDouble() * Math.max(1, durationS * 600L - intervalS * 1000L)));
                }
                System.out.printf("bench: %d targets every %d s: %d outages, %d noisy at %d %%, for %d s%n", targets, intervalS, outages, noisy,
                        noisePercent, durationS);
                long deadline = start + durationS * 1000L;
                while (System.currentTimeMillis() < deadline) {
                    Thread.sleep(Math.min(5_000, Math.max(1, deadline - System.currentTimeMillis())));
                    System.out.printf("bench: %d s: %d outages begun, %d notified%n", (System.currentTimeMillis() - start) / 1000,
                            seen.firstFailure.keySet().stream().filter(i -> i < outages).count(), seen.opened.size());
                }
                explainMissed(base, seen, outages, ids);
            } finally {
                if (agents != null) {
                    agents.close();
                }
                plane.stop(Duration.ofSeconds(10)).await(15, TimeUnit.SECONDS);
            }
            report(opts, seen, new Counts(targets, outages, regional, noisy, regions.size()), intervalS);
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    /**
     * The targets (keys {@code t-<i>}), in bulk requests of 1,000, a webhook channel and a default policy;
     * fills {@code ids} (key to target id).
     */
    private static void setUp(String base, int targetPort, int receiverPort, int targets, int intervalS, List<String> regions,
            Map<String, String> ids) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (int from = 0; from < targets; from += 1_000) {
            ObjectNode body = Json.MAPPER.createObjectNode();
            ArrayNode items = body.putArray("items");
            for (int i = from; i < Math.min(targets, from + 1_000); i++) {
                ObjectNode item = items.addObject().put("key", "t-" + i).put("name", "detect " + i).put("kind", "http")
                        .put("interval_s", intervalS).put("timeout_ms", Math.min(5_000, intervalS * 500));
                item.putObject("spec").put("url", "http://127.0.0.1:" + targetPort + "/t/" + i);
                regions.forEach(item.putArray("regions")::add);
            }
            post(http, base + "/api/v1/targets:bulk", body.toString(), 200).path("items")
                    .forEach(item -> ids.put(item.path("target").path("key").asText(), item.path("target").path("id").asText()));
        }
        JsonNode channel = post(http, base + "/api/v1/alert-channels", "{\"name\":\"receiver\",\"kind\":\"webhook\",\"settings\":{\"url\":"
                + "\"http://127.0.0.1:" + receiverPort + "/hook\"}}", 201);
        post(http, base + "/api/v1/notification-policies", "{\"name\":\"pages\",\"channels\":[\"" + channel.path("id").asText() + "\"]}", 201);
    }

    /** Prints the verdict of each outage target that began failing but was never notified, to see why. */
    private static void explainMissed(String base, Observed seen, int outages, Map<String, String> ids) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < outages; i++) {
            if (seen.firstFailure.containsKey(i) && !seen.opened.containsKey("t-" + i)) {
                HttpResponse<String> verdict = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/targets/" + ids.get("t-" + i)
                        + "/verdict")).header("authorization", KEY).build(), HttpResponse.BodyHandlers.ofString());
                System.out.printf("bench: outage t-%d (failing since %d s ago) not notified; its verdict: %s%n", i,
                        (System.currentTimeMillis() - seen.firstFailure.get(i)) / 1000, verdict.body());
            }
        }
    }

    private static JsonNode post(HttpClient http, String uri, String body, int expected) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(uri)).header("authorization", KEY)
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != expected) {
            throw new IllegalStateException("POST " + uri + " answered " + answer.statusCode() + ": " + answer.body());
        }
        return Json.MAPPER.readTree(answer.body());
    }

    /** How many targets of each sort, and regions checking them. */
    record Counts(int targets, int outages, int regional, int noisy, int regions) {
    }

    private static void report(BenchOptions opts, Observed seen, Counts counts, int intervalS) throws Exception {
        int outages = counts.outages();
        int regional = counts.regional();
        int noisy = counts.noisy();
        int targets = counts.targets();
        List<Long> detect = new ArrayList<>();
        int missed = 0;
        int falseNotifications = 0;
        int regionalNotified = 0;
        for (Map.Entry<String, Long> opened : seen.opened.entrySet()) {
            int i = Integer.parseInt(opened.getKey().substring(2));
            if (i >= outages + regional) {
                falseNotifications++;
            } else if (i >= outages) {
                regionalNotified++;
            }
        }
        for (int i = 0; i < outages; i++) {
            Long first = seen.firstFailure.get(i);
            Long opened = seen.opened.get("t-" + i);
            if (first != null && opened != null) {
                detect.add(opened - first);
            } else if (first != null) {
                missed++;
            }
        }
        detect.sort(Long::compare);
        int noiseFailures = 0;
        int noisePairs = 0;
        int noiseTriples = 0;
        for (int i = outages + regional; i < outages + regional + noisy; i++) {
            List<Boolean> answers = new ArrayList<>(seen.answers.getOrDefault(i + "/local", List.of()));
            for (int k = 0; k < answers.size(); k++) {
                if (answers.get(k)) {
                    noiseFailures++;
                    if (k > 0 && answers.get(k - 1)) {
                        noisePairs++;
                        if (k > 1 && answers.get(k - 2)) {
                            noiseTriples++;
                        }
                    }
                }
            }
        }
        BenchReport report = new BenchReport("detect")
                .add("targets (outages / regional / noisy / healthy)", targets + " (" + outages + " / " + regional + " / " + noisy + " / "
                        + (targets - outages - regional - noisy) + "), every " + intervalS + " s from " + counts.regions() + " regions")
                .add("outages begun", seen.firstFailure.keySet().stream().filter(i -> i < outages).count())
                .add("outages notified", detect.size())
                .add("outages missed", missed)
                .add("time to detect p50 (s)", percentile(detect, 50) / 1000.0)
                .add("time to detect p99 (s)", percentile(detect, 99) / 1000.0)
                .add("time to detect max (s)", (detect.isEmpty() ? -1 : detect.getLast()) / 1000.0)
                .add("false notifications (noisy or healthy targets)", falseNotifications)
                .add("regional problems begun / paged (should be 0)", seen.regionalFirstFailure.size() + " / " + regionalNotified)
                .add("notifications received in all", seen.notifications.get())
                .add("noise seen from one region: failing answers", noiseFailures)
                .add("noise seen from one region: 2 failures in a row", noisePairs)
                .add("noise seen from one region: 3 failures in a row", noiseTriples)
                .add("Gatus default (3 failures in a row): time to detect (s)", 2.0 * intervalS)
                .add("Gatus default: false pages", noiseTriples)
                .add("Uptime Kuma default (0 retries): time to detect (s)", 0)
                .add("Uptime Kuma default: false pages", noiseFailures)
                .add("Uptime Kuma, 1 retry at the interval: time to detect (s)", intervalS)
                .add("Uptime Kuma, 1 retry at the interval: false pages", noisePairs);
        report.finish(opts.json());
    }

    static long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

}
