package dev.heliograph.controlplane.agents;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the agent server lets agents in (Talaria's device gate). While closed, the agent server
 * answers new work polls and registrations with 503 and {@code Retry-After}; polls already held are
 * not affected (drain them with {@link AgentDrain}). The gate starts open. Thread-safe.
 */
public final class AgentGate implements MeterBinder {
    private static final Logger LOG = LoggerFactory.getLogger(AgentGate.class);

    /**
     * What {@code GET /api/v2/agents/gate} answers.
     *
     * @param timestamp when the gate last changed, or when the process started if it never did
     */
    public record Status(boolean open, Instant timestamp) {
    }

    private final Clock clock;
    private volatile Status status;

    /** An open gate; {@code clock} stamps changes. */
    public AgentGate(Clock clock) {
        this.clock = clock;
        this.status = new Status(true, clock.instant());
    }

    /** Whether agents may register and poll now: one volatile read, cheap enough for every request. */
    public boolean isOpen() {
        return status.open();
    }

    /** The state and the time of the last change. */
    public Status status() {
        return status;
    }

    /**
     * Opens or closes the gate; idempotent.
     *
     * @return {@code true} when this call changed the state, {@code false} when it already was so
     */
    public synchronized boolean set(boolean open) {
        if (status.open() == open) {
            return false;
        }
        status = new Status(open, clock.instant());
        LOG.info("agent gate {}: {} agents", open ? "opened" : "closed", open ? "admitting" : "refusing new");
        return true;
    }

    /** Registers {@code heliograph_agent_gate_status}: 1 while the gate is open, 0 while closed. */
    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("heliograph.agent.gate.status", this, gate -> gate.isOpen() ? 1 : 0)
                .description("Whether the agent server admits new agent polls and registrations (1 open, 0 closed)")
                .register(registry);
    }
}
