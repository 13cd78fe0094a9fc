package dev.heliograph.controlplane.incidents;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.heliograph.domain.RegionId;
import dev.heliograph.probe.codec.Json;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON of {@code target_states.state}: {@code {"regions": {"eu": {"down": true, "failures": 2, ...}},
 * "transitions": [...], "flapping": false, "config_error": false}}; the verdict and its time are
 * columns of their own.
 */
final class HealthCodec {
    private HealthCodec() {
    }

    private record Stored(Map<String, RegionState> regions, List<Instant> transitions, boolean flapping, boolean configError) {
    }

    static String write(TargetHealth health) {
        Map<String, RegionState> regions = new HashMap<>();
        health.regions().forEach((region, state) -> regions.put(region.value(), state));
        try {
            return Json.MAPPER.writeValueAsString(new Stored(regions, health.transitions(), health.flapping(), health.configError()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a target's health", e);
        }
    }

    /** Reads a stored row; throws {@link IllegalStateException} when it does not parse (a damaged row). */
    static TargetHealth read(String json, Verdict verdict, Instant since) {
        try {
            Stored stored = Json.MAPPER.readValue(json, Stored.class);
            Map<RegionId, RegionState> regions = new HashMap<>();
            if (stored.regions() != null) {
                stored.regions().forEach((region, state) -> regions.put(new RegionId(region), state));
            }
            return new TargetHealth(regions, verdict, since, stored.transitions() == null ? List.of() : stored.transitions(),
                    stored.flapping(), stored.configError());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored target state does not parse: " + e.getOriginalMessage(), e);
        }
    }
}
