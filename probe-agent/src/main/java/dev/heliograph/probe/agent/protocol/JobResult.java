package dev.heliograph.probe.agent.protocol;

/** Body of {@code POST /agent/v1/jobs/{job_id}/result}: the one result of an on-demand job. */
public record JobResult(WireResult result) {
}
