package dev.heliograph.probe;

import dev.heliograph.domain.CheckResult;

/**
 * Where the engine hands finished check results: the control plane's batcher, or an agent's
 * uploader. Called from event-loop threads; must not block.
 */
public interface ResultSink {
    /** Accepts {@code result}; returns {@code false} when it was dropped (counted by the sink). */
    boolean offer(CheckResult result);
}
