package dev.heliograph.loadtest;

import dev.heliograph.probe.EngineVertx;
import dev.heliograph.domain.CheckResult;
import dev.heliograph.domain.HttpSpec;
import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Status;
import dev.heliograph.domain.Target;
import dev.heliograph.domain.TargetId;
import dev.heliograph.probe.EngineSettings;
import dev.heliograph.probe.EngineSettings.BreakerSettings;
import dev.heliograph.probe.ProbeEngine;
import dev.heliograph.probe.check.Check;
import dev.heliograph.probe.net.Cidr;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One engine shard of the in-flight benchmark, in its own JVM: a real {@link ProbeEngine}
 * (scheduler → breaker → bulkhead → worker pool → HTTP executor) with {@code --count} HTTP targets
 * numbered from {@code --first}, target {@code i} checking {@code http://<endpoint i mod E>/t/i}
 * (the endpoints come with the {@code endpoints} command, so the JVM starts while the servers do).
 * Each target's interval (1 h) outlasts the run, so it is checked once; its first tick falls within
 * {@code --window-ms} of the {@code go} command (the engine's first-tick window). The pool has one
 * slot per target and the host bulkhead as many, so nothing but the engine's own cost limits how
 * many checks are in flight. Results go to an {@link InflightTally}.
 *
 * <p>Protocol ({@link ChildChannel}): prints {@code started} once the engine runs; then
 * {@code endpoints <seq> h:p,h:p,...} (makes the targets, warms up (see {@link #warmUp}), answers
 * {@code ready} with {@code warm_up_checks_up}), {@code go} (schedules every target; answers {@code scheduled} with {@code at_ms}),
 * {@code sample <seq>} (answers {@code in_flight} (the pool's running count), {@code waiting},
 * {@code completed}, {@code failed}, {@code heap_used}, {@code rss} (bytes), {@code fds}),
 * {@code gc <seq>} (a full GC, then {@code live_heap}, bytes) and {@code finish} (stops the engine,
 * waits for checks in flight (5 s, or up to 60 s on a starved machine), answers {@code summary} (see
 * {@link InflightTally#summary}) and exits). Exits when stdin ends.
 *
 * <p>Usage: {@code InflightShard --shard K --first I --count N --timeout-ms T --window-ms W --lanes L
 * --warm-up N}.
 */
public final class InflightShard {
    private static final RegionId REGION = new RegionId("local");
    private static final Duration INTERVAL = Duration.ofHours(1);
    /** A breaker that does not open on a run's failures: they are the figures, not something to shed. */
    private static final BreakerSettings LENIENT = new BreakerSettings(100, 100, 100, Duration.ofSeconds(30), 3);

    private final ProbeEngine engine;
    private final InflightTally tally;
    private final ChildChannel channel;
    private final int first;
    private final int count;
    private final Duration timeout;
    private final int warmUpChecks;
    private List<Target> targets = List.of();

    private InflightShard(ProbeEngine engine, InflightTally tally, ChildChannel channel, int first, int count, Duration timeout,
                          int warmUpChecks) {
        this.engine = engine;
        this.tally = tally;
        this.channel = channel;
        this.first = first;
        this.count = count;
        this.timeout = timeout;
        this.warmUpChecks = warmUpChecks;
    }

    /** Entry point; see the class comment. Exits 2 on a bad argument. */
    public static void main(String[] args) throws Exception {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args, Map.of("shard", "0", "first", "0", "count", "1000",
                    "timeout-ms", "30000", "window-ms", "1000", "lanes", "2", "warm-up", "2000"));
        } catch (IllegalArgumentException e) {
            System.err.println("inflight shard: " + e.getMessage());
            System.exit(2);
            return;
        }
        int count = options.integer("count", 1, 10_000_000);
        EngineSettings settings = new EngineSettings(REGION, "inflight-shard-" + options.integer("shard", 0, 10_000), count,
                Duration.ofSeconds(1), Duration.ZERO, options.integer("lanes", 1, 64), List.of(Cidr.parse("127.0.0.0/8")),
                Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofMinutes(5), LENIENT, count,
                Duration.ofMillis(options.integer("window-ms", 0, 3_600_000)));
        ChildChannel channel = new ChildChannel();
        InflightTally tally = new InflightTally(count);
        Vertx vertx = EngineVertx.create();
        try {
            ProbeEngine engine = ProbeEngine.start(vertx, settings, Clock.systemUTC(), tally, new SimpleMeterRegistry())
                    .await(30, TimeUnit.SECONDS);
            InflightShard shard = new InflightShard(engine, tally, channel, options.integer("first", 0, Integer.MAX_VALUE),
                    count, Duration.ofMillis(options.integer("timeout-ms", 1, 3_600_000)), options.integer("warm-up", 0, 1_000_000));
            // Loads the JMX and /proc readers now, not in the first sample of the burst.
            channel.send(ChildChannel.withProcessFigures(channel.message("started", -1), new String[] {"fds"}));
            channel.serve("finish", shard::handle);
            try {
                engine.shutdown(Duration.ofSeconds(5)).await(60, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                // A starved machine: report what arrived rather than nothing.
                System.err.println("inflight shard: engine did not stop within 60 s; summary of the results so far");
            }
            channel.send(tally.summary(channel.message("summary", -1)));
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
        System.exit(0);
    }

    /** Handles one command (on the stdin thread; the engine runs on its event loops). */
    private void handle(String[] words) {
        long seq = ChildChannel.seq(words);
        switch (words[0]) {
            case "endpoints" -> {
                targets = targets(first, count, List.of(words[2].split(",")), timeout);
                channel.send(channel.message("ready", seq).put("warm_up_checks_up", warmUp(engine, targets, warmUpChecks)));
            }
            case "go" -> engine.sync(targets).onComplete(done ->
                    channel.send(channel.message("scheduled", seq).put("at_ms", System.currentTimeMillis())));
            case "sample" -> channel.send(ChildChannel.withProcessFigures(channel.message("sample", seq)
                    .put("in_flight", engine.pool().running()).put("waiting", engine.pool().waiting())
                    .put("completed", tally.completed()).put("failed", tally.failed()), words));
            case "gc" -> {
                System.gc();
                channel.send(channel.message("gc", seq)
                        .put("live_heap", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed()));
            }
            default -> System.err.println("inflight shard: unknown command " + words[0]);
        }
    }

    /**
     * Runs {@code checks} checks (at most one per target) through the engine, all at once, outside
     * the schedule and the tally, against {@link SlowTargetServer#WARM_UP_PATH} of the targets'
     * endpoints, which answer at once: loads and compiles the check path, and lets Netty register
     * its JFR buffer events, a one-time start-up cost of seconds on a busy machine that would
     * otherwise block the event loops while the measured checks start; and gives the JIT a few
     * thousand runs of the check path, as a running agent has had. Returns how many were up.
     */
    private static int warmUp(ProbeEngine engine, List<Target> targets, int checks) {
        List<Future<CheckResult>> runs = new ArrayList<>();
        for (int i = 0; i < Math.min(checks, targets.size()); i++) {
            Target target = targets.get(i);
            String url = ((HttpSpec) target.spec()).url().replaceFirst("/t/\\d+$", SlowTargetServer.WARM_UP_PATH);
            Target warm = new Target(TargetId.random(), target.orgId(), "warm-up", HttpSpec.get(url), target.interval(),
                    target.timeout(), target.regions(), Set.of(), true, target.createdAt(), target.updatedAt(), 1);
            runs.add(engine.runNow(new Check(warm, REGION, Instant.now())));
        }
        try {
            Future.join(runs).await(60, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return 0; // reported as no warm-up checks up; the run goes on
        }
        return (int) runs.stream().filter(run -> run.succeeded() && run.result().status() == Status.UP).count();
    }

    /** Targets {@code first .. first + count - 1}, target {@code i} on endpoint {@code i mod endpoints}. */
    static List<Target> targets(int first, int count, List<String> endpoints, Duration timeout) {
        Instant now = Instant.now();
        List<Target> targets = new ArrayList<>(count);
        for (int i = first; i < first + count; i++) {
            String url = "http://" + endpoints.get(i % endpoints.size()) + "/t/" + i;
            targets.add(new Target(TargetId.random(), OrgId.DEFAULT, "inflight-" + i, HttpSpec.get(url), INTERVAL, timeout,
                    List.of(REGION), Set.of(), true, now, now, 1));
        }
        return targets;
    }
}
