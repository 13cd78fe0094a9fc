package dev.heliograph.controlplane.incidents;

import dev.heliograph.controlplane.alerting.AlertChannel;
import dev.heliograph.controlplane.alerting.ChannelSender;
import dev.heliograph.controlplane.alerting.NotificationEvent;
import dev.heliograph.controlplane.alerting.NotificationMessage;
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
import java.util.List;
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
 *       remind twice; held incidents (muted) are skipped, their clock restarts;</li>
 *   <li>Alertmanager: every {@code alertmanagerResend}, each active incident is sent again to the
 *       Alertmanager channels told of it, so its {@code endsAt} lease never runs out while it is open
 *       (Alertmanager's API v2 expects re-sends every 30 s to 3 min). These re-sends go straight to the
 *       sender: a lost one is replaced by the next.</li>
 * </ul>
 */
public final class Reminders {
    private static final Logger LOG = LoggerFactory.getLogger(Reminders.class);
    static final int PERIOD_S = 15;

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
        vertx.setPeriodic(PERIOD_S * 1000L, id -> {
            remind().onFailure(error -> LOG.warn("writing reminders failed: {}", error.getMessage()));
            Instant now = clock.instant();
            if (!now.isBefore(lastResend.plus(alertmanagerResend))) {
                lastResend = now;
                resendToAlertmanager().onFailure(error -> LOG.warn("re-sending open incidents to Alertmanager failed: {}", error.getMessage()));
            }
        });
    }

    /** Writes the reminders due now; completes with how many. */
    public Future<Integer> remind() {
        Instant now = clock.instant();
        return pool.withTransaction(conn -> conn.preparedQuery("UPDATE incident_subscriptions s SET last_notified_at = $1 FROM incidents i "
                        + "WHERE i.id = s.incident_id AND i.state = 'open' AND s.reminder_interval_s > 0 "
                        + "AND s.last_notified_at + make_interval(secs => s.reminder_interval_s) <= $1 "
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

    /** Sends every active incident again to the Alertmanager channels subscribed to it. */
    public Future<Void> resendToAlertmanager() {
        Instant now = clock.instant();
        return pool.query("SELECT s.channel_id, " + prefixed() + " FROM incident_subscriptions s JOIN incidents i ON i.id = s.incident_id "
                        + "JOIN alert_channels c ON c.id = s.channel_id WHERE i.state <> 'resolved' AND c.kind = 'alertmanager' AND c.enabled")
                .execute()
                .compose(rows -> {
                    List<Future<?>> sends = new ArrayList<>();
                    for (Row row : rows) {
                        Incident incident = IncidentRows.of(row);
                        NotificationMessage message = messages.about(incident.kind().event(), incident, null, null, Set.of(), now);
                        sends.add(channels.apply(row.getUUID("channel_id")).compose(found -> found.isEmpty() ? Future.succeededFuture()
                                : sender.send(found.get(), message)));
                    }
                    return Future.join(sends).mapEmpty();
                });
    }

    /** The incident columns, qualified with {@code i.} so that they can follow another table's in a select list. */
    private static String prefixed() {
        return "i." + IncidentRows.COLUMNS.replace(", ", ", i.");
    }
}
