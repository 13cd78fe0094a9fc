package dev.heliograph.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.probe.codec.IncidentRulesCodec;
import dev.heliograph.probe.codec.SpecCodec;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Target;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;

/**
 * A target as the API shows it. Times are RFC 3339 UTC. A secret field of the spec is shown as
 * {@code {"value": "***", "secret": true}}, never with its value.
 */
public record TargetView(String id,
                         @Schema(description = "the target's stable name for tools, unique within the org") String key,
                         String name, @Schema(allowableValues = {"http", "tcp"}) String kind,
                         @Schema(types = "object", description = "the kind's settings with defaults filled in; secret values as "
                                 + "{\"value\": \"***\", \"secret\": true}") JsonNode spec, long intervalS, long timeoutMs,
                         List<String> regions, List<String> tags, boolean enabled, Instant createdAt,
                         Instant updatedAt, long version,
                         @Schema(types = "object", description = "the incident rules with defaults filled in; retry_interval_s is "
                                 + "absent when it follows the interval (min(interval_s, 10))") JsonNode incidentRules) {
    /** The view of {@code target}. */
    public static TargetView of(Target target) {
        return new TargetView(target.id().toString(), target.key(), target.name(), target.kind().wire(),
                SpecCodec.masked(target.spec()), target.interval().toSeconds(), target.timeout().toMillis(),
                target.regions().stream().map(RegionId::value).toList(), target.tags().stream().sorted().toList(),
                target.enabled(), target.createdAt(), target.updatedAt(), target.version(),
                IncidentRulesCodec.tree(target.rules()));
    }
}
