package dev.heliograph.probe.agent.protocol;

import java.util.List;

/**
 * Answer of {@code GET /agent/v1/work} with 200: either the agent's full assignment set
 * ({@code type = "assignment"}: {@code version} and {@code targets}), which replaces whatever the
 * agent checked before, or one on-demand job ({@code type = "job"}: {@code job}).
 */
public record WorkResponse(String type, Long version, List<WireTarget> targets, WireJob job) {
    /** {@link #type} of an assignment set. */
    public static final String ASSIGNMENT = "assignment";
    /** {@link #type} of an on-demand job. */
    public static final String JOB = "job";

    /** An assignment set of region version {@code version}. */
    public static WorkResponse assignment(long version, List<WireTarget> targets) {
        return new WorkResponse(ASSIGNMENT, version, List.copyOf(targets), null);
    }

    /** An on-demand job. */
    public static WorkResponse job(WireJob job) {
        return new WorkResponse(JOB, null, null, job);
    }
}
