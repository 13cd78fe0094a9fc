package dev.heliograph.controlplane.incidents;

import dev.heliograph.controlplane.alerting.AlertChannel;
import dev.heliograph.controlplane.alerting.ChannelSender;
import dev.heliograph.controlplane.alerting.NotificationEvent;
import dev.heliograph.controlplane.alerting.NotificationMessage;
import dev.heliograph.domain.Uuid7;
import dev.heliograph.probe.codec.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upkeep of open incidents, every {@value #PERIOD_S} s:
 * <ul>
 *   <li>reminders: a channel subscribed with a reminder interval gets a {@code reminder} notification
 *       (through the outbox) each time an open, unacknowledged incident has gone that long without
 *       one; the claim and the notification are one transaction, so several control planes never
 *       remind twice; a muted incident is skipped and its clock restarts; one whose target flaps or whose
 *       parent's incident caused it and is still open waits (reminded once that ends, when due);</li>
 *   <li>Alertmanager: every {@code alertmanagerResend}, each active incident is sent again to the
 *       Alertmanager channels told of it, so its {@code endsAt} lease never runs out while it is open
 *       (Alertmanager's API v2 expects re-sends every 30 s to 3 min). These re-sends go straight to the
 *       sender: a lost one is replaced by the next.</li>
 * </ul>
 */
public final class Reminders {
    private static final Logger LOG = LoggerFactory.getLogger(Reminders.class);
    static final int PERIOD_S = 15;
    /** Most incidents in one re-send to Alertmanager. */
    static final int RESEND_BATCH = 200;

    private final Vertx vertx;
    private final Pool pool;
    private final Messages messages;
    private final Clock clock;
    private final Predicate<Incident> held;
    private final Function<UUID, Future<Optional<AlertChannel>>> channels;
    private final ChannelSender sender;
    private final Duration alertmanagerResend;
    private final Runnable written;
    private Instant lastResend = Instant.EPOCH;
    private long timer = -1;

    /**
     * @param held     whether an incident's notifications are held now (its target is in a mute window)
     * @param channels finds a channel with its secrets
     * @param written  called after reminders were written (wakes the senders)
     */
    public Reminders(Vertx vertx, Pool pool, Messages messages, Clock clock, Predicate<Incident> held,
                     Function<UUID, Future<Optional<AlertChannel>>> channels, ChannelSender sender, Duration alertmanagerResend,
                     Runnable written) {
        this.vertx = vertx;
        this.pool = pool;
        this.messages = messages;
        this.clock = clock;
        this.held = held;
        this.channels = channels;
        this.sender = sender;
        this.alertmanagerResend = alertmanagerResend;
        this.written = written;
    }

    /** Starts the periodic upkeep. */
    public void start() {
        timer = vertx.setPeriodic(PERIOD_S * 1000L, id -> {
            remind().onFailure(error -> LOG.warn("writing reminders failed: {}", error.getMessage()));
            Instant now = clock.instant();
            if (!now.isBefore(lastResend.plus(alertmanagerResend))) {
                lastResend = now;
                resendToAlertmanager().onFailure(error -> LOG.warn("re-sending open incidents to Alertmanager failed: {}", error.getMessage()));
            }
        });
    }

    /** Stops the periodic upkeep. */
    public void stop() {
        vertx.cancelTimer(timer);
    }

    /** Writes the reminders due now; completes with how many. */
    public Future<Integer> remind() {
        Instant now = clock.instant();
        return pool.withTransaction(conn -> conn.preparedQuery("UPDATE incident_subscriptions s SET last_notified_at = $1 FROM incidents i "
                        + "WHERE i.id = s.incident_id AND i.state = 'open' AND s.reminder_interval_s > 0 "
                        + "AND s.last_notified_at + make_interval(secs => s.reminder_interval_s) <= $1 "
                        // Held: the target flaps, or its parent's incident caused this one and is still open.
                        + "AND NOT EXISTS (SELECT 1 FROM target_states t WHERE t.target_id = i.target_id AND t.state->>'flapping' = 'true') "
                        + "AND NOT EXISTS (SELECT 1 FROM incidents p WHERE p.id = i.caused_by AND p.state <> 'resolved') "
                        + "RETURNING s.channel_id, " + prefixed())
                .execute(Tuple.of(IncidentRows.time(now)))
                .compose(rows -> {
                    List<Future<?>> inserts = new ArrayList<>();
                    for (Row row : rows) {
                        Incident incident = IncidentRows.of(row);
                        if (held.test(incident)) {
                            continue;
                        }
                        NotificationMessage message = messages.about(NotificationEvent.REMINDER, incident, null, null, Set.of(), now);
                        inserts.add(conn.preparedQuery("INSERT INTO notifications (id, org_id, channel_id, incident_id, event, payload, "
                                        + "state, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, 'reminder', $5::text::jsonb, 'pending', $6, $6)")
                                .execute(Tuple.of(message.id(), incident.orgId().value(), row.getUUID("channel_id"), incident.id(),
                                        Json.MAPPER.valueToTree(message).toString(), IncidentRows.time(now))));
                    }
                    return Future.all(inserts).map(all -> inserts.size());
                }))
                .onSuccess(count -> {
                    if (count > 0) {
                        written.run();
                    }
                });
    }

    /**
     * Sends every active incident again to the Alertmanager channels subscribed to it: one POST per
     * channel and {@value #RESEND_BATCH} incidents (Alertmanager takes a list of alerts), the batches of
     * one channel one after another.
     */
    public Future<Void> resendToAlertmanager() {
        Instant now = clock.instant();
        return pool.query("SELECT s.channel_id, " + prefixed() + " FROM incident_subscriptions s JOIN incidents i ON i.id = s.incident_id "
                        + "JOIN alert_channels c ON c.id = s.channel_id WHERE i.state <> 'resolved' AND c.kind = 'alertmanager' AND c.enabled "
                        + "ORDER BY s.channel_id, i.id")
                .execute()
                .compose(rows -> {
                    Map<UUID, List<NotificationMessage.IncidentSummary>> byChannel = new LinkedHashMap<>();
                    Map<UUID, UUID> orgs = new HashMap<>();
                    for (Row row : rows) {
                        Incident incident = IncidentRows.of(row);
                        UUID channel = row.getUUID("channel_id");
                        orgs.put(channel, incident.orgId().value());
                        byChannel.computeIfAbsent(channel, id -> new ArrayList<>())
                                .add(messages.about(incident.kind().event(), incident, null, null, Set.of(), now).incident());
                    }
                    List<Future<?>> sends = new ArrayList<>();
                    byChannel.forEach((channel, incidents) -> sends.add(channels.apply(channel).compose(found -> {
                        Future<?> chain = Future.succeededFuture();
                        for (int from = 0; found.isPresent() && from < incidents.size(); from += RESEND_BATCH) {
                            NotificationMessage batch = new NotificationMessage(Uuid7.at(now.toEpochMilli()), NotificationEvent.REMINDER, now,
                                    orgs.get(channel), "open incidents, sent again", null, new NotificationMessage.Group("open",
                                    incidents.subList(from, Math.min(incidents.size(), from + RESEND_BATCH))));
                            chain = chain.compose(v -> sender.send(found.get(), batch));
                        }
                        return chain;
                    })));
                    return Future.join(sends).mapEmpty();
                });
    }

    /** The incident columns, qualified with {@code i.} so that they can follow another table's in a select list. */
    private static String prefixed() {
        return "i." + IncidentRows.COLUMNS.replace(", ", ", i.");
    }
}
