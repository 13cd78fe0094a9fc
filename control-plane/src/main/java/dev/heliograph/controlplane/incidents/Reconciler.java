package dev.heliograph.controlplane.incidents;

import dev.heliograph.controlplane.alerting.NotificationEvent;
import dev.heliograph.controlplane.alerting.NotificationMessage;
import dev.heliograph.controlplane.alerting.RoutingCatalog;
import dev.heliograph.domain.Target;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * Keeps the channels told about an incident equal to the channels its notification policies route it
 * to now, writing the notifications that takes. A channel newly routed gets the event of the
 * incident's kind ({@code opened} for down, {@code regional}, {@code degraded}, {@code config_error},
 * {@code agent_not_reporting}); a channel that was told of another kind and still routes this one gets
 * the new kind's event (an update, e.g. regional → down); a channel no longer routed (the incident
 * resolved, or its kind no longer matches the channel's policy) gets {@code resolved} unless it is
 * gone or disabled, or a policy still routing to it leaves {@code resolved} out
 * ({@link RoutingCatalog#routesResolved}), so a resolved notification reaches exactly the channels that
 * heard of the incident. While notifications are held back (a mute window, flapping, the parent target down)
 * nothing changes; the next reconcile after that catches up, so an outage still going on when a window
 * ends is notified then.
 */
public final class Reconciler {
    private final RoutingCatalog routing;
    private final Duration parentWait;

    /**
     * @param parentWait how long the notifications of a target with a parent wait before they are sent,
     *                   so that the parent's incident, decided at about the same time, can cancel them
     */
    public Reconciler(RoutingCatalog routing, Duration parentWait) {
        this.routing = routing;
        this.parentWait = parentWait;
    }

    /** The tracked incident after reconciling, and the writes that took. */
    public record Outcome(Tracked tracked, List<Op> ops) {
    }

    /**
     * Reconciles {@code tracked} at {@code now}.
     *
     * @param held       whether notifications are held back now (nothing changes)
     * @param target     the incident's target ({@code null} for an agent incident): a target naming a
     *                   parent has its notifications wait {@code parentWait}; one checked from several
     *                   regions is grouped by its regions down too
     * @param message    writes the message of an event about the incident
     */
    public Outcome reconcile(Tracked tracked, boolean held, Target target, Instant now,
                             Function<NotificationEvent, NotificationMessage> message) {
        boolean hasParent = target != null && target.rules().parent() != null;
        List<String> groupKeys = groupKeys(tracked.incident(), target != null && target.regions().size() > 1);
        if (held) {
            return new Outcome(tracked, List.of());
        }
        Incident incident = tracked.incident();
        Map<UUID, Integer> wanted = incident.active()
                ? routing.route(incident.orgId(), incident.kind().event(), incident.kind().severity(), incident.tags(),
                regions(incident, target)).reminderIntervals()
                : Map.of();
        Map<UUID, Subscription> subscriptions = new java.util.LinkedHashMap<>(tracked.subscriptions());
        List<Op> ops = new ArrayList<>();
        Instant notBefore = hasParent ? now.plus(parentWait) : now;
        for (Map.Entry<UUID, Integer> channel : wanted.entrySet()) {
            Subscription current = subscriptions.get(channel.getKey());
            if (current == null || current.notifiedKind() != incident.kind()) {
                ops.add(new Op.Notify(message.apply(incident.kind().event()), channel.getKey(), incident.id(), groupKeys, notBefore));
                Subscription next = new Subscription(channel.getKey(), incident.kind(), channel.getValue(),
                        current == null ? now : current.notifiedAt(), now);
                subscriptions.put(channel.getKey(), next);
                ops.add(new Op.Subscribe(incident.id(), next));
            } else if (current.reminderIntervalS() != channel.getValue()) {
                // A policy changed its reminder interval while the incident was open: follow it, without a
                // notification; the next reminder comes one new interval from now.
                Subscription next = new Subscription(channel.getKey(), current.notifiedKind(), channel.getValue(), current.notifiedAt(), now);
                subscriptions.put(channel.getKey(), next);
                ops.add(new Op.Subscribe(incident.id(), next));
            }
        }
        for (UUID channel : new ArrayList<>(subscriptions.keySet())) {
            if (!wanted.containsKey(channel)) {
                if (routing.routesResolved(incident.orgId(), channel)) {
                    ops.add(new Op.Notify(message.apply(NotificationEvent.RESOLVED), channel, incident.id(), groupKeys, now));
                }
                subscriptions.remove(channel);
                ops.add(new Op.Unsubscribe(incident.id(), channel));
            }
        }
        return new Outcome(new Tracked(incident, subscriptions), ops);
    }

    /**
     * One-off notifications ({@code flapping}) to the channels routing {@code event} of
     * {@code severity} about {@code incident}'s {@code target}; they subscribe nothing.
     */
    public List<Op> once(NotificationEvent event, String severity, Incident incident, Target target, NotificationMessage message) {
        List<Op> ops = new ArrayList<>();
        for (UUID channel : routing.route(incident.orgId(), event, severity, incident.tags(), regions(incident, target)).channels()) {
            ops.add(new Op.Notify(message, channel, incident.id(), List.of(), message.timestamp()));
        }
        return ops;
    }

    /**
     * The regions a policy's region filter is matched against: the agent's region; the regions down;
     * for an incident without any (degraded, config_error, flapping after recovery) the target's regions.
     */
    static List<String> regions(Incident incident, Target target) {
        if (incident.region() != null) {
            return List.of(incident.region());
        }
        if (!incident.regionsDown().isEmpty() || target == null) {
            return incident.regionsDown();
        }
        return target.regions().stream().map(dev.heliograph.domain.RegionId::value).toList();
    }

    /**
     * The keys grouped notifications gather by: {@code tag:<tag>} per tag, and {@code region:<region>}
     * per region down when the target is checked from several regions (a single-region target would
     * otherwise share its one region with every other target there, related or not).
     */
    static List<String> groupKeys(Incident incident, boolean byRegion) {
        List<String> keys = new ArrayList<>();
        if (incident.targetId() == null) {
            return keys;
        }
        incident.tags().stream().sorted().forEach(tag -> keys.add("tag:" + tag));
        if (byRegion) {
            incident.regionsDown().stream().sorted().forEach(region -> keys.add("region:" + region));
        }
        return keys;
    }
}
