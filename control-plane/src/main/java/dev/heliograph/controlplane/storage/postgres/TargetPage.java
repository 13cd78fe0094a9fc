package dev.heliograph.controlplane.storage.postgres;

import dev.heliograph.domain.Target;
import dev.heliograph.domain.TargetId;
import java.util.List;

/** One page of targets in id order; {@code next} is the id to continue after, or {@code null} at the end. */
public record TargetPage(List<Target> items, TargetId next) {
}
