package dev.heliograph.probe.check;

import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Target;
import java.time.Instant;

/**
 * One check to run: which target, from which region, and when it was planned to start (UTC). The
 * executor compares its actual start with {@code scheduledAt}; the difference is scheduler lag.
 */
public record Check(Target target, RegionId region, Instant scheduledAt) {
}
