package dev.heliograph.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.domain.IncidentRules;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Target;
import dev.heliograph.probe.codec.IncidentRulesCodec;
import dev.heliograph.probe.codec.SpecCodec;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The target file of config as code, in YAML or JSON: {@code {"version": 1, "targets": [{"key",
 * "name", "kind", "spec", "interval_s", "timeout_ms", "regions", "tags", "enabled", "incident_rules"}, ...]}}
 * ({@code incident_rules} only when not the defaults), targets
 * sorted by key, tags sorted, secret spec fields masked as {@code {"value": "***", "secret": true}}.
 * Formats, quoting and parsing: {@link ConfigFile}.
 */
public final class TargetFileCodec {
    /** The file in messages. */
    static final String WHAT = "the target file";

    private TargetFileCodec() {
    }

    /** One target of the file. */
    private record Entry(String key, String name, String kind, JsonNode spec, long intervalS, long timeoutMs,
                         List<String> regions, List<String> tags, boolean enabled, JsonNode incidentRules) {
        static Entry of(Target target) {
            return new Entry(target.key(), target.name(), target.kind().wire(), SpecCodec.masked(target.spec()),
                    target.interval().toSeconds(), target.timeout().toMillis(), target.regions().stream().map(RegionId::value).toList(),
                    target.tags().stream().sorted().toList(), target.enabled(),
                    target.rules().equals(IncidentRules.DEFAULT) ? null : IncidentRulesCodec.tree(target.rules()));
        }
    }

    /** The file of {@code targets} (any order) in {@code format}. */
    static String write(ConfigFile.Format format, List<Target> targets) {
        return ConfigFile.write(format, Map.of("targets", targets.stream().sorted(Comparator.comparing(Target::key)).map(Entry::of).toList()));
    }

    /**
     * Parses a file's text in {@code format}. Throws {@link ApiException} 400 {@code MALFORMED_YAML}
     * or {@code MALFORMED_JSON} with {@code line} and {@code column} (also for a key given twice in one
     * object), and 400 {@code MALFORMED_JSON}/{@code MALFORMED_YAML} for an empty text.
     */
    static JsonNode read(ConfigFile.Format format, String text) {
        return ConfigFile.read(format, text, WHAT);
    }
}
