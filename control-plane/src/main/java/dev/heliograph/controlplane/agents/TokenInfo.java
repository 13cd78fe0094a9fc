package dev.heliograph.controlplane.agents;

import java.time.Instant;
import java.util.UUID;

/**
 * A registration token's metadata (never the token itself). {@code usedBy} is the agent it
 * registered, {@code null} while unused.
 */
public record TokenInfo(UUID id, String region, String description, Instant createdAt, Instant expiresAt,
                        Instant usedAt, UUID usedBy, Instant revokedAt) {
    /** {@code active}, {@code used}, {@code revoked} or {@code expired} at {@code now}. */
    public String state(Instant now) {
        if (revokedAt != null) {
            return "revoked";
        }
        if (usedAt != null) {
            return "used";
        }
        return expiresAt.isAfter(now) ? "active" : "expired";
    }
}
