package dev.heliograph.controlplane.pipeline;

import dev.heliograph.domain.CheckResult;
import io.vertx.core.Future;
import java.util.List;

/** Writes one batch of results durably (ClickHouse); a failed future means "nothing was written, retry". */
@FunctionalInterface
public interface BatchWriter {
    /** Writes {@code batch} in one operation. */
    Future<Void> write(List<CheckResult> batch);
}
