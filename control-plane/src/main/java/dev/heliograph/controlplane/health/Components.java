package dev.heliograph.controlplane.health;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health of every component of the control plane, after Grafana Agent Flow's component
 * controller: each component reports {@link HealthState} with a reason, and the time of its last
 * state change is kept. One component's state never changes another's. Thread-safe: any thread may
 * report, and readers get consistent per-component snapshots.
 *
 * <p>A state change is logged once (unhealthy at WARN, others at INFO); a new reason with the same
 * state is not logged, so a component whose error text varies does not flood the log.
 */
public final class Components {
    /** The configuration file: healthy after a good load or reload, unhealthy after a bad reload. */
    public static final String CONFIG = "config";
    /** PostgreSQL (targets): probed with {@code SELECT 1}. */
    public static final String POSTGRES = "postgres";
    /** ClickHouse (results): probed with its {@code /ping}. */
    public static final String CLICKHOUSE = "clickhouse";
    /** The in-process engine's scheduler. */
    public static final String SCHEDULER = "scheduler";
    /** The in-process engine's worker pool. */
    public static final String WORKER_POOL = "worker_pool";
    /** The result batcher: unhealthy while writes to ClickHouse fail. */
    public static final String BATCHER = "batcher";
    /** The REST API listener. */
    public static final String API_SERVER = "api_server";
    /** The operator-only control server ({@code POST /-/reload}). */
    public static final String CONTROL_SERVER = "control_server";
    /** The agent server (registration, work polls, result batches of agents). */
    public static final String AGENT_SERVER = "agent_server";
    /** The incident engine and the notification senders. */
    public static final String ALERTING = "alerting";

    private static final Logger LOG = LoggerFactory.getLogger(Components.class);

    private final Clock clock;
    private final List<String> order = new CopyOnWriteArrayList<>();
    private final Map<String, ComponentHealth> states = new ConcurrentHashMap<>();

    public Components(Clock clock) {
        this.clock = clock;
    }

    /**
     * Adds a component in state {@code unknown}; the listing keeps the order of registration.
     *
     * @param required whether readiness waits for it
     * @throws IllegalArgumentException when {@code name} is already registered
     */
    public void register(String name, boolean required) {
        ComponentHealth fresh = new ComponentHealth(name, required, HealthState.UNKNOWN, "not started", now());
        if (states.putIfAbsent(name, fresh) != null) {
            throw new IllegalArgumentException("component " + name + " is already registered");
        }
        order.add(name);
    }

    /** Reports {@code healthy}; see {@link #report}. */
    public void healthy(String name, String reason) {
        report(name, HealthState.HEALTHY, reason);
    }

    /** Reports {@code unhealthy}; see {@link #report}. */
    public void unhealthy(String name, String reason) {
        report(name, HealthState.UNHEALTHY, reason);
    }

    /** Reports {@code exited}; see {@link #report}. */
    public void exited(String name, String reason) {
        report(name, HealthState.EXITED, reason);
    }

    /**
     * Records a component's state and reason; {@code since} moves only when the state changes.
     *
     * @throws IllegalArgumentException for a name that was never registered
     */
    public void report(String name, HealthState state, String reason) {
        ComponentHealth[] before = new ComponentHealth[1];
        ComponentHealth after = states.computeIfPresent(name, (key, old) -> {
            before[0] = old;
            return new ComponentHealth(key, old.required(), state, reason,
                    old.health() == state ? old.since() : now());
        });
        if (after == null) {
            throw new IllegalArgumentException("unknown component " + name);
        }
        if (before[0].health() != state) {
            if (state == HealthState.UNHEALTHY) {
                LOG.warn("component {} is {} (was {}): {}", name, state.wireName(), before[0].health().wireName(), after.reason());
            } else {
                LOG.info("component {} is {} (was {}): {}", name, state.wireName(), before[0].health().wireName(), after.reason());
            }
        }
    }

    /** One component's current health, if it is registered. */
    public Optional<ComponentHealth> get(String name) {
        return Optional.ofNullable(states.get(name));
    }

    /** Every component in registration order. */
    public List<ComponentHealth> all() {
        return order.stream().map(states::get).toList();
    }

    /** {@code true} when every required component is {@code healthy} (not unknown, unhealthy or exited). */
    public boolean ready() {
        return all().stream().filter(ComponentHealth::required).allMatch(c -> c.health() == HealthState.HEALTHY);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /** {@code true} when every component is {@code healthy}. */
    public boolean allHealthy() {
        return all().stream().allMatch(c -> c.health() == HealthState.HEALTHY);
    }
}
