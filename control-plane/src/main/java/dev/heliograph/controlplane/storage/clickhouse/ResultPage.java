package dev.heliograph.controlplane.storage.clickhouse;

import dev.heliograph.domain.CheckResult;
import java.util.List;

/**
 * One page of a target's results, newest first. {@code next} continues after the last item, or is
 * {@code null} at the end.
 */
public record ResultPage(List<CheckResult> items, ResultCursor next) {
}
