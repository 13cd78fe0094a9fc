package dev.heliograph.domain;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * When a target's failures become an incident: per region, {@code failureThreshold} consecutive
 * failing results turn the region down and {@code recoveryThreshold} consecutive good ones turn it up
 * again (hysteresis); while a region fails but is not yet down it is checked again after the retry
 * interval instead of a whole interval; the target is down when {@code quorum} of its reporting regions
 * are down. {@code parent} names another target of the org (by key): while that one is down, this
 * target's incidents are opened as caused by it and not notified separately.
 *
 * @param failureThreshold  consecutive failures that turn a region down, 1..100 (default 2)
 * @param recoveryThreshold consecutive successes that turn it up again, 1..100 (default 2)
 * @param retryIntervalS    s between re-checks of a failing region, 1..the target's interval;
 *                          {@code null}: the smaller of the interval and {@value #DEFAULT_RETRY_S} s
 * @param quorum            regions that must be down; {@link Quorum#MAJORITY} by default
 * @param parent            the parent target's key, or {@code null}
 */
public record IncidentRules(int failureThreshold, int recoveryThreshold, Integer retryIntervalS, Quorum quorum, String parent) {
    /** Default consecutive failures and successes. */
    public static final int DEFAULT_THRESHOLD = 2;
    /** Largest threshold. */
    public static final int MAX_THRESHOLD = 100;
    /** Default retry interval cap, s. */
    public static final int DEFAULT_RETRY_S = 10;
    /** The rules a target gets when it names none. */
    public static final IncidentRules DEFAULT = new IncidentRules(DEFAULT_THRESHOLD, DEFAULT_THRESHOLD, null, Quorum.MAJORITY, null);

    public IncidentRules {
        quorum = quorum == null ? Quorum.MAJORITY : quorum;
    }

    /** The time between re-checks of a failing region of a target checked every {@code interval}. */
    public Duration retryInterval(Duration interval) {
        Duration retry = retryIntervalS == null ? Duration.ofSeconds(DEFAULT_RETRY_S) : Duration.ofSeconds(retryIntervalS);
        return retry.compareTo(interval) < 0 ? retry : interval;
    }

    /**
     * Every problem of these rules for a target checked every {@code intervalS} s from
     * {@code regions} regions, with field paths {@code incident_rules.*}; empty when valid. The
     * parent's existence is checked by the caller (it needs the org's targets).
     *
     * @param ownKey the target's own key (a target cannot be its own parent); {@code null} when unknown
     */
    public List<FieldError> validate(int intervalS, int regions, String ownKey) {
        List<FieldError> errors = new ArrayList<>();
        if (failureThreshold < 1 || failureThreshold > MAX_THRESHOLD) {
            errors.add(new FieldError("incident_rules.failure_threshold", FieldError.OUT_OF_RANGE,
                    "failure_threshold must be between 1 and " + MAX_THRESHOLD));
        }
        if (recoveryThreshold < 1 || recoveryThreshold > MAX_THRESHOLD) {
            errors.add(new FieldError("incident_rules.recovery_threshold", FieldError.OUT_OF_RANGE,
                    "recovery_threshold must be between 1 and " + MAX_THRESHOLD));
        }
        if (retryIntervalS != null && (retryIntervalS < 1 || retryIntervalS > Math.max(1, intervalS))) {
            errors.add(new FieldError("incident_rules.retry_interval_s", FieldError.OUT_OF_RANGE,
                    "retry_interval_s must be between 1 and interval_s (" + intervalS + ")"));
        }
        if (quorum.count() > Math.max(1, regions)) {
            errors.add(new FieldError("incident_rules.quorum", FieldError.OUT_OF_RANGE,
                    "quorum must not exceed the target's " + regions + " region(s)"));
        }
        if (parent != null) {
            if (!TargetDraft.validKey(parent)) {
                errors.add(new FieldError("incident_rules.parent", FieldError.INVALID_FORMAT,
                        "parent must be the key of another target of the org"));
            } else if (Objects.equals(parent, ownKey)) {
                errors.add(new FieldError("incident_rules.parent", FieldError.CONFLICT, "a target cannot be its own parent"));
            }
        }
        return errors;
    }
}
