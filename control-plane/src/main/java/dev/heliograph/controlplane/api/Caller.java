package dev.heliograph.controlplane.api;

import dev.heliograph.domain.OrgId;
import java.util.UUID;

/**
 * Who made an authenticated API request: the key's org and role.
 *
 * @param org   the org every store call of the request is scoped to
 * @param role  the key's role
 * @param keyId the API key's id ({@code null} for routes that need no key)
 */
public record Caller(OrgId org, Role role, UUID keyId) {
    /** Whether the caller belongs to the operator org, which runs the shared infrastructure. */
    public boolean operator() {
        return OrgId.DEFAULT.equals(org);
    }
}
