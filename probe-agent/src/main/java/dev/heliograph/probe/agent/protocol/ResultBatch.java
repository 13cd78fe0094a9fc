package dev.heliograph.probe.agent.protocol;

import java.util.List;

/**
 * Body of {@code POST /agent/v1/results}: results with consecutive sequence numbers
 * {@code first_seq..last_seq}, in the order they were made. {@code last_seq} is the batch's
 * sequence number: the control plane stores only results above the highest sequence it has
 * acknowledged to this agent, so a retried batch (also one cut differently after an agent restart)
 * is never stored twice. {@code attempt} is 1 on the first send and higher on every resend
 * (including replays from the write-ahead log after a restart); the control plane then also checks
 * ClickHouse for result ids it already holds. {@code dropped} is how many results the agent has
 * dropped since it started because its write-ahead log could not keep them (full, or a failed
 * write; cumulative: the control plane
 * counts the increase).
 */
public record ResultBatch(long firstSeq, long lastSeq, int attempt, long dropped, List<WireResult> results) {
}
