package dev.heliograph.controlplane.incidents;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** The incident engine's counters and their meters. Thread-safe. */
final class EngineCounters {
    /** Inputs dropped because too many waited for one target, or refused twice by the database. */
    final AtomicLong dropped = new AtomicLong();
    /** Writes to PostgreSQL that failed (and were retried or restored). */
    final AtomicLong failedWrites = new AtomicLong();
    /** Decisions stored. */
    final AtomicLong decisions = new AtomicLong();

    /** Registers the meters; {@code openByKind} is read live. */
    void bindTo(MeterRegistry registry, Map<IncidentKind, Integer> openByKind) {
        for (IncidentKind kind : IncidentKind.values()) {
            if (kind != IncidentKind.AGENT_NOT_REPORTING) {
                Gauge.builder("heliograph.incidents.open", openByKind, m -> m.getOrDefault(kind, 0)).tag("kind", kind.wire())
                        .description("Active (open or acknowledged) incidents by kind").register(registry);
            }
        }
        FunctionCounter.builder("heliograph.incident.decisions", decisions, AtomicLong::get)
                .description("Decisions stored (a target's inputs that changed its state, incidents or notifications)").register(registry);
        FunctionCounter.builder("heliograph.incident.writes.failed", failedWrites, AtomicLong::get)
                .description("Decisions whose write to PostgreSQL failed and was retried").register(registry);
        FunctionCounter.builder("heliograph.incident.inputs.dropped", dropped, AtomicLong::get)
                .description("Inputs dropped: too many waited for one target, or the database refused them twice").register(registry);
    }
}
