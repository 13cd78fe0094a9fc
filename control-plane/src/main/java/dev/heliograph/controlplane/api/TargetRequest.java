package dev.heliograph.controlplane.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.probe.codec.IncidentRulesCodec;
import dev.heliograph.probe.codec.SpecCodec;
import dev.heliograph.domain.CheckKind;
import dev.heliograph.domain.CheckSpec;
import dev.heliograph.domain.FieldError;
import dev.heliograph.domain.HttpSpec;
import dev.heliograph.domain.IncidentRules;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.TargetDraft;
import dev.heliograph.domain.TcpSpec;
import dev.heliograph.probe.net.AddressGuard;
import dev.heliograph.probe.net.NameResolver;
import io.swagger.v3.oas.annotations.media.Schema;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The body of {@code POST /api/v1/targets} and {@code PUT /api/v1/targets/{id}}. Absent fields take
 * defaults: {@code interval_s} 60, {@code timeout_ms} the smaller of 10000 and half the interval,
 * {@code regions} the control plane's region, no tags, enabled. A host given as an IP literal that
 * the SSRF guard refuses is a validation error ({@code BLOCKED_ADDRESS}), and so is a region that
 * does not exist ({@code UNKNOWN_REGION}). {@code key} is optional: a new target without one gets its
 * id's text, a replace without one keeps the stored key.
 *
 * <p>Secret-capable spec fields (header values, {@code body}, {@code basic_auth.password}) are a
 * string or {@code {"value": "...", "secret": true|false}}; see {@link SecretFields} for
 * {@code "***"}. {@link #toString()} leaves the spec out.
 */
@Schema(description = "The settings of a target (create, replace, test).")
public record TargetRequest(
        @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "the target's stable name for tools: "
                + "1..128 characters of [A-Za-z0-9_.:/-], unique within the org; default on create the id's text, on "
                + "replace the stored key") String key,
        @Schema(description = "1..200 characters, unique within the org", example = "example health") String name,
        @Schema(allowableValues = {"http", "tcp"}) String kind,
        @Schema(types = "object", description = SPEC_DOC) JsonNode spec,
        @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "seconds between checks from each region, "
                + "1..86400; default 60") Integer intervalS,
        @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "time one check may take, 1..120000 ms and "
                + "below the interval; default the smaller of 10000 and half the interval") Integer timeoutMs,
        @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "regions the target is checked from; "
                + "default the control plane's own") List<String> regions,
        @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "up to 32 labels of [A-Za-z0-9_.:/=-], "
                + "1..64 characters") List<String> tags,
        @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, description = "false pauses the target; default true")
        Boolean enabled,
        @Schema(requiredMode = Schema.RequiredMode.NOT_REQUIRED, types = "object", description = INCIDENT_RULES_DOC)
        JsonNode incidentRules) {
    /** Description of {@code incident_rules} in the OpenAPI document. */
    static final String INCIDENT_RULES_DOC = "when failures become an incident; every field optional: failure_threshold "
            + "(consecutive failures that turn a region down, 1..100, default 2), recovery_threshold (consecutive successes "
            + "that turn it up, 1..100, default 2), retry_interval_s (re-check of a failing region, 1..interval_s, default "
            + "min(interval_s, 10)), quorum (regions that must be down: a number, \"N%\" or \"majority\", the default), "
            + "parent (key of another target of the org: while it is down, this target's incidents are caused by it and "
            + "not notified)";

    /** Description of {@code spec} in the OpenAPI document. */
    static final String SPEC_DOC = "the kind's settings. http: url (required), method, headers, body, expected_status "
            + "([\"2xx\"]; codes, classes or ranges), body_contains, follow_redirects, max_redirects, verify_tls, "
            + "degraded_after_ms, basic_auth {username, password}; a header value, body and basic_auth.password may be "
            + "{\"value\": ..., \"secret\": true}. tcp: host, port (required), send, expect";

    /** Default interval between checks, s. */
    public static final int DEFAULT_INTERVAL_S = 60;

    /**
     * The validated draft of a target that is not stored: {@code "***"} in a secret field is an error.
     * Throws {@link ApiException} as {@link #toDraft(RegionId, AddressGuard, Predicate, CheckSpec, boolean)}.
     */
    public TargetDraft toDraft(RegionId defaultRegion, AddressGuard guard, Predicate<RegionId> regionExists) {
        return toDraft(defaultRegion, guard, regionExists, null, true);
    }

    /**
     * The validated draft. Throws {@link ApiException}: 400 for unknown or mistyped spec fields,
     * 422 {@code VALIDATION_FAILED} listing every invalid field in {@code details.fields}.
     *
     * @param stored          the stored spec of the target being replaced, whose secrets {@code "***"}
     *                        keeps; {@code null} on create
     * @param canStoreSecrets {@code false} when {@code secret.key} is not set: each secret field is
     *                        then a {@code SECRET_KEY_MISSING} error
     */
    public TargetDraft toDraft(RegionId defaultRegion, AddressGuard guard, Predicate<RegionId> regionExists,
                               CheckSpec stored, boolean canStoreSecrets) {
        Validated validated = validate(defaultRegion, guard, regionExists, stored, canStoreSecrets);
        if (!validated.errors().isEmpty()) {
            throw validationFailed(validated.errors());
        }
        return validated.draft();
    }

    /**
     * The draft, or every field error of this request.
     *
     * @param draft  the validated draft; {@code null} when there are errors
     * @param errors every field error, with the API's field paths ({@code spec.url}); empty when valid
     */
    public record Validated(TargetDraft draft, List<FieldError> errors) {
    }

    /**
     * Validates like {@link #toDraft(RegionId, AddressGuard, Predicate, CheckSpec, boolean)}, but
     * returns the field errors instead of throwing them. Still throws {@link ApiException} 400 for
     * unknown or mistyped spec fields.
     */
    public Validated validate(RegionId defaultRegion, AddressGuard guard, Predicate<RegionId> regionExists,
                              CheckSpec stored, boolean canStoreSecrets) {
        List<FieldError> errors = new ArrayList<>();
        CheckSpec parsed = parseSpec(errors, stored);
        if (parsed != null && !canStoreSecrets) {
            SpecCodec.secretFields(parsed).forEach(field -> errors.add(new FieldError(field, FieldError.SECRET_KEY_MISSING,
                    field + " is secret, and secrets are stored encrypted: set secret.key (HELIOGRAPH_SECRET_KEY, the "
                            + "base64 of 32 random bytes) and restart the control plane")));
        }
        if (parsed != null) {
            blockedLiteral(parsed, guard).ifPresent(errors::add);
        }
        int interval = intervalS == null ? DEFAULT_INTERVAL_S : intervalS;
        int timeout = timeoutMs == null ? (int) Math.min(10_000L, Math.max(1L, interval * 500L)) : timeoutMs;
        List<RegionId> regionIds = new ArrayList<>();
        if (regions == null || regions.isEmpty()) {
            regionIds.add(defaultRegion);
        } else {
            for (int i = 0; i < regions.size(); i++) {
                if (RegionId.isValid(regions.get(i))) {
                    RegionId region = new RegionId(regions.get(i));
                    regionIds.add(region);
                    if (!regionExists.test(region)) {
                        errors.add(new FieldError("regions[" + i + "]", FieldError.UNKNOWN_REGION,
                                "region '" + region + "' does not exist (create it with POST /api/v1/regions)"));
                    }
                } else {
                    errors.add(new FieldError("regions[" + i + "]", FieldError.INVALID_FORMAT,
                            "region must be 1-63 characters of a-z, 0-9 and '-'"));
                }
            }
        }
        IncidentRules rules = IncidentRulesCodec.read(incidentRules, errors);
        TargetDraft draft = new TargetDraft(key, name, parsed, interval, timeout, regionIds,
                tags == null ? null : new HashSet<>(tags), enabled == null || enabled, rules);
        draft.validate().stream()
                .filter(error -> parsed != null || !error.field().equals("spec"))
                .forEach(errors::add);
        return errors.isEmpty() ? new Validated(draft, List.of()) : new Validated(null, List.copyOf(errors));
    }

    private CheckSpec parseSpec(List<FieldError> errors, CheckSpec stored) {
        if (kind == null) {
            errors.add(new FieldError("kind", FieldError.REQUIRED, "kind is required (http or tcp)"));
            return null;
        }
        CheckKind checkKind;
        try {
            checkKind = CheckKind.fromWire(kind);
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError("kind", FieldError.INVALID_FORMAT, "kind must be http or tcp"));
            return null;
        }
        if (spec == null || spec.isNull()) {
            errors.add(new FieldError("spec", FieldError.REQUIRED, "spec is required"));
            return null;
        }
        try {
            return SpecCodec.read(checkKind, SecretFields.resolve(checkKind, spec, stored, errors));
        } catch (JsonProcessingException e) {
            throw JsonBody.fieldError(e, "spec.");
        }
    }

    /** The error for a spec whose host is an IP literal the SSRF guard refuses (names are judged per check). */
    private static Optional<FieldError> blockedLiteral(CheckSpec spec, AddressGuard guard) {
        InetAddress literal = spec.host() == null ? null : NameResolver.literal(spec.host());
        if (literal == null) {
            return Optional.empty();
        }
        String field = switch (spec) {
            case HttpSpec ignored -> "spec.url";
            case TcpSpec ignored -> "spec.host";
        };
        return guard.refusal(literal).map(reason -> new FieldError(field, FieldError.BLOCKED_ADDRESS, "blocked by SSRF guard: " + reason));
    }

    /** The fields without the spec, which may hold secrets. */
    @Override
    public String toString() {
        return "TargetRequest[key=" + key + ", name=" + name + ", kind=" + kind + ", intervalS=" + intervalS + ", timeoutMs=" + timeoutMs
                + ", regions=" + regions + ", tags=" + tags + ", enabled=" + enabled + ", incidentRules=" + incidentRules + "]";
    }

    /** 422 with every field error. */
    static ApiException validationFailed(List<FieldError> errors) {
        List<Map<String, String>> fields = errors.stream()
                .map(e -> Map.of("field", e.field(), "code", e.code(), "message", e.message()))
                .toList();
        String summary = errors.size() == 1 ? errors.getFirst().message() : errors.size() + " fields are invalid";
        return new ApiException(422, "VALIDATION_FAILED", summary, Map.of("fields", fields));
    }
}
