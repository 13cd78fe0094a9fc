package dev.heliograph.controlplane.agents;

import dev.heliograph.domain.RegionId;
import java.time.Instant;
import java.util.UUID;

/**
 * A registered agent as stored. {@code signingKey} is the HMAC key of the agent protocol (SHA-256 of
 * the agent key as issued); {@code lastBatchSeq} the highest result sequence acknowledged to it.
 */
public record AgentRecord(UUID id, String name, RegionId region, String version, byte[] signingKey,
                          Instant registeredAt, Instant lastSeen, AgentStatus status, long lastBatchSeq) {
}
