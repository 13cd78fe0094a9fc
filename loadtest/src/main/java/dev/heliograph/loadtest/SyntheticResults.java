package dev.heliograph.loadtest;

import dev.heliograph.domain.CheckKind;
import dev.heliograph.domain.CheckResult;
import dev.heliograph.domain.Failure;
import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.PhaseTimings;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Status;
import dev.heliograph.domain.TargetId;
import java.time.Instant;
import java.util.UUID;

/**
 * Check results made up from an index, the same for the same index (so two runs of a benchmark can
 * write identical rows without holding them all): result {@code i} belongs to target
 * {@code i % targets} of three regions, about 95 % up, 2 % degraded, 2 % down and 1 % error, with
 * plausible phase timings (ms), and starts at {@code first + i × spacingMicros}. Result ids are
 * UUIDv7-shaped from the start time and {@code i}, so they are unique. Thread-safe.
 */
final class SyntheticResults {
    private static final RegionId[] REGIONS = {new RegionId("eu-west"), new RegionId("us-east"), new RegionId("ap-south")};
    private static final String[] AGENTS = {"agent-eu-1", "agent-us-1", "agent-ap-1"};

    private final TargetId[] targets;
    private final OrgId org;
    private final long firstMicros;
    private final long spacingMicros;

    /**
     * @param targets       distinct target ids, 1 or more
     * @param first         start time of result 0
     * @param spacingMicros time between consecutive results' starts, in µs (0 or more)
     */
    SyntheticResults(int targets, Instant first, long spacingMicros) {
        if (targets < 1 || spacingMicros < 0) {
            throw new IllegalArgumentException("targets must be 1 or more and spacing 0 or more");
        }
        this.targets = new TargetId[targets];
        for (int t = 0; t < targets; t++) {
            this.targets[t] = new TargetId(new UUID(0x0123_4567_89ab_4cdeL + t, 0x8000_0000_0000_0000L | (long) t * 0x9E37_79B9L));
        }
        this.org = OrgId.DEFAULT;
        this.firstMicros = first.getEpochSecond() * 1_000_000 + first.getNano() / 1_000;
        this.spacingMicros = spacingMicros;
    }

    /** Result number {@code i} (0 or more). */
    CheckResult result(long i) {
        long mix = scramble(i);
        long startedMs = (firstMicros + i * spacingMicros) / 1_000;
        Instant startedAt = Instant.ofEpochMilli(startedMs);
        int region = (int) (i % REGIONS.length);
        int bucket = (int) Long.remainderUnsigned(mix, 100);
        Status status = bucket < 95 ? Status.UP : bucket < 97 ? Status.DEGRADED : bucket < 99 ? Status.DOWN : Status.ERROR;
        double dns = 0.2 + (mix >>> 8 & 0xFF) / 100.0;
        double connect = 0.5 + (mix >>> 16 & 0x3FF) / 100.0;
        double tls = 2.0 + (mix >>> 26 & 0x7FF) / 100.0;
        double ttfb = 5.0 + (mix >>> 37 & 0xFFF) / 20.0;
        double total = dns + connect + tls + ttfb + (mix >>> 49 & 0xFF) / 10.0;
        int httpStatus = switch (status) {
            case UP, DEGRADED -> 200;
            case DOWN -> 503;
            case ERROR -> 0;
        };
        String error = switch (status) {
            case UP -> "";
            case DEGRADED -> "slower than 500 ms";
            case DOWN -> "wanted 2xx, got 503";
            case ERROR -> "connect timed out after 5000 ms";
        };
        Failure failure = switch (status) {
            case UP -> Failure.NONE;
            case DEGRADED -> Failure.SLOW;
            case DOWN -> Failure.HTTP_STATUS;
            case ERROR -> Failure.CONNECT_TIMEOUT;
        };
        PhaseTimings timings = status == Status.ERROR ? new PhaseTimings(dns, 0, 0, 0, 5000) : new PhaseTimings(dns, connect, tls, ttfb, total);
        UUID id = new UUID(startedMs << 16 | 0x7000 | (i & 0xFFF), 0x8000_0000_0000_0000L | (i & 0x3FFF_FFFF_FFFF_FFFFL));
        return new CheckResult(id, targets[(int) (i % targets.length)], org, REGIONS[region], AGENTS[region], CheckKind.HTTP,
                startedAt.minusMillis(mix >>> 57 & 0x3F), startedAt, status, failure, httpStatus, error, timings);
    }

    private static long scramble(long i) {
        long z = i * 0x9E37_79B9_7F4A_7C15L;
        z = (z ^ z >>> 30) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ z >>> 27) * 0x94D0_49BB_1331_11EBL;
        return z ^ z >>> 31;
    }
}
