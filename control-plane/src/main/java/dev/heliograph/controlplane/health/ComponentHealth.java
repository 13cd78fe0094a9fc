package dev.heliograph.controlplane.health;

import java.time.Instant;
import java.util.Objects;

/**
 * One component's health at one moment.
 *
 * @param name     the component ({@code postgres}, {@code scheduler}, ...; see {@link Components})
 * @param required whether {@code /readyz} waits for it to be {@code healthy}
 * @param health   its state
 * @param reason   why it is in that state, e.g. the last error; never {@code null}, may be empty
 * @param since    when {@code health} last changed, to the millisecond (a new reason with the same state keeps it)
 */
public record ComponentHealth(String name, boolean required, HealthState health, String reason, Instant since) {
    public ComponentHealth {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(since, "since");
        reason = reason == null ? "" : reason;
    }
}
