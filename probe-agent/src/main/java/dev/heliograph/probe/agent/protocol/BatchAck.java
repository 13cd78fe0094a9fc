package dev.heliograph.probe.agent.protocol;

/**
 * Answer to a result batch: every result up to {@code acked_seq} is stored in ClickHouse; the agent
 * may drop them from its write-ahead log. {@code stored} were written by this request,
 * {@code duplicates} were already held.
 */
public record BatchAck(long ackedSeq, int stored, int duplicates) {
}
