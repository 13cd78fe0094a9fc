package dev.heliograph.controlplane.auth;

import dev.heliograph.controlplane.api.Role;
import dev.heliograph.domain.OrgId;
import java.time.Instant;
import java.util.UUID;

/**
 * An API key's metadata; the key itself is shown once, at creation, and never stored.
 *
 * @param prefix    the key's first characters ({@code hg_key_AbCd}), to tell keys apart in listings
 * @param expiresAt {@code null} when the key never expires
 * @param revokedAt {@code null} while not revoked
 */
public record ApiKeyInfo(UUID id, OrgId org, String name, Role role, String prefix, Instant createdAt, Instant expiresAt,
                         Instant revokedAt) {
    /** Whether the key authenticates requests at {@code now}: not revoked and not expired. */
    public boolean activeAt(Instant now) {
        return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }
}
