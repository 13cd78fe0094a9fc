package dev.heliograph.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A registered target as stored: what to check ({@code spec}), how often ({@code interval}), how
 * long one check may take ({@code timeout}) and from which regions. {@code version} starts at 1
 * and grows by one on every change, so a scheduler can tell a stale copy from a fresh one.
 *
 * @param key the target's stable name for tools (config files, bulk changes): unique within the
 *            org, 1..128 characters of {@code [A-Za-z0-9_.:/-]} ({@link TargetDraft#validKey});
 *            the id's text when the operator gave none
 * @param rules when its failures become an incident ({@link IncidentRules#DEFAULT} when none were given)
 */
public record Target(TargetId id, OrgId orgId, String key, String name, CheckSpec spec, Duration interval, Duration timeout,
                     List<RegionId> regions, Set<String> tags, boolean enabled, Instant createdAt, Instant updatedAt,
                     long version, IncidentRules rules) {
    public Target {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(orgId, "orgId");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        regions = List.copyOf(regions);
        tags = Set.copyOf(tags);
        rules = rules == null ? IncidentRules.DEFAULT : rules;
    }

    /** A target with the default incident rules. */
    public Target(TargetId id, OrgId orgId, String key, String name, CheckSpec spec, Duration interval, Duration timeout,
                  List<RegionId> regions, Set<String> tags, boolean enabled, Instant createdAt, Instant updatedAt,
                  long version) {
        this(id, orgId, key, name, spec, interval, timeout, regions, tags, enabled, createdAt, updatedAt, version,
                IncidentRules.DEFAULT);
    }

    /** A target whose key is the text of its id (the default key; for targets built in code). */
    public Target(TargetId id, OrgId orgId, String name, CheckSpec spec, Duration interval, Duration timeout,
                  List<RegionId> regions, Set<String> tags, boolean enabled, Instant createdAt, Instant updatedAt,
                  long version) {
        this(id, orgId, id.toString(), name, spec, interval, timeout, regions, tags, enabled, createdAt, updatedAt, version);
    }

    /** The time between re-checks of a failing region ({@link IncidentRules#retryInterval}). */
    public Duration retryInterval() {
        return rules.retryInterval(interval);
    }

    /** The protocol this target is checked with. */
    public CheckKind kind() {
        return spec.kind();
    }

    /** Whether checks of this target run from {@code region}. */
    public boolean checkedFrom(RegionId region) {
        return regions.contains(region);
    }
}
