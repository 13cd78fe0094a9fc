package dev.heliograph.controlplane.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The gate's state, timestamps and gauge (Talaria's device gate semantics). */
class AgentGateTest {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2025-03-01T10:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };

    @Test
    void startsOpenStampedWithTheStart() {
        AgentGate gate = new AgentGate(clock);

        assertThat(gate.isOpen()).isTrue();
        assertThat(gate.status()).isEqualTo(new AgentGate.Status(true, Instant.parse("2025-03-01T10:00:00Z")));
    }

    @Test
    void closingStampsTheChangeAndClosingAgainChangesNothing() {
        AgentGate gate = new AgentGate(clock);
        now.set(Instant.parse("2025-03-01T10:05:00Z"));

        assertThat(gate.set(false)).as("changed").isTrue();
        now.set(Instant.parse("2025-03-01T10:09:00Z"));
        assertThat(gate.set(false)).as("already closed").isFalse();

        assertThat(gate.isOpen()).isFalse();
        assertThat(gate.status().timestamp()).isEqualTo(Instant.parse("2025-03-01T10:05:00Z"));
    }

    @Test
    void gaugeIsOneWhileOpenAndZeroWhileClosed() {
        AgentGate gate = new AgentGate(clock);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        gate.bindTo(registry);

        assertThat(registry.get("heliograph.agent.gate.status").gauge().value()).isEqualTo(1.0);
        gate.set(false);
        assertThat(registry.get("heliograph.agent.gate.status").gauge().value()).isEqualTo(0.0);
        gate.set(true);
        assertThat(registry.get("heliograph.agent.gate.status").gauge().value()).isEqualTo(1.0);
    }
}
