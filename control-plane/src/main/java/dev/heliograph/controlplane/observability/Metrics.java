package dev.heliograph.controlplane.observability;

import dev.heliograph.controlplane.health.ComponentHealth;
import dev.heliograph.controlplane.health.Components;
import dev.heliograph.controlplane.health.HealthState;
import dev.heliograph.probe.EngineVertx;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.PrometheusScrapingHandler;

/**
 * The process's Prometheus registry, served at {@code /metrics}: Heliograph's own meters (engine,
 * batcher, component health) plus Vert.x's and the JVM's through vertx-micrometer-metrics.
 */
public final class Metrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    /** The registry every meter goes to. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** A Vert.x instance that reports its own metrics (HTTP servers, pools, event loops, JVM) here. */
    public Vertx vertx() {
        return Vertx.builder()
                .with(EngineVertx.options().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)))
                .withMetrics(new MicrometerMetricsFactory(registry))
                .build();
    }

    /**
     * Exports component health as {@code heliograph_component_health{component, state}}: 1 for the
     * component's current state, 0 for the other three.
     */
    public void bindComponents(Components components) {
        for (ComponentHealth component : components.all()) {
            for (HealthState state : HealthState.values()) {
                Gauge.builder("heliograph.component.health", components,
                                c -> c.get(component.name()).map(now -> now.health() == state ? 1.0 : 0.0).orElse(0.0))
                        .tag("component", component.name())
                        .tag("state", state.wireName())
                        .description("1 when the component is in this state")
                        .register(registry);
            }
        }
    }

    /** The {@code /metrics} handler (Prometheus text format). */
    public Handler<RoutingContext> scrapeHandler() {
        return PrometheusScrapingHandler.create(registry);
    }
}
