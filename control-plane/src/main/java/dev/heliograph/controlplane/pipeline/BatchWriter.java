package dev.heliograph.controlplane.pipeline;

import dev.heliograph.controlplane.storage.clickhouse.ClickHouseResultStore;
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

    /**
     * The control plane's writer: a first attempt is one {@link ClickHouseResultStore#insert}, a
     * retry is {@link ClickHouseResultStore#insertMissing} (stores only what is not stored yet).
     */
    static BatchWriter clickHouse(ClickHouseResultStore store) {
        return (batch, retry) -> retry ? store.insertMissing(batch) : store.insert(batch);
    }
}
