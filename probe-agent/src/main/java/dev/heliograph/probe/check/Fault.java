package dev.heliograph.probe.check;

import dev.heliograph.domain.Failure;
import java.util.Objects;

/**
 * Why a check failed: the typed {@code failure} that rules decide on and the {@code error} text an
 * operator reads.
 */
public record Fault(Failure failure, String error) {
    public Fault {
        Objects.requireNonNull(failure, "failure");
        Objects.requireNonNull(error, "error");
    }
}
