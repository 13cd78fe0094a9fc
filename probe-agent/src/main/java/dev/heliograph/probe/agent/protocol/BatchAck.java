package dev.heliograph.probe.agent.protocol;

/**
 * Answer to a result batch: every result up to {@code acked_seq} is settled; the agent may drop them
 * from its write-ahead log. {@code stored} were written to ClickHouse by this request,
 * {@code duplicates} were already held, {@code rejected} were refused for good (a target this
 * control plane does not know, e.g. deleted meanwhile) and will not be stored.
 */
public record BatchAck(long ackedSeq, int stored, int duplicates, int rejected) {
}
