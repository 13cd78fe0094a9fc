package dev.heliograph.controlplane.auth;

import dev.heliograph.domain.OrgId;
import java.time.Instant;

/** A tenant: its id, unique name and creation time. */
public record OrgInfo(OrgId id, String name, Instant createdAt) {
}
