package dev.heliograph.probe.agent.protocol;

/**
 * An on-demand check (check-now or test): run {@code target} once, now, and post the result to
 * {@code /agent/v1/jobs/{job_id}/result}. The result is not written to the agent's write-ahead log;
 * the control plane decides whether it is stored.
 */
public record WireJob(String jobId, WireTarget target) {
}
