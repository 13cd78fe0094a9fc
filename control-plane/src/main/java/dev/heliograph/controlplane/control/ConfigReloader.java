package dev.heliograph.controlplane.control;

import dev.heliograph.controlplane.config.ConfigDiff;
import dev.heliograph.controlplane.config.ConfigException;
import dev.heliograph.controlplane.config.ConfigSource;
import dev.heliograph.controlplane.config.HeliographConfig;
import dev.heliograph.controlplane.health.Components;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-reads the configuration ({@code POST /-/reload}, SIGHUP) the way the process first read it and
 * applies what can change live, after Grafana Agent Flow's rule that a component whose evaluation
 * fails keeps its last good arguments:
 * <ul>
 *   <li>a bad file (unreadable, bad YAML, unknown key, wrong type, out-of-range value) changes
 *       nothing, marks the {@code config} component unhealthy with the problems, and fails the
 *       reload with the {@link ConfigException};</li>
 *   <li>a good file applies the live keys that differ from the last good configuration, reports
 *       keys that differ from the configuration the process started with and need a restart, and
 *       marks {@code config} healthy again;</li>
 *   <li>when applying fails, {@code config} is unhealthy and the last good configuration stays the
 *       reference, so the next reload applies the same keys again.</li>
 * </ul>
 * Reloads are serialised; reading the file runs on a worker thread, never an event loop.
 */
public final class ConfigReloader {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigReloader.class);

    private final Vertx vertx;
    private final ConfigSource source;
    private final HeliographConfig started;
    private final Components components;
    private final Consumer<HeliographConfig> applyLive;
    private HeliographConfig lastGood;

    /**
     * @param started   the configuration the process runs with now, loaded from {@code source}
     * @param applyLive puts a validated configuration's live keys into force; throws when it cannot
     */
    public ConfigReloader(Vertx vertx, ConfigSource source, HeliographConfig started, Components components,
                          Consumer<HeliographConfig> applyLive) {
        this.vertx = vertx;
        this.source = source;
        this.started = started;
        this.lastGood = started;
        this.components = components;
        this.applyLive = applyLive;
    }

    /**
     * Reloads on a worker thread. Fails with {@link ConfigException} for a bad file, or with the
     * error of a part that refused the new settings.
     */
    public Future<ReloadResult> reload() {
        return vertx.executeBlocking(this::reloadNow, false);
    }

    /** The last configuration that loaded and applied without error. */
    public synchronized HeliographConfig lastGood() {
        return lastGood;
    }

    private synchronized ReloadResult reloadNow() throws ConfigException {
        HeliographConfig next;
        try {
            next = source.load();
        } catch (ConfigException e) {
            components.unhealthy(Components.CONFIG, "reload failed, last good configuration still in force: "
                    + String.join("; ", e.problems()));
            LOG.warn("configuration reload from {} failed; nothing changed: {}", source.description(),
                    String.join("; ", e.problems()));
            throw e;
        }
        List<String> applied = ConfigDiff.changedKeys(lastGood, next).stream().filter(ConfigDiff::isLive).toList();
        List<String> restartRequired = ConfigDiff.changedKeys(started, next).stream()
                .filter(key -> !ConfigDiff.isLive(key)).toList();
        if (!applied.isEmpty()) {
            try {
                applyLive.accept(next);
            } catch (RuntimeException e) {
                components.unhealthy(Components.CONFIG, "applying " + applied + " failed: " + e.getMessage());
                LOG.error("configuration reload: applying {} failed", applied, e);
                throw e;
            }
        }
        lastGood = next;
        components.healthy(Components.CONFIG, "reloaded from " + source.description()
                + (applied.isEmpty() ? "; no live key changed" : "; applied " + applied)
                + (restartRequired.isEmpty() ? "" : "; restart required for " + restartRequired));
        LOG.info("configuration reloaded from {}: applied {}, restart required {}", source.description(), applied,
                restartRequired);
        return new ReloadResult(applied, restartRequired);
    }
}
