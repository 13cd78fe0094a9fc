package dev.heliograph.controlplane.incidents;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.domain.IncidentRules;
import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.TargetId;
import dev.heliograph.probe.codec.Json;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The API's reads of incidents, timelines and target verdicts. Every method takes the caller's
 * {@link OrgId}: another org's incident is never found.
 */
public final class IncidentQueries {
    private final Pool pool;

    public IncidentQueries(Pool pool) {
        this.pool = pool;
    }

    /**
     * What to list: {@code states} ({@code open}, {@code acknowledged}, {@code resolved}; empty = all),
     * {@code kinds} (empty = all), one target, opened at or after {@code since}.
     */
    public record Filter(Set<String> states, Set<String> kinds, TargetId target, Instant since) {
    }

    /** One line of a timeline. */
    public record Line(Instant at, String type, String message, JsonNode details) {
    }

    /** A target's verdict as stored, with its region states; {@code since} is when the verdict last changed. */
    public record StoredVerdict(Verdict verdict, Instant since, TargetHealth health) {
    }

    /** Up to {@code limit + 1} incidents of {@code org} matching {@code filter}, newest first, older than {@code before} (null: from the newest). */
    public Future<List<Incident>> list(OrgId org, Filter filter, UUID before, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + IncidentRows.COLUMNS + " FROM incidents WHERE org_id = $1");
        Tuple params = Tuple.tuple().addUUID(org.value());
        if (before != null) {
            params.addUUID(before);
            sql.append(" AND id < $").append(params.size());
        }
        if (!filter.states().isEmpty()) {
            params.addArrayOfString(filter.states().toArray(String[]::new));
            sql.append(" AND state = ANY($").append(params.size()).append(")");
        }
        if (!filter.kinds().isEmpty()) {
            params.addArrayOfString(filter.kinds().toArray(String[]::new));
            sql.append(" AND kind = ANY($").append(params.size()).append(")");
        }
        if (filter.target() != null) {
            params.addUUID(filter.target().value());
            sql.append(" AND target_id = $").append(params.size());
        }
        if (filter.since() != null) {
            params.addOffsetDateTime(IncidentRows.time(filter.since()));
            sql.append(" AND opened_at >= $").append(params.size());
        }
        params.addInteger(limit + 1);
        sql.append(" ORDER BY id DESC LIMIT $").append(params.size());
        return pool.preparedQuery(sql.toString()).execute(params).map(rows -> {
            List<Incident> incidents = new ArrayList<>();
            rows.forEach(row -> incidents.add(IncidentRows.of(row)));
            return incidents;
        });
    }

    /** Incident {@code id} of {@code org}, or empty. */
    public Future<Optional<Incident>> get(OrgId org, UUID id) {
        return pool.preparedQuery("SELECT " + IncidentRows.COLUMNS + " FROM incidents WHERE org_id = $1 AND id = $2")
                .execute(Tuple.of(org.value(), id))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(IncidentRows.of(rows.iterator().next())));
    }

    /** The timeline of incident {@code id} (of {@code org}), oldest first. */
    public Future<List<Line>> timeline(OrgId org, UUID id) {
        return pool.preparedQuery("SELECT e.at, e.type, e.message, e.details::text AS details FROM incident_events e JOIN incidents i "
                        + "ON i.id = e.incident_id WHERE i.org_id = $1 AND e.incident_id = $2 ORDER BY e.id")
                .execute(Tuple.of(org.value(), id))
                .map(rows -> {
                    List<Line> lines = new ArrayList<>();
                    rows.forEach(row -> lines.add(new Line(row.getOffsetDateTime("at").toInstant(), row.getString("type"),
                            row.getString("message"), details(row))));
                    return lines;
                });
    }

    /** The stored verdict of target {@code id} of {@code org}; empty when the target has nothing stored (its regions are up). */
    public Future<Optional<StoredVerdict>> verdict(OrgId org, TargetId id) {
        return pool.preparedQuery("SELECT verdict, verdict_since, state::text AS state FROM target_states WHERE org_id = $1 AND target_id = $2")
                .execute(Tuple.of(org.value(), id.value()))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(stored(rows.iterator().next())));
    }

    /** The id of the active incident of the kinds down/regional/degraded of target {@code id} of {@code org}, or empty. */
    public Future<Optional<UUID>> activeIncident(OrgId org, TargetId id) {
        return pool.preparedQuery("SELECT id FROM incidents WHERE org_id = $1 AND target_id = $2 AND state <> 'resolved' "
                        + "AND kind IN ('down', 'regional', 'degraded')")
                .execute(Tuple.of(org.value(), id.value()))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getUUID("id")));
    }

    /** One row of {@link #verdicts}. */
    public record TargetVerdict(TargetId target, StoredVerdict verdict, int failureThreshold) {
    }

    /**
     * Up to {@code limit + 1} targets of {@code org} whose stored verdict is one of {@code verdicts}, in
     * target id order after {@code after} (null: from the start).
     */
    public Future<List<TargetVerdict>> verdicts(OrgId org, Set<String> verdicts, TargetId after, int limit) {
        return pool.preparedQuery("SELECT s.target_id, s.verdict, s.verdict_since, s.state::text AS state, COALESCE((SELECT "
                        + "(t.incident_rules->>'failure_threshold')::int FROM targets t WHERE t.id = s.target_id), "
                        + IncidentRules.DEFAULT_THRESHOLD + ") AS failure_threshold FROM target_states s WHERE s.org_id = $1 "
                        + "AND s.verdict = ANY($2) AND ($3::uuid IS NULL OR s.target_id > $3) ORDER BY s.target_id LIMIT $4")
                .execute(Tuple.tuple().addUUID(org.value()).addArrayOfString(verdicts.toArray(String[]::new))
                        .addUUID(after == null ? null : after.value()).addInteger(limit + 1))
                .map(rows -> {
                    List<TargetVerdict> found = new ArrayList<>();
                    rows.forEach(row -> found.add(new TargetVerdict(new TargetId(row.getUUID("target_id")), stored(row),
                            row.getInteger("failure_threshold"))));
                    return found;
                });
    }

    private static StoredVerdict stored(Row row) {
        Verdict verdict = Verdict.fromWire(row.getString("verdict"));
        Instant since = row.getOffsetDateTime("verdict_since").toInstant();
        return new StoredVerdict(verdict, since, HealthCodec.read(row.getString("state"), verdict, since));
    }

    private static JsonNode details(Row row) {
        try {
            return Json.MAPPER.readTree(row.getString("details"));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Json.MAPPER.createObjectNode();
        }
    }
}
