package dev.heliograph.controlplane.control;

import dev.heliograph.controlplane.ControlPlane;
import dev.heliograph.controlplane.config.HeliographConfig;
import dev.heliograph.controlplane.config.Logging;
import dev.heliograph.controlplane.registry.TargetRegistry;
import dev.heliograph.domain.RegionId;
import dev.heliograph.probe.EngineSettings;
import dev.heliograph.probe.ProbeEngine;
import dev.heliograph.probe.net.AddressGuard;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the live keys of a configuration ({@link dev.heliograph.controlplane.config.ConfigDiff#LIVE_KEYS})
 * into the running control plane: engine settings (jitter, pool, breakers, bulkheads, SSRF
 * allow-list) through {@link ProbeEngine#reconfigure}, the registry's refresh interval, the API's
 * SSRF guard, and the log level. Keys that need a restart keep the values the process started
 * with. Thread-safe.
 */
public final class LiveSettings {
    private static final Logger LOG = LoggerFactory.getLogger(LiveSettings.class);

    private final HeliographConfig started;
    private final ProbeEngine engine;
    private final TargetRegistry registry;
    private final AtomicReference<AddressGuard> guard;

    /** @param started the configuration the process started with; its restart-only keys stay in force */
    public LiveSettings(HeliographConfig started, ProbeEngine engine, TargetRegistry registry) {
        this.started = started;
        this.engine = engine;
        this.registry = registry;
        this.guard = new AtomicReference<>(new AddressGuard(started.probe().allowedNetworks()));
    }

    /**
     * Applies {@code live} (validated) to the running parts, engine first.
     *
     * @throws RuntimeException when a part refuses the settings; parts applied before it keep the
     *                          new values, the caller reports the failure
     */
    public void apply(HeliographConfig live) {
        // The one place where a reload reaches the probe engine.
        List<String> notApplied = engine.reconfigure(engineSettings(started, live));
        if (!notApplied.isEmpty()) {
            LOG.warn("probe engine kept its start-up values for {}", notApplied);
        }
        registry.refreshEvery(Duration.ofSeconds(live.scheduler().refreshIntervalS()));
        guard.set(new AddressGuard(live.probe().allowedNetworks()));
        Logging.setLevel(live.log().level());
    }

    /** The SSRF guard the API judges IP-literal target addresses with, following {@code probe.allowed_cidrs}. */
    public AddressGuard guard() {
        return guard.get();
    }

    /**
     * The engine settings for {@code live}: region, lanes and resolver bounds from {@code started}
     * (restart-only), every other field from {@code live}. {@code scheduler.lanes} 0 means two lanes
     * per available processor.
     */
    public static EngineSettings engineSettings(HeliographConfig started, HeliographConfig live) {
        HeliographConfig.Probe probe = started.probe();
        HeliographConfig.Breaker breaker = live.breaker();
        int lanes = started.scheduler().lanes() == 0 ? 2 * Runtime.getRuntime().availableProcessors() : started.scheduler().lanes();
        return new EngineSettings(new RegionId(started.scheduler().region()), ControlPlane.AGENT_ID,
                live.pool().maxConcurrentChecks(), Duration.ofMillis(live.pool().maxQueueWaitMs()),
                Duration.ofMillis(live.scheduler().jitterMs()), lanes, live.probe().allowedNetworks(),
                Duration.ofMillis(probe.dnsTimeoutMs()), Duration.ofSeconds(probe.dnsMinTtlS()),
                Duration.ofSeconds(probe.dnsMaxTtlS()), new EngineSettings.BreakerSettings(breaker.failureRatePercent(),
                        breaker.slidingWindow(), breaker.minimumChecks(), Duration.ofSeconds(breaker.openDurationS()),
                        breaker.halfOpenChecks()),
                live.bulkhead().maxPerHost());
    }
}
