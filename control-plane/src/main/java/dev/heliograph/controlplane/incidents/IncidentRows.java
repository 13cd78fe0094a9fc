package dev.heliograph.controlplane.incidents;

import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.TargetId;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.UUID;

/** The mapping of {@code incidents} rows, shared by the engine's store and the API's reads. */
final class IncidentRows {
    /** Every column of {@code incidents}, in {@link #UPSERT}'s order. */
    static final String COLUMNS = "id, org_id, kind, severity, state, title, target_id, target_key, target_name, agent_id, region, tags, "
            + "regions_down, caused_by, first_failure_at, opened_at, acknowledged_at, acknowledged_by, resolved_at, resolved_by, "
            + "resolution_note, updated_at";
    /** Inserts an incident or replaces every changeable column of it. */
    static final String UPSERT = "INSERT INTO incidents (" + COLUMNS + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
            + "$14, $15, $16, $17, $18, $19, $20, $21, now()) ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, "
            + "severity = EXCLUDED.severity, state = EXCLUDED.state, title = EXCLUDED.title, regions_down = EXCLUDED.regions_down, "
            + "caused_by = EXCLUDED.caused_by, acknowledged_at = EXCLUDED.acknowledged_at, acknowledged_by = EXCLUDED.acknowledged_by, "
            + "resolved_at = EXCLUDED.resolved_at, resolved_by = EXCLUDED.resolved_by, resolution_note = EXCLUDED.resolution_note, "
            + "updated_at = now()";

    private IncidentRows() {
    }

    static Tuple params(Incident i) {
        return Tuple.tuple().addUUID(i.id()).addUUID(i.orgId().value()).addString(i.kind().wire()).addString(i.kind().severity())
                .addString(i.state()).addString(i.title()).addUUID(i.targetId() == null ? null : i.targetId().value())
                .addString(i.targetKey()).addString(i.targetName()).addUUID(i.agentId()).addString(i.region())
                .addArrayOfString(i.tags().toArray(String[]::new)).addArrayOfString(i.regionsDown().toArray(String[]::new))
                .addUUID(i.causedBy()).addOffsetDateTime(time(i.firstFailureAt())).addOffsetDateTime(time(i.openedAt()))
                .addOffsetDateTime(time(i.acknowledgedAt())).addString(i.acknowledgedBy()).addOffsetDateTime(time(i.resolvedAt()))
                .addString(i.resolvedBy()).addString(i.resolutionNote());
    }

    static Incident of(Row row) {
        UUID target = row.getUUID("target_id");
        return new Incident(row.getUUID("id"), new OrgId(row.getUUID("org_id")), IncidentKind.fromWire(row.getString("kind")),
                row.getString("state"), row.getString("title"), target == null ? null : new TargetId(target), row.getString("target_key"),
                row.getString("target_name"), row.getUUID("agent_id"), row.getString("region"),
                Arrays.asList(row.getArrayOfStrings("tags")), Arrays.asList(row.getArrayOfStrings("regions_down")),
                row.getUUID("caused_by"), instant(row, "first_failure_at"), instant(row, "opened_at"), instant(row, "acknowledged_at"),
                row.getString("acknowledged_by"), instant(row, "resolved_at"), row.getString("resolved_by"),
                row.getString("resolution_note"));
    }

    static OffsetDateTime time(Instant at) {
        return at == null ? null : at.atOffset(ZoneOffset.UTC);
    }

    static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }
}
