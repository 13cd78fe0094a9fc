package dev.heliograph.controlplane.incidents;

import dev.heliograph.controlplane.agents.AgentHub;
import dev.heliograph.domain.CheckResult;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Target;
import dev.heliograph.probe.ProbeEngine;
import dev.heliograph.probe.ResultSink;
import dev.heliograph.probe.check.Check;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Confirmation checks: when one region sees the first failure of a target, its other regions check it
 * on demand at once (the local region in-process, the others over their agents' held polls, the path
 * of {@code check-now}), so the quorum is decided in seconds instead of after another interval. The
 * results are stored and decided like scheduled ones. At most {@code max} run at once and one per
 * (target, region); more are skipped (the schedule and its retries still decide) and counted. A region
 * without a live agent is skipped.
 */
public final class Confirmations {
    private final ProbeEngine engine;
    private final AgentHub hub;
    private final ResultSink sink;
    private final RegionId localRegion;
    private final Clock clock;
    private final int max;
    private final AtomicInteger running = new AtomicInteger();
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicLong started = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private volatile boolean enabled;

    /** @param sink where the results go (the result batcher, which also feeds the incident engine) */
    public Confirmations(ProbeEngine engine, AgentHub hub, ResultSink sink, RegionId localRegion, Clock clock, int max, boolean enabled) {
        this.engine = engine;
        this.hub = hub;
        this.sink = sink;
        this.localRegion = localRegion;
        this.clock = clock;
        this.max = max;
        this.enabled = enabled;
    }

    /** Registers {@code heliograph_confirmations_total{outcome="started"|"skipped"}}. */
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("heliograph.confirmations", started, AtomicLong::get).tag("outcome", "started")
                .description("On-demand confirmation checks after a first failure").register(registry);
        FunctionCounter.builder("heliograph.confirmations", skipped, AtomicLong::get).tag("outcome", "skipped")
                .description("On-demand confirmation checks after a first failure").register(registry);
    }

    /** Checks {@code target} now from each of its regions other than {@code failing} and the {@code silent} ones. */
    public void request(Target target, RegionId failing, Set<RegionId> silent) {
        if (!enabled || target == null) {
            return;
        }
        for (RegionId region : target.regions()) {
            if (region.equals(failing) || silent.contains(region)) {
                continue;
            }
            String key = target.id() + "/" + region;
            if (running.get() >= max || !inFlight.add(key)) {
                skipped.incrementAndGet();
                continue;
            }
            running.incrementAndGet();
            started.incrementAndGet();
            Future<CheckResult> check = region.equals(localRegion)
                    ? engine.runNow(new Check(target, region, clock.instant()))
                    : hub.runOnce(target, region);
            check.onSuccess(result -> sink.offer(result.placed(target.orgId(), region, result.agentId())))
                    .onComplete(done -> {
                        inFlight.remove(key);
                        running.decrementAndGet();
                    });
        }
    }
}
