package dev.heliograph.controlplane.secrets;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.heliograph.controlplane.alerting.ChannelKind;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The sealed settings of alert channels, row by row, for {@link StoredSecrets}' check and rotation. */
final class ChannelSecrets {
    private ChannelSecrets() {
    }

    /**
     * Re-seals, on {@code conn} (inside the caller's transaction), the settings of every row that
     * {@code select} returns ({@code id, kind, settings}); the {@link StoredSecrets.Rotation} counts
     * only secrets and channels.
     */
    static Future<StoredSecrets.Rotation> rotate(SqlConnection conn, String select, ChannelSealer sealer) {
        return conn.query(select).execute().compose(rows -> {
            List<Tuple> updates = new ArrayList<>();
            int secrets = 0;
            for (Row row : rows) {
                int sealed = sealedCount(row);
                if (sealed > 0) {
                    UUID id = row.getUUID("id");
                    updates.add(Tuple.of(id, sealer.seal(id, open(sealer, row))));
                    secrets += sealed;
                }
            }
            StoredSecrets.Rotation rotation = new StoredSecrets.Rotation(secrets, 0, updates.size());
            return updates.isEmpty() ? Future.succeededFuture(rotation)
                    : conn.preparedQuery("UPDATE alert_channels SET settings = $2::text::jsonb WHERE id = $1").executeBatch(updates)
                    .map(rotation);
        });
    }

    /** How many sealed values the row's settings hold. */
    static int sealedCount(Row row) {
        try {
            return ChannelSealer.sealedCount(ChannelKind.fromWire(row.getString("kind")), row.getString("settings"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored settings of alert channel " + row.getUUID("id") + " do not parse");
        }
    }

    /** The row's settings, opened; throws {@link SecretKeyException} when a secret does not decrypt or no key is set. */
    static dev.heliograph.controlplane.alerting.ChannelSettings open(ChannelSealer sealer, Row row) {
        UUID id = row.getUUID("id");
        if (!sealer.canSeal()) {
            throw SecretKeyException.missingForChannels();
        }
        try {
            return sealer.open(id, ChannelKind.fromWire(row.getString("kind")), row.getString("settings"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored settings of alert channel " + id + " do not parse");
        }
    }
}
