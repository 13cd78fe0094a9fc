package dev.heliograph.controlplane.incidents;

import dev.heliograph.controlplane.alerting.NotificationEvent;
import dev.heliograph.domain.TargetId;
import dev.heliograph.domain.Uuid7;
import dev.heliograph.probe.codec.Json;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The incident engine's state in PostgreSQL: target states, incidents, timelines, the channels told of
 * each incident, and the notification outbox. {@link #commit} writes one decision in one transaction,
 * so a crash never separates an incident change from the notifications it causes.
 *
 * <p>Grouping: a down (or resolved) notification for a channel is held for a grouped notification
 * when, counting it, at least {@code groupThreshold} incidents sharing one of its group keys (a tag or
 * a region) were notified to that channel within {@code groupWindow}; the grouped notification is
 * sent {@code groupWait} after the first one held, listing every incident held for it by then. The
 * transactions that decide this lock the channel (an advisory lock) so two decisions never both count
 * themselves below the threshold.
 */
public final class PgIncidentStore {
    private final Pool pool;
    private final Clock clock;
    private final int groupThreshold;
    private final Duration groupWindow;
    private final Duration groupWait;

    /** @param groupThreshold incidents sharing a key within {@code groupWindow} that start grouping (0 = never) */
    public PgIncidentStore(Pool pool, Clock clock, int groupThreshold, Duration groupWindow, Duration groupWait) {
        this.pool = pool;
        this.clock = clock;
        this.groupThreshold = groupThreshold;
        this.groupWindow = groupWindow;
        this.groupWait = groupWait;
    }

    /** The pool, for the API's reads. */
    Pool pool() {
        return pool;
    }

    /** Every stored target state and every active incident with its subscriptions: what the engine starts from. */
    public record Loaded(Map<TargetId, TargetHealth> health, List<Tracked> incidents) {
        /** Per target: its health (clean as of {@code now} when none is stored) with its active incidents. */
        Map<TargetId, SlotState> slotStates(Instant now) {
            Map<TargetId, SlotState> states = new HashMap<>();
            health.forEach((id, stored) -> states.put(id, new SlotState(stored, null, null, null)));
            for (Tracked tracked : incidents) {
                Incident incident = tracked.incident();
                if (incident.targetId() == null) {
                    continue;
                }
                SlotState state = states.getOrDefault(incident.targetId(), new SlotState(TargetHealth.clean(now), null, null, null));
                states.put(incident.targetId(), incident.kind() == IncidentKind.CONFIG_ERROR
                        ? new SlotState(state.health(), state.problem(), tracked, state.last())
                        : new SlotState(state.health(), tracked, state.config(), incident));
            }
            return states;
        }
    }

    /** Whether PostgreSQL refused a write for a reason a retry cannot fix: SQLSTATE class 23, integrity constraint violation. */
    public static boolean refused(Throwable cause) {
        return cause instanceof io.vertx.pgclient.PgException pg && pg.getSqlState() != null && pg.getSqlState().startsWith("23");
    }

    /** Reads the engine's state. */
    public Future<Loaded> load() {
        return load(null);
    }

    /**
     * Reads what is stored of one target: after a write the database refused for good (a constraint,
     * e.g. a channel deleted meanwhile, or a commit that succeeded although its answer was lost), the
     * engine starts that target again from here.
     */
    public Future<Loaded> loadTarget(TargetId target) {
        return load(target.value());
    }

    /** Every target's state, or only {@code target}'s when it is not {@code null}. */
    private Future<Loaded> load(UUID target) {
        Tuple only = Tuple.of(target);
        Future<Map<TargetId, TargetHealth>> health = pool.preparedQuery("SELECT target_id, verdict, verdict_since, state::text AS state "
                        + "FROM target_states WHERE $1::uuid IS NULL OR target_id = $1")
                .execute(only).map(rows -> {
                    Map<TargetId, TargetHealth> all = new HashMap<>();
                    rows.forEach(row -> all.put(new TargetId(row.getUUID("target_id")), HealthCodec.read(row.getString("state"),
                            Verdict.fromWire(row.getString("verdict")), row.getOffsetDateTime("verdict_since").toInstant())));
                    return all;
                });
        Future<List<Incident>> incidents = pool.preparedQuery("SELECT " + IncidentRows.COLUMNS + " FROM incidents WHERE state <> 'resolved' "
                        + "AND ($1::uuid IS NULL OR target_id = $1)")
                .execute(only).map(rows -> {
                    List<Incident> all = new ArrayList<>();
                    rows.forEach(row -> all.add(IncidentRows.of(row)));
                    return all;
                });
        Future<Map<UUID, Map<UUID, Subscription>>> subscriptions = pool.preparedQuery("SELECT s.* FROM incident_subscriptions s "
                + "JOIN incidents i ON i.id = s.incident_id WHERE i.state <> 'resolved' AND ($1::uuid IS NULL OR i.target_id = $1)")
                .execute(only).map(rows -> {
                    Map<UUID, Map<UUID, Subscription>> all = new HashMap<>();
                    rows.forEach(row -> all.computeIfAbsent(row.getUUID("incident_id"), id -> new HashMap<>())
                            .put(row.getUUID("channel_id"), subscription(row)));
                    return all;
                });
        return Future.all(health, incidents, subscriptions).map(all -> new Loaded(health.result(), incidents.result().stream()
                .map(i -> new Tracked(i, subscriptions.result().getOrDefault(i.id(), Map.of()))).toList()));
    }

    /** The latest incident of each of {@code targets}, resolved or not (flapping notifications name it). */
    public Future<Map<TargetId, Incident>> latest(List<TargetId> targets) {
        if (targets.isEmpty()) {
            return Future.succeededFuture(Map.of());
        }
        return pool.preparedQuery("SELECT DISTINCT ON (target_id) " + IncidentRows.COLUMNS + " FROM incidents WHERE target_id = ANY($1) "
                        + "AND kind IN ('down', 'regional', 'degraded') ORDER BY target_id, id DESC")
                .execute(Tuple.tuple().addArrayOfUUID(targets.stream().map(TargetId::value).toArray(UUID[]::new)))
                .map(rows -> {
                    Map<TargetId, Incident> latest = new HashMap<>();
                    rows.forEach(row -> {
                        Incident incident = IncidentRows.of(row);
                        latest.put(incident.targetId(), incident);
                    });
                    return latest;
                });
    }

    /**
     * Writes {@code ops} in one transaction, in order. Completes with the subscriptions left for every
     * incident whose pending notifications were suppressed ({@link Op.SuppressPending}).
     */
    public Future<Map<UUID, Map<UUID, Subscription>>> commit(List<Op> ops) {
        if (ops.isEmpty()) {
            return Future.succeededFuture(Map.of());
        }
        return pool.withTransaction(conn -> lockChannels(conn, ops).compose(v -> {
            Map<UUID, Map<UUID, Subscription>> left = new HashMap<>();
            Future<Void> chain = Future.succeededFuture();
            for (Op op : ops) {
                chain = chain.compose(x -> execute(conn, op, left));
            }
            return chain.map(left);
        }));
    }

    /** Locks every channel a notification goes to, in one order, for the grouping count. */
    private Future<Void> lockChannels(SqlConnection conn, List<Op> ops) {
        TreeSet<UUID> channels = new TreeSet<>();
        ops.forEach(op -> {
            if (op instanceof Op.Notify notify && grouped(notify)) {
                channels.add(notify.channelId());
            }
        });
        if (channels.isEmpty()) {
            return Future.succeededFuture();
        }
        return conn.preparedQuery("SELECT pg_advisory_xact_lock(hashtextextended(c::text, 13)) FROM unnest($1::uuid[]) AS c ORDER BY c")
                .execute(Tuple.tuple().addArrayOfUUID(channels.toArray(UUID[]::new))).mapEmpty();
    }

    private boolean grouped(Op.Notify notify) {
        NotificationEvent event = notify.message().event();
        return groupThreshold > 0 && !notify.groupKeys().isEmpty()
                && (event == NotificationEvent.OPENED || event == NotificationEvent.RESOLVED);
    }

    private Future<Void> execute(SqlConnection conn, Op op, Map<UUID, Map<UUID, Subscription>> left) {
        return switch (op) {
            // The target may have been deleted meanwhile: then there is nothing to remember (no row, no foreign-key error).
            case Op.SaveHealth save -> conn.preparedQuery("INSERT INTO target_states (target_id, org_id, verdict, verdict_since, state, "
                            + "updated_at) SELECT $1, $2, $3, $4, $5::text::jsonb, $6 WHERE EXISTS (SELECT 1 FROM targets WHERE id = $1) "
                            + "ON CONFLICT (target_id) DO UPDATE SET verdict = "
                            + "EXCLUDED.verdict, verdict_since = EXCLUDED.verdict_since, state = EXCLUDED.state, updated_at = EXCLUDED.updated_at")
                    .execute(Tuple.tuple().addUUID(save.targetId().value()).addUUID(save.orgId().value()).addString(save.health().verdict().wire())
                            .addOffsetDateTime(IncidentRows.time(save.health().verdictSince())).addString(HealthCodec.write(save.health()))
                            .addOffsetDateTime(IncidentRows.time(save.at())))
                    .mapEmpty();
            case Op.DeleteHealth delete -> conn.preparedQuery("DELETE FROM target_states WHERE target_id = $1")
                    .execute(Tuple.of(delete.targetId().value())).mapEmpty();
            case Op.InsertIncident insert -> conn.preparedQuery(IncidentRows.UPSERT).execute(IncidentRows.params(insert.incident())).mapEmpty();
            case Op.UpdateIncident update -> conn.preparedQuery(IncidentRows.UPSERT).execute(IncidentRows.params(update.incident())).mapEmpty();
            case Op.Timeline line -> conn.preparedQuery("INSERT INTO incident_events (incident_id, at, type, message, details) "
                            + "VALUES ($1, $2, $3, $4, $5::text::jsonb)")
                    .execute(Tuple.of(line.incidentId(), IncidentRows.time(line.at()), line.type(), line.message(),
                            Json.MAPPER.valueToTree(line.details()).toString())).mapEmpty();
            case Op.Notify notify -> notify(conn, notify);
            case Op.Subscribe subscribe -> conn.preparedQuery("INSERT INTO incident_subscriptions (incident_id, channel_id, notified_kind, "
                            + "reminder_interval_s, notified_at, last_notified_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (incident_id, "
                            + "channel_id) DO UPDATE SET notified_kind = EXCLUDED.notified_kind, reminder_interval_s = "
                            + "EXCLUDED.reminder_interval_s, last_notified_at = EXCLUDED.last_notified_at")
                    .execute(Tuple.of(subscribe.incidentId(), subscribe.subscription().channelId(), subscribe.subscription().notifiedKind().wire(),
                            subscribe.subscription().reminderIntervalS(), IncidentRows.time(subscribe.subscription().notifiedAt()),
                            IncidentRows.time(subscribe.subscription().lastNotifiedAt())))
                    .mapEmpty();
            case Op.Unsubscribe unsubscribe -> conn.preparedQuery("DELETE FROM incident_subscriptions WHERE incident_id = $1 AND channel_id = $2")
                    .execute(Tuple.of(unsubscribe.incidentId(), unsubscribe.channelId())).mapEmpty();
            case Op.SuppressPending suppress -> suppress(conn, suppress.incidentId(), left);
        };
    }

    private Future<Void> notify(SqlConnection conn, Op.Notify notify) {
        Instant now = clock.instant();
        if (!grouped(notify)) {
            return insert(conn, notify, "pending", notify.groupKeys(), notify.notBefore());
        }
        String event = notify.message().event().wire();
        return conn.preparedQuery("SELECT k AS key, count(DISTINCT incident_id) AS n FROM notifications, unnest(group_keys) AS k "
                        + "WHERE channel_id = $1 AND event = $2 AND created_at > $3 AND incident_id IS NOT NULL AND incident_id <> $4 "
                        + "AND state IN ('pending', 'grouped', 'delivered') AND k = ANY($5) GROUP BY k "
                        // The key shared most; of equals a tag (chosen by people) before a region.
                        + "ORDER BY n DESC, (k LIKE 'tag:%') DESC, k LIMIT 1")
                .execute(Tuple.tuple().addUUID(notify.channelId()).addString(event).addOffsetDateTime(IncidentRows.time(now.minus(groupWindow)))
                        .addUUID(notify.incidentId()).addArrayOfString(notify.groupKeys().toArray(String[]::new)))
                .compose(rows -> {
                    Row best = rows.iterator().hasNext() ? rows.iterator().next() : null;
                    if (best == null || best.getLong("n") + 1 < groupThreshold) {
                        return insert(conn, notify, "pending", notify.groupKeys(), notify.notBefore());
                    }
                    String key = best.getString("key");
                    return insert(conn, notify, "grouped", List.of(key), notify.notBefore()).compose(v -> ensureGroup(conn, notify, key, now));
                });
    }

    /** A pending grouped notification for (channel, event, key) not yet attempted, made when there is none. */
    private Future<Void> ensureGroup(SqlConnection conn, Op.Notify member, String key, Instant now) {
        String event = member.message().event().wire();
        return conn.preparedQuery("SELECT id FROM notifications WHERE channel_id = $1 AND event = $2 AND incident_id IS NULL "
                        + "AND group_keys = ARRAY[$3]::text[] AND state = 'pending' AND attempts = 0 LIMIT 1")
                .execute(Tuple.of(member.channelId(), event, key))
                .compose(rows -> rows.size() > 0 ? Future.succeededFuture() : conn.preparedQuery("INSERT INTO notifications (id, org_id, "
                                + "channel_id, incident_id, event, payload, state, group_keys, next_attempt_at, created_at) VALUES ($1, $2, $3, NULL, "
                                + "$4, '{}'::jsonb, 'pending', ARRAY[$5]::text[], $6, $7)")
                        .execute(Tuple.tuple().addUUID(Uuid7.at(now.toEpochMilli())).addUUID(member.message().orgId()).addUUID(member.channelId())
                                .addString(event).addString(key).addOffsetDateTime(IncidentRows.time(now.plus(groupWait)))
                                .addOffsetDateTime(IncidentRows.time(now)))
                        .mapEmpty());
    }

    private Future<Void> insert(SqlConnection conn, Op.Notify notify, String state, List<String> keys, Instant notBefore) {
        return conn.preparedQuery("INSERT INTO notifications (id, org_id, channel_id, incident_id, event, payload, state, group_keys, "
                        + "next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, $7, $8, $9, $10)")
                .execute(Tuple.tuple().addUUID(notify.message().id()).addUUID(notify.message().orgId()).addUUID(notify.channelId())
                        .addUUID(notify.incidentId()).addString(notify.message().event().wire())
                        .addString(Json.MAPPER.valueToTree(notify.message()).toString()).addString(state)
                        .addArrayOfString(keys.toArray(String[]::new)).addOffsetDateTime(IncidentRows.time(notBefore))
                        .addOffsetDateTime(IncidentRows.time(notify.message().timestamp())))
                .mapEmpty();
    }

    private Future<Void> suppress(SqlConnection conn, UUID incident, Map<UUID, Map<UUID, Subscription>> left) {
        return conn.preparedQuery("WITH cancelled AS (UPDATE notifications SET state = 'suppressed', last_error = 'caused by the parent "
                        + "target''s incident' WHERE incident_id = $1 AND state IN ('pending', 'grouped') AND attempts = 0 RETURNING channel_id) "
                        + "DELETE FROM incident_subscriptions WHERE incident_id = $1 AND channel_id IN (SELECT channel_id FROM cancelled)")
                .execute(Tuple.of(incident))
                .compose(v -> conn.preparedQuery("SELECT * FROM incident_subscriptions WHERE incident_id = $1").execute(Tuple.of(incident)))
                .map(rows -> {
                    Map<UUID, Subscription> kept = new HashMap<>();
                    rows.forEach(row -> kept.put(row.getUUID("channel_id"), subscription(row)));
                    left.put(incident, kept);
                    return null;
                });
    }

    static Subscription subscription(Row row) {
        return new Subscription(row.getUUID("channel_id"), IncidentKind.fromWire(row.getString("notified_kind")),
                row.getInteger("reminder_interval_s"), IncidentRows.instant(row, "notified_at"), IncidentRows.instant(row, "last_notified_at"));
    }

}
