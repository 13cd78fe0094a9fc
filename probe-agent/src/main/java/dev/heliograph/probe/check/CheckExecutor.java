package dev.heliograph.probe.check;

import dev.heliograph.domain.CheckResult;
import io.vertx.core.Future;

/**
 * Runs checks of one protocol. A failed check is data: the future succeeds with status
 * {@code down} (the target answered wrong or not at all) or {@code error} (the check could not be
 * run, e.g. a refused address) and a reason such as {@code "wanted 2xx, got 503"}. A failed future
 * means the probe itself broke (a bug), never that the target failed.
 *
 * <p>The check's own {@code timeout} bounds the whole execution; when it passes, the result is
 * {@code down} with {@code "timeout after N ms"} and every socket the check opened is closed.
 */
public interface CheckExecutor {
    /** Runs {@code check} once and completes with its result. */
    Future<CheckResult> execute(Check check);
}
