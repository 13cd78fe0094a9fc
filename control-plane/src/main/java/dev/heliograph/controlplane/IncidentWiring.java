package dev.heliograph.controlplane;

import dev.heliograph.controlplane.agents.AgentHub;
import dev.heliograph.controlplane.alerting.AlertChannel;
import dev.heliograph.controlplane.alerting.ChannelSender;
import dev.heliograph.controlplane.alerting.NotificationDelivery;
import dev.heliograph.controlplane.alerting.NotificationQueries;
import dev.heliograph.controlplane.alerting.PgPolicyStore;
import dev.heliograph.controlplane.alerting.RoutingCatalog;
import dev.heliograph.controlplane.api.IncidentHandler;
import dev.heliograph.controlplane.api.NotificationHandler;
import dev.heliograph.controlplane.api.PolicyHandler;
import dev.heliograph.controlplane.api.VerdictHandler;
import dev.heliograph.controlplane.config.HeliographConfig;
import dev.heliograph.controlplane.incidents.AgentIncidents;
import dev.heliograph.controlplane.incidents.Confirmations;
import dev.heliograph.controlplane.incidents.DecisionRules;
import dev.heliograph.controlplane.incidents.IncidentEngine;
import dev.heliograph.controlplane.incidents.IncidentPlanner;
import dev.heliograph.controlplane.incidents.IncidentQueries;
import dev.heliograph.controlplane.incidents.Messages;
import dev.heliograph.controlplane.incidents.PgIncidentStore;
import dev.heliograph.controlplane.incidents.Reconciler;
import dev.heliograph.controlplane.incidents.Reminders;
import dev.heliograph.controlplane.incidents.SilentRegions;
import dev.heliograph.controlplane.maintenance.MaintenanceMode;
import dev.heliograph.controlplane.maintenance.MaintenanceSchedule;
import dev.heliograph.controlplane.pipeline.ResultBatcher;
import dev.heliograph.domain.RegionId;
import dev.heliograph.probe.ProbeEngine;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The incidents and alerting part of the control plane, assembled: routing catalog (policies and
 * channels in memory), incident engine (fed by the result batcher and the target registry), agent
 * incidents (fed by the agent hub), confirmations, reminders and the notification senders; and the
 * API handlers over them. {@link #start} brings them up before the registry's first read;
 * {@link #stop} takes them down.
 */
final class IncidentWiring {
    private static final Duration ROUTING_REFRESH = Duration.ofSeconds(30);

    private final Vertx vertx;
    private final IncidentEngine engine;
    private final NotificationDelivery delivery;
    private final List<Object> handlers;
    private final RoutingCatalog routing;
    private String engineDeployment;
    private List<Runnable> upkeep = List.of();
    private String deliveryDeployment;

    private IncidentWiring(Vertx vertx, IncidentEngine engine, NotificationDelivery delivery, RoutingCatalog routing, List<Object> handlers) {
        this.vertx = vertx;
        this.engine = engine;
        this.delivery = delivery;
        this.routing = routing;
        this.handlers = handlers;
    }

    /** What the incidents part uses of the rest of the control plane. */
    record Parts(Pool postgres, dev.heliograph.controlplane.storage.postgres.PgTargetStore targets, ProbeEngine probes, AgentHub hub, ResultBatcher batcher, RegionId localRegion,
                 MaintenanceSchedule maintenance, Function<UUID, Future<Optional<AlertChannel>>> channels, ChannelSender sender,
                 Supplier<String> publicUrl, MeterRegistry meters) {
    }

    /** Builds and starts every part; completes once the engine has loaded its state and the senders run. */
    static Future<IncidentWiring> start(Vertx vertx, HeliographConfig config, Clock clock, Parts parts) {
        HeliographConfig.Incidents incidents = config.incidents();
        HeliographConfig.Alerting alerting = config.alerting();
        PgPolicyStore policies = new PgPolicyStore(parts.postgres());
        RoutingCatalog routing = new RoutingCatalog(parts.postgres(), policies);
        PgIncidentStore store = new PgIncidentStore(parts.postgres(), clock, incidents.groupThreshold(),
                Duration.ofSeconds(incidents.groupWindowS()), Duration.ofSeconds(incidents.groupWaitS()));
        Reconciler reconciler = new Reconciler(routing, Duration.ofSeconds(incidents.parentWaitS()));
        Messages messages = new Messages(parts.publicUrl());
        IncidentPlanner planner = new IncidentPlanner(reconciler, messages,
                new DecisionRules.FlapSettings(incidents.flapTransitions(), Duration.ofSeconds(incidents.flapWindowS())));
        Confirmations confirmations = new Confirmations(parts.probes(), parts.hub(), parts.batcher(), parts.localRegion(), clock,
                incidents.maxConfirmations(), incidents.confirm());
        confirmations.bindTo(parts.meters());
        Duration agentGrace = Duration.ofSeconds(config.agents().thresholdS());
        SilentRegions silent = new SilentRegions(parts.localRegion(), parts.hub()::liveRegions, clock, agentGrace);
        NotificationDelivery delivery = new NotificationDelivery(NotificationDelivery.outbox(parts.postgres()), parts.channels(),
                parts.sender(), clock, new NotificationDelivery.Settings(Duration.ofMillis(alerting.retryInitialMs()),
                Duration.ofMillis(alerting.retryMaxMs()), Duration.ofSeconds(alerting.deadLetterAfterS()),
                Duration.ofMillis(alerting.timeoutMs()), alerting.maxInFlight(), Duration.ofMillis(alerting.pollIntervalMs())));
        delivery.bindTo(parts.meters());
        IncidentEngine engine = new IncidentEngine(store, planner, clock, new IncidentEngine.Wiring(silent,
                (target, at) -> parts.maintenance().modeAt(target, at) == MaintenanceMode.MUTE, confirmations, delivery::wake,
                routing::reload));
        engine.bindTo(parts.meters());
        IncidentQueries queries = new IncidentQueries(parts.postgres());
        return routing.start(vertx, ROUTING_REFRESH)
                .compose(v -> vertx.deployVerticle(delivery))
                .compose(deliveryId -> vertx.deployVerticle(engine).map(engineId -> {
                    parts.batcher().observe(engine::offer);
                    parts.maintenance().addListener(engine::reevaluate);
                    // The start-up grace of the silent regions is over: decide again with the agents as they are now.
                    long graceTimer = vertx.setTimer(Math.max(1, agentGrace.toMillis()), id -> engine.reevaluate(null));
                    AgentIncidents agentIncidents = new AgentIncidents(vertx, store, reconciler, messages, parts.hub(), engine, clock,
                            agentGrace, engine.loadedAgentIncidents());
                    agentIncidents.onWritten(delivery::wake);
                    agentIncidents.start();
                    Reminders reminders = new Reminders(vertx, parts.postgres(), messages, clock,
                            incident -> incident.targetId() != null && Optional.ofNullable(engine.target(incident.targetId()))
                                    .map(target -> parts.maintenance().modeAt(target, clock.instant()) == MaintenanceMode.MUTE).orElse(false),
                            parts.channels(), parts.sender(), Duration.ofSeconds(alerting.alertmanagerResendS()),
                            delivery::wake);
                    reminders.start();
                    List<Object> handlers = List.of(new IncidentHandler(queries, engine, agentIncidents),
                            new PolicyHandler(policies, routing),
                            new NotificationHandler(new NotificationQueries(parts.postgres()), delivery::wake, clock),
                            new VerdictHandler(parts.targets(), queries, silent));
                    IncidentWiring wiring = new IncidentWiring(vertx, engine, delivery, routing, handlers);
                    wiring.upkeep = List.of(agentIncidents::stop, reminders::stop, () -> vertx.cancelTimer(graceTimer),
                            () -> routing.stop(vertx));
                    wiring.deliveryDeployment = deliveryId;
                    wiring.engineDeployment = engineId;
                    return wiring;
                }));
    }

    /** The incident engine (the target registry feeds it). */
    IncidentEngine engine() {
        return engine;
    }

    /** The routing catalog (alert channel writes reload it). */
    RoutingCatalog routing() {
        return routing;
    }

    /** The REST handlers of incidents, policies, notifications and verdicts. */
    List<Object> handlers() {
        return handlers;
    }

    /** Stops the engine and the senders (what they have not stored waits in PostgreSQL for the next start). */
    Future<Void> stop() {
        upkeep.forEach(Runnable::run);
        upkeep = List.of();
        Future<Void> engineStopped = engineDeployment == null ? Future.succeededFuture() : vertx.undeploy(engineDeployment);
        Future<Void> deliveryStopped = deliveryDeployment == null ? Future.succeededFuture() : vertx.undeploy(deliveryDeployment);
        engineDeployment = null;
        deliveryDeployment = null;
        return Future.join(engineStopped, deliveryStopped).mapEmpty();
    }
}
