package dev.heliograph.controlplane.pipeline;

import dev.heliograph.domain.CheckResult;
import io.vertx.core.Future;
import java.util.List;

/**
 * Writes one batch of results durably (ClickHouse). A failed future means "maybe not written":
 * the batcher calls again with {@code retry = true}, and the writer must then store only the
 * results that are not stored yet, so that a batch whose first answer was lost is never stored
 * twice.
 */
@FunctionalInterface
public interface BatchWriter {
    /** Writes {@code batch}; {@code retry} is {@code true} from the second attempt on. */
    Future<Void> write(List<CheckResult> batch, boolean retry);
}
