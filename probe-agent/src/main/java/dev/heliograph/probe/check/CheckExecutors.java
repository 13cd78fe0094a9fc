package dev.heliograph.probe.check;

import dev.heliograph.domain.CheckSpec;
import dev.heliograph.domain.HttpSpec;
import dev.heliograph.domain.TcpSpec;

/**
 * Picks the executor for a spec. The switch has no {@code default}: a new {@link CheckSpec} kind
 * does not compile until it has an executor here.
 */
public final class CheckExecutors {
    private final HttpCheckExecutor http;
    private final TcpCheckExecutor tcp;

    public CheckExecutors(HttpCheckExecutor http, TcpCheckExecutor tcp) {
        this.http = http;
        this.tcp = tcp;
    }

    /** The executor that runs checks of {@code spec}'s kind. */
    public CheckExecutor forSpec(CheckSpec spec) {
        return switch (spec) {
            case HttpSpec ignored -> http;
            case TcpSpec ignored -> tcp;
        };
    }
}
