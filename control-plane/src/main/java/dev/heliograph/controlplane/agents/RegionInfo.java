package dev.heliograph.controlplane.agents;

import java.time.Instant;

/** A region as stored. */
public record RegionInfo(String name, String description, Instant createdAt) {
}
