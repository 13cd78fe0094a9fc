package dev.heliograph.controlplane.pipeline;

/**
 * A snapshot of the batcher's counters since start.
 *
 * @param accepted          results taken into the queue
 * @param written           results acknowledged by the writer
 * @param droppedQueueFull  results refused because the queue was full
 * @param queued            results waiting now (including a batch being written or retried)
 * @param failedWrites      write attempts that failed (each retried)
 * @param lastError         the last write failure's message, or {@code null} after a success
 */
public record BatcherStats(long accepted, long written, long droppedQueueFull, long queued, long failedWrites,
                           String lastError) {
}
