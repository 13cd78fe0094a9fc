package dev.heliograph.probe;

import dev.heliograph.domain.RegionId;
import dev.heliograph.probe.net.Cidr;
import dev.heliograph.probe.schedule.CheckScheduler;
import java.time.Duration;
import java.util.List;

/**
 * How a probe engine runs; built from validated configuration by the process that owns it.
 *
 * @param region              the region this engine checks from
 * @param agentId             recorded on every result ({@code control-plane} for the in-process engine)
 * @param maxConcurrentChecks worker-pool slots
 * @param maxQueueWait        longest wait for a slot before a check is recorded as "pool saturated"
 * @param maxJitter           largest shift of a tick from its grid point
 * @param lanes               scheduler lanes (event loops used for timers and checks), at least 1
 * @param allowedCidrs        networks the SSRF guard lets checks connect to although they are blocked classes
 * @param dnsTimeout          per-query resolver timeout
 * @param dnsMinTtl           shortest time a resolved name stays cached
 * @param dnsMaxTtl           longest time a resolved name stays cached
 * @param breaker             per-host circuit breaker settings
 * @param maxChecksPerHost    per-tenant bulkhead: concurrent checks of one (org, host, port)
 * @param firstTickWindow     a newly scheduled target's first tick lands at a random point this long
 *                            after it is scheduled, capped at its interval; zero or more, not live.
 *                            {@link CheckScheduler#WHOLE_INTERVAL} (what the 12-argument constructor
 *                            sets, and what agents and the control plane use) spreads first ticks
 *                            over the whole interval; a short window makes every target due at once
 */
public record EngineSettings(RegionId region, String agentId, int maxConcurrentChecks, Duration maxQueueWait,
                             Duration maxJitter, int lanes, List<Cidr> allowedCidrs, Duration dnsTimeout,
                             Duration dnsMinTtl, Duration dnsMaxTtl, BreakerSettings breaker, int maxChecksPerHost,
                             Duration firstTickWindow) {
    /** Settings whose first ticks are spread over each target's whole interval (the default). */
    public EngineSettings(RegionId region, String agentId, int maxConcurrentChecks, Duration maxQueueWait,
                          Duration maxJitter, int lanes, List<Cidr> allowedCidrs, Duration dnsTimeout,
                          Duration dnsMinTtl, Duration dnsMaxTtl, BreakerSettings breaker, int maxChecksPerHost) {
        this(region, agentId, maxConcurrentChecks, maxQueueWait, maxJitter, lanes, allowedCidrs, dnsTimeout, dnsMinTtl,
                dnsMaxTtl, breaker, maxChecksPerHost, CheckScheduler.WHOLE_INTERVAL);
    }

    /**
     * Per-host circuit breaker: opens at {@code failureRatePercent} failures over the last
     * {@code slidingWindow} checks (after {@code minimumChecks}); stays open {@code openDuration};
     * then admits {@code halfOpenChecks} trial checks.
     */
    public record BreakerSettings(int failureRatePercent, int slidingWindow, int minimumChecks, Duration openDuration,
                                  int halfOpenChecks) {
    }
}
