package dev.heliograph.controlplane.incidents;

import dev.heliograph.controlplane.alerting.NotificationEvent;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Target;
import dev.heliograph.domain.Uuid7;
import io.vertx.core.Promise;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Turns the inputs of one target into the writes of one transaction: the decision rules
 * ({@link DecisionRules}) give the target's new health and what changed; this opens, changes and
 * resolves its incidents with their timelines ({@link IncidentTimeline}) and reconciles the channels
 * told of them ({@link Reconciler}). No I/O: the engine stores the {@link Step} and then carries out
 * its effects.
 *
 * <p>A target has at most one active incident of the kinds down, regional and degraded: it opens when
 * the verdict leaves {@code up}, follows the verdict's kind, and resolves when the verdict is
 * {@code up} again; a verdict of {@code unknown} (every region silent) leaves it as it is. A
 * configuration error is an incident of its own. Notifications are held back while the target is in a
 * mute window, while it flaps, and while the incident is caused by its parent's open down incident.
 */
public final class IncidentPlanner {
    /** Who the control plane signs its own changes as. */
    public static final String SYSTEM = "heliograph";

    private final Reconciler reconciler;
    private final Messages messages;
    private final DecisionRules.FlapSettings flap;

    public IncidentPlanner(Reconciler reconciler, Messages messages, DecisionRules.FlapSettings flap) {
        this.reconciler = reconciler;
        this.messages = messages;
        this.flap = flap;
    }

    /**
     * The moment's facts a decision needs.
     *
     * @param silent       regions whose agents are all not reporting
     * @param muted        whether the target is in a mute window now
     * @param parentDown   the active down incident of the target's parent, or {@code null}
     * @param activeDown   whether an incident id is an active down incident (a child's cause still holds)
     */
    public record Context(Instant now, Set<RegionId> silent, boolean muted, UUID parentDown, Predicate<UUID> activeDown) {
    }

    /** An API caller waiting for the incident it acknowledged or resolved (or the reason it could not). */
    public record Answer(Promise<Incident> promise, Incident incident, RuntimeException failure) {
    }

    /** The state after the inputs, the writes of one transaction, then the effects and answers. */
    public record Step(SlotState state, List<Op> ops, List<Effect> effects, List<Answer> answers) {
    }

    /** Plans {@code inputs} (in order) for {@code target}, starting from {@code state}. */
    public Step plan(SlotState state, Target target, List<Input> inputs, Context context) {
        Work work = new Work(state, target, context);
        for (Input input : inputs) {
            work.handle(input);
        }
        return work.finish();
    }

    /** The planning of one batch of inputs: mutable while it runs, on one thread. */
    private final class Work {
        final Target target;
        final Context context;
        final TargetHealth before;
        final IncidentTimeline timeline;
        TargetHealth health;
        Tracked problem;
        Tracked config;
        Incident last;
        final List<Op> ops = new ArrayList<>();
        final List<Effect> effects = new ArrayList<>();
        final List<Answer> answers = new ArrayList<>();

        Work(SlotState state, Target target, Context context) {
            this.target = target;
            this.context = context;
            this.before = state.health();
            this.health = state.health();
            this.problem = state.problem();
            this.config = state.config();
            this.last = state.last();
            this.timeline = new IncidentTimeline(ops);
        }

        void handle(Input input) {
            switch (input) {
                case Input.Result result -> decided(DecisionRules.apply(health, target, result.result(), context.silent(), flap, context.now()),
                        result.result().startedAt());
                case Input.Reevaluate ignored -> decided(DecisionRules.reevaluate(health, target, context.silent(), flap, context.now()),
                        context.now());
                case Input.Acknowledge ack -> acknowledge(ack);
                case Input.Resolve resolve -> resolveByHand(resolve);
                case Input.ParentDown parent -> causedBy(parent.parentIncident());
                case Input.Removed removed -> removed(removed.why());
            }
            reconcileAll();
        }

        void decided(DecisionRules.Decision decision, Instant at) {
            health = decision.health();
            for (Change change : decision.changes()) {
                switch (change) {
                    case Change.RegionDown down -> timeline.regionDown(active(problem), down);
                    case Change.RegionUp up -> timeline.regionUp(active(problem), up.region(), at);
                    case Change.ConfirmationWanted confirm -> effects.add(new Effect.Confirm(confirm.failing()));
                    case Change.VerdictChanged verdict -> verdictChanged(verdict, at);
                    case Change.FlappingStarted flapping -> flappingStarted(flapping.changes(), at);
                    case Change.FlappingEnded ignored -> timeline.note(active(problem), at, "flapping_ended",
                            "stable for the flap window: notifications resume");
                    case Change.ConfigErrorStarted error -> configErrorStarted(error, at);
                    case Change.ConfigErrorEnded ignored -> configErrorEnded(at);
                }
            }
            followRegions();
        }

        void verdictChanged(Change.VerdictChanged change, Instant at) {
            Verdict to = change.to();
            if (to.problem()) {
                IncidentKind kind = IncidentKind.of(to);
                if (problem == null) {
                    open(kind, at);
                } else if (problem.incident().kind() != kind) {
                    IncidentKind from = problem.incident().kind();
                    set(problem.incident().withKind(kind, Messages.title(kind, target, regionsDown())));
                    timeline.kindChanged(problem.incident(), at, from, kind);
                    if (kind == IncidentKind.DOWN) {
                        effects.add(new Effect.ParentDown(problem.incident().id()));
                    } else if (from == IncidentKind.DOWN) {
                        effects.add(new Effect.ParentUp());
                    }
                }
            } else if (to == Verdict.UP && problem != null) {
                resolveProblem(at, SYSTEM, "recovered");
            } else if (to == Verdict.UNKNOWN && problem != null) {
                timeline.note(problem.incident(), at, "unknown", "every region of the target is silent: its state is unknown");
            }
        }

        void open(IncidentKind kind, Instant at) {
            List<String> down = regionsDown();
            Instant firstFailure = health.regions().values().stream().map(RegionState::firstFailureAt).filter(Objects::nonNull)
                    .min(Comparator.naturalOrder()).orElseGet(() -> health.regions().values().stream().map(RegionState::since)
                            .filter(Objects::nonNull).min(Comparator.naturalOrder()).orElse(at));
            UUID causedBy = target.rules().parent() == null ? null : context.parentDown();
            Incident incident = new Incident(Uuid7.at(at.toEpochMilli()), target.orgId(), kind, Incident.OPEN,
                    Messages.title(kind, target, down), target.id(), target.key(), target.name(), null, null,
                    target.tags().stream().sorted().toList(), down, causedBy, firstFailure, at, null, null, null, null, null);
            problem = new Tracked(incident, Map.of());
            last = incident;
            ops.add(new Op.InsertIncident(incident));
            timeline.opened(incident, at, causedBy);
            if (kind == IncidentKind.DOWN) {
                effects.add(new Effect.ParentDown(incident.id()));
            }
        }

        void resolveProblem(Instant at, String by, String note) {
            boolean wasDown = problem.incident().kind() == IncidentKind.DOWN;
            Incident resolved = problem.incident().resolved(at, by, note);
            ops.add(new Op.UpdateIncident(resolved));
            timeline.resolved(resolved, at, by, note);
            reconcile(new Tracked(resolved, problem.subscriptions()), false);
            problem = null;
            last = resolved;
            if (wasDown) {
                effects.add(new Effect.ParentUp());
            }
        }

        void flappingStarted(int changes, Instant at) {
            timeline.note(active(problem), at, "flapping", changes + " state changes within " + flap.window().toMinutes()
                    + " min: one flapping notification, then quiet until stable");
            Incident about = problem != null ? problem.incident() : last;
            if (about != null) {
                String severity = health.verdict() == Verdict.DOWN || about.kind() == IncidentKind.DOWN ? "critical" : "warning";
                ops.addAll(reconciler.once(NotificationEvent.FLAPPING, severity, about, target,
                        messages.about(NotificationEvent.FLAPPING, about, target, health, context.silent(), at)));
            }
        }

        void configErrorStarted(Change.ConfigErrorStarted error, Instant at) {
            if (config != null) {
                return;
            }
            Incident incident = new Incident(Uuid7.at(at.toEpochMilli()), target.orgId(), IncidentKind.CONFIG_ERROR, Incident.OPEN,
                    Messages.title(IncidentKind.CONFIG_ERROR, target, List.of()), target.id(), target.key(), target.name(), null, null,
                    target.tags().stream().sorted().toList(), List.of(), null, at, at, null, null, null, null, null);
            config = new Tracked(incident, Map.of());
            ops.add(new Op.InsertIncident(incident));
            timeline.note(incident, at, "opened", "region " + error.region() + ": " + error.error() + " (" + error.failure().wire() + ")");
        }

        void configErrorEnded(Instant at) {
            if (config == null) {
                return;
            }
            Incident resolved = config.incident().resolved(at, SYSTEM, "checks run again");
            ops.add(new Op.UpdateIncident(resolved));
            timeline.resolved(resolved, at, SYSTEM, "checks run again");
            reconcile(new Tracked(resolved, config.subscriptions()), false);
            config = null;
        }

        void acknowledge(Input.Acknowledge ack) {
            Tracked tracked = trackedOf(ack.incidentId());
            if (tracked == null) {
                answers.add(new Answer(ack.answer(), null, new IncidentGone(ack.incidentId())));
                return;
            }
            Incident incident = tracked.incident();
            if (Incident.OPEN.equals(incident.state())) {
                incident = incident.acknowledged(context.now(), ack.by());
                ops.add(new Op.UpdateIncident(incident));
                timeline.note(incident, context.now(), "acknowledged", "acknowledged by " + ack.by() + note(ack.note()));
                set(incident);
            }
            answers.add(new Answer(ack.answer(), incident, null));
        }

        void resolveByHand(Input.Resolve resolve) {
            Tracked tracked = trackedOf(resolve.incidentId());
            if (tracked == null) {
                answers.add(new Answer(resolve.answer(), null, new IncidentGone(resolve.incidentId())));
                return;
            }
            if (tracked == problem) {
                // Declared up: if it still fails, a new incident opens after failure_threshold failures.
                health = new TargetHealth(Map.of(), Verdict.UP, context.now(), health.transitions(), health.flapping(), health.configError());
                resolveProblem(context.now(), resolve.by(), resolve.note());
                answers.add(new Answer(resolve.answer(), last, null));
            } else {
                Incident resolved = config.incident().resolved(context.now(), resolve.by(), resolve.note());
                ops.add(new Op.UpdateIncident(resolved));
                timeline.resolved(resolved, context.now(), resolve.by(), resolve.note());
                reconcile(new Tracked(resolved, config.subscriptions()), false);
                health = new TargetHealth(health.regions(), health.verdict(), health.verdictSince(), health.transitions(), health.flapping(),
                        false);
                config = null;
                answers.add(new Answer(resolve.answer(), resolved, null));
            }
        }

        void causedBy(UUID parentIncident) {
            Incident incident = active(problem);
            if (incident == null || incident.causedBy() != null) {
                return;
            }
            Incident caused = new Incident(incident.id(), incident.orgId(), incident.kind(), incident.state(), incident.title(),
                    incident.targetId(), incident.targetKey(), incident.targetName(), incident.agentId(), incident.region(), incident.tags(),
                    incident.regionsDown(), parentIncident, incident.firstFailureAt(), incident.openedAt(), incident.acknowledgedAt(),
                    incident.acknowledgedBy(), incident.resolvedAt(), incident.resolvedBy(), incident.resolutionNote());
            ops.add(new Op.UpdateIncident(caused));
            ops.add(new Op.SuppressPending(incident.id()));
            timeline.note(caused, context.now(), "caused_by", "caused by the parent target's incident " + parentIncident
                    + ": its own notifications are held while that one is open");
            set(caused);
        }

        void removed(String why) {
            if (problem != null) {
                resolveProblem(context.now(), SYSTEM, why);
            }
            if (config != null) {
                Incident resolved = config.incident().resolved(context.now(), SYSTEM, why);
                ops.add(new Op.UpdateIncident(resolved));
                timeline.resolved(resolved, context.now(), SYSTEM, why);
                reconcile(new Tracked(resolved, config.subscriptions()), false);
                config = null;
            }
            health = TargetHealth.clean(context.now());
        }

        /** Keeps the active problem incident's regions-down list equal to the health. */
        void followRegions() {
            if (problem == null) {
                return;
            }
            List<String> down = regionsDown();
            if (!down.equals(problem.incident().regionsDown())) {
                Incident moved = problem.incident().withRegionsDown(down);
                if (moved.kind() == IncidentKind.REGIONAL) {
                    moved = moved.withKind(IncidentKind.REGIONAL, Messages.title(IncidentKind.REGIONAL, target, down));
                }
                set(moved);
                ops.add(new Op.UpdateIncident(moved));
            }
        }

        void reconcileAll() {
            if (problem != null) {
                problem = reconcile(problem, held(problem.incident()));
            }
            if (config != null) {
                config = reconcile(config, context.muted());
            }
        }

        Tracked reconcile(Tracked tracked, boolean held) {
            Reconciler.Outcome outcome = reconciler.reconcile(tracked, held, target, context.now(),
                    event -> messages.about(event, tracked.incident(), target, health, context.silent(), context.now()));
            ops.addAll(outcome.ops());
            return outcome.tracked();
        }

        boolean held(Incident incident) {
            return context.muted() || health.flapping()
                    || (incident.causedBy() != null && context.activeDown().test(incident.causedBy()));
        }

        void set(Incident incident) {
            if (problem != null && problem.incident().id().equals(incident.id())) {
                problem = new Tracked(incident, problem.subscriptions());
                last = incident;
            } else if (config != null && config.incident().id().equals(incident.id())) {
                config = new Tracked(incident, config.subscriptions());
            }
        }

        Tracked trackedOf(UUID incidentId) {
            if (problem != null && problem.incident().id().equals(incidentId)) {
                return problem;
            }
            return config != null && config.incident().id().equals(incidentId) ? config : null;
        }

        List<String> regionsDown() {
            return health.regions().entrySet().stream().filter(e -> e.getValue().down()).map(e -> e.getKey().value()).sorted().toList();
        }

        Step finish() {
            if (!material(before).equals(material(health)) || (health.clean() && !before.clean())) {
                ops.addFirst(health.clean() && problem == null && config == null ? new Op.DeleteHealth(target.id())
                        : new Op.SaveHealth(target.id(), target.orgId(), health, context.now()));
            }
            return new Step(new SlotState(health, problem, config, last), List.copyOf(ops), List.copyOf(effects), List.copyOf(answers));
        }
    }

    private static Incident active(Tracked tracked) {
        return tracked == null ? null : tracked.incident();
    }

    private static String note(String note) {
        return note == null || note.isBlank() ? "" : ": " + note;
    }

    /** The health without what changes on every result (latest result time and error text): what is worth a write. */
    static TargetHealth material(TargetHealth health) {
        Map<RegionId, RegionState> regions = new java.util.HashMap<>();
        health.regions().forEach((region, s) -> regions.put(region, new RegionState(s.down(), s.failures(), s.successes(), s.degraded(),
                s.slow(), s.fast(), s.configErrors(), s.unseen(), s.since(), s.firstFailureAt(), null, s.lastFailure(), "")));
        return new TargetHealth(regions, health.verdict(), health.verdictSince(), health.transitions(), health.flapping(),
                health.configError());
    }

    /** Acknowledge or resolve of an incident that is no longer active here. */
    public static final class IncidentGone extends RuntimeException {
        IncidentGone(UUID id) {
            super("incident " + id + " is not active", null, false, false);
        }
    }
}
