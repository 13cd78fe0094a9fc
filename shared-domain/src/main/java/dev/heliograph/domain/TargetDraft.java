package dev.heliograph.domain;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What an operator sends to create or replace a target, before it has an id. {@link #validate()}
 * lists every problem at once, with the API's field names.
 *
 * @param key       the target's key, 1..128 characters of {@code [A-Za-z0-9_.:/-]}, unique within the
 *                  org; {@code null} keeps the stored key on a replace and means the id's text on create
 * @param intervalS seconds between checks from each region, 1..86400
 * @param timeoutMs ms one check may take, 1..120000 and below the interval
 * @param regions   regions the target is checked from; empty means the control plane's own region
 * @param tags      free labels, at most 32, each 1..64 characters of {@code [A-Za-z0-9_.:/=-]}
 * @param rules     when failures become an incident; {@link IncidentRules#DEFAULT} when {@code null}
 */
public record TargetDraft(String key, String name, CheckSpec spec, int intervalS, int timeoutMs, List<RegionId> regions,
                          Set<String> tags, boolean enabled, IncidentRules rules) {
    /** Shortest interval between checks, s. */
    public static final int MIN_INTERVAL_S = 1;
    /** Longest interval between checks, s. */
    public static final int MAX_INTERVAL_S = 86_400;
    /** Longest timeout of one check, ms. */
    public static final int MAX_TIMEOUT_MS = 120_000;
    /** Most tags on one target. */
    public static final int MAX_TAGS = 32;

    /** Longest key, characters. */
    public static final int MAX_KEY_LENGTH = 128;

    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_.:/=-]{1,64}");
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.:/-]{1," + MAX_KEY_LENGTH + "}");

    public TargetDraft {
        regions = regions == null ? List.of() : List.copyOf(new LinkedHashSet<>(regions));
        // Keeps a null tag so that validate() reports it as a field error.
        tags = tags == null ? Set.of() : Collections.unmodifiableSet(new LinkedHashSet<>(tags));
        rules = rules == null ? IncidentRules.DEFAULT : rules;
    }

    /** A draft with the default incident rules. */
    public TargetDraft(String key, String name, CheckSpec spec, int intervalS, int timeoutMs, List<RegionId> regions,
                       Set<String> tags, boolean enabled) {
        this(key, name, spec, intervalS, timeoutMs, regions, tags, enabled, IncidentRules.DEFAULT);
    }

    /** A draft without a key: the stored key stays on a replace, a new target gets its id's text. */
    public TargetDraft(String name, CheckSpec spec, int intervalS, int timeoutMs, List<RegionId> regions, Set<String> tags,
                       boolean enabled) {
        this(null, name, spec, intervalS, timeoutMs, regions, tags, enabled, IncidentRules.DEFAULT);
    }

    /** Whether {@code key} is a well-formed target key: 1..128 characters of {@code [A-Za-z0-9_.:/-]}. */
    public static boolean validKey(String key) {
        return key != null && KEY.matcher(key).matches();
    }

    /** Whether {@code tag} is a well-formed tag: 1..64 characters of {@code [A-Za-z0-9_.:/=-]}. */
    public static boolean validTag(String tag) {
        return tag != null && TAG.matcher(tag).matches();
    }

    /** This draft with {@code newKey} as its key. */
    public TargetDraft withKey(String newKey) {
        return new TargetDraft(newKey, name, spec, intervalS, timeoutMs, regions, tags, enabled, rules);
    }

    /** Every problem of this draft; empty when it may be stored. */
    public List<FieldError> validate() {
        List<FieldError> errors = new ArrayList<>();
        if (key != null && !validKey(key)) {
            errors.add(key.isEmpty() || key.length() <= MAX_KEY_LENGTH
                    ? new FieldError("key", FieldError.INVALID_FORMAT, "key must be 1-" + MAX_KEY_LENGTH
                            + " characters of letters, digits and _.:/-")
                    : new FieldError("key", FieldError.TOO_LONG, "key must be at most " + MAX_KEY_LENGTH + " characters"));
        }
        if (name == null || name.isBlank()) {
            errors.add(new FieldError("name", FieldError.REQUIRED, "name is required"));
        } else if (name.length() > 200) {
            errors.add(new FieldError("name", FieldError.TOO_LONG, "name must be at most 200 characters"));
        } else if (name.chars().anyMatch(Character::isISOControl)) {
            errors.add(new FieldError("name", FieldError.INVALID_FORMAT, "name must not contain control characters"));
        }
        if (spec == null) {
            errors.add(new FieldError("spec", FieldError.REQUIRED, "spec is required"));
        } else {
            errors.addAll(spec.validate());
        }
        boolean intervalOk = intervalS >= MIN_INTERVAL_S && intervalS <= MAX_INTERVAL_S;
        if (!intervalOk) {
            errors.add(new FieldError("interval_s", FieldError.OUT_OF_RANGE,
                    "interval_s must be between " + MIN_INTERVAL_S + " and " + MAX_INTERVAL_S));
        }
        if (timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
            errors.add(new FieldError("timeout_ms", FieldError.OUT_OF_RANGE, "timeout_ms must be between 1 and " + MAX_TIMEOUT_MS));
        } else if (intervalOk && (long) timeoutMs >= intervalS * 1000L) {
            errors.add(new FieldError("timeout_ms", FieldError.TIMEOUT_NOT_BELOW_INTERVAL,
                    "timeout_ms must be less than interval_s (" + intervalS * 1000L + " ms)"));
        }
        errors.addAll(rules.validate(intervalS, regions.size(), key));
        if (tags.size() > MAX_TAGS) {
            errors.add(new FieldError("tags", FieldError.OUT_OF_RANGE, "at most " + MAX_TAGS + " tags"));
        }
        for (String tag : tags) {
            if (!validTag(tag)) {
                errors.add(new FieldError("tags", FieldError.INVALID_FORMAT,
                        "tag '" + tag + "' must be 1-64 characters of letters, digits and _.:/=-"));
            }
        }
        return errors;
    }
}
