package dev.heliograph.controlplane.secrets;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.heliograph.controlplane.config.HeliographConfig;
import dev.heliograph.domain.CheckKind;
import dev.heliograph.domain.CheckSpec;
import dev.heliograph.domain.TargetId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import dev.heliograph.controlplane.storage.postgres.PgPools;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The encrypted secrets of all targets and alert channels in Postgres, taken as a whole: checked once
 * at start-up, and re-encrypted under the current key by {@code heliograph secrets rotate}.
 */
public final class StoredSecrets {
    private static final Logger LOG = LoggerFactory.getLogger(StoredSecrets.class);
    // A cheap filter; SecretSlot decides which values are encrypted.
    private static final String SEALED_SPECS = "SELECT id, kind, spec::text AS spec FROM targets WHERE position('\"enc\"' in spec::text) > 0";
    private static final String SEALED_CHANNELS = "SELECT id, kind, settings::text AS settings FROM alert_channels "
            + "WHERE position('\"enc\"' in settings::text) > 0";

    private StoredSecrets() {
    }

    /** What a rotation re-encrypted: {@code secrets} values in {@code targets} targets and {@code channels} alert channels. */
    public record Rotation(int secrets, int targets, int channels) {
        /** A rotation that found no alert channel with secrets. */
        public Rotation(int secrets, int targets) {
            this(secrets, targets, 0);
        }
    }

    /**
     * Decrypts every stored secret of targets once. Fails with {@link SecretKeyException} when any
     * exists and {@code secret.key} is not set, or when neither key decrypts one.
     */
    public static Future<Void> verify(Pool pool, SpecSealer sealer) {
        return pool.query(SEALED_SPECS).execute().map(rows -> {
            int secrets = 0;
            int targets = 0;
            for (Row row : rows) {
                int sealed = sealedCount(row);
                if (sealed > 0) {
                    open(sealer, row);
                    secrets += sealed;
                    targets++;
                }
            }
            if (secrets > 0) {
                LOG.info("{} stored secrets of {} targets decrypt", secrets, targets);
            }
            return null;
        });
    }

    /**
     * Decrypts every stored secret of targets and alert channels once; fails as
     * {@link #verify(Pool, SpecSealer)}.
     */
    public static Future<Void> verify(Pool pool, SpecSealer sealer, ChannelSealer channels) {
        return verify(pool, sealer).compose(v -> pool.query(SEALED_CHANNELS).execute()).map(rows -> {
            int secrets = 0;
            int count = 0;
            for (Row row : rows) {
                int sealed = ChannelSecrets.sealedCount(row);
                if (sealed > 0) {
                    ChannelSecrets.open(channels, row);
                    secrets += sealed;
                    count++;
                }
            }
            if (secrets > 0) {
                LOG.info("{} stored secrets of {} alert channels decrypt", secrets, count);
            }
            return null;
        });
    }

    /**
     * Re-encrypts every stored secret of targets and alert channels under {@code secret.key}
     * (decrypting with it or with {@code secret.previous_key}), in one transaction: all or nothing.
     * Fails with {@link SecretKeyException} when no key is set or a secret does not decrypt.
     */
    public static Future<Rotation> rotate(Pool pool, SpecSealer sealer, ChannelSealer channels) {
        if (!sealer.canSeal()) {
            return Future.failedFuture(SecretKeyException.missing());
        }
        return pool.withTransaction(conn -> conn.query(SEALED_SPECS + " FOR UPDATE").execute().compose(rows -> {
            List<Tuple> updates = new ArrayList<>();
            int secrets = 0;
            for (Row row : rows) {
                int sealed = sealedCount(row);
                if (sealed > 0) {
                    TargetId id = new TargetId(row.getUUID("id"));
                    updates.add(Tuple.of(id.value(), sealer.seal(id, open(sealer, row))));
                    secrets += sealed;
                }
            }
            Rotation targets = new Rotation(secrets, updates.size());
            Future<Rotation> specs = updates.isEmpty() ? Future.succeededFuture(targets)
                    : conn.preparedQuery("UPDATE targets SET spec = $2::text::jsonb WHERE id = $1").executeBatch(updates).map(targets);
            return specs.compose(done -> ChannelSecrets.rotate(conn, SEALED_CHANNELS + " FOR UPDATE", channels)
                    .map(channelRotation -> new Rotation(done.secrets() + channelRotation.secrets(), done.targets(),
                            channelRotation.channels())));
        }));
    }

    /** {@link #rotate(Pool, SpecSealer, ChannelSealer)} over a connection of its own to the database of {@code config}. */
    public static Future<Rotation> rotate(Vertx vertx, HeliographConfig config) {
        Pool pool = PgPools.of(vertx, config.postgres(), 1);
        SecretCipher cipher = SecretCipher.of(config.secret());
        return rotate(pool, new SpecSealer(cipher), new ChannelSealer(cipher)).eventually(pool::close);
    }

    private static int sealedCount(Row row) {
        try {
            return SpecSealer.sealedCount(CheckKind.fromWire(row.getString("kind")), row.getString("spec"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored spec of target " + row.getUUID("id") + " does not parse");
        }
    }

    private static CheckSpec open(SpecSealer sealer, Row row) {
        TargetId id = new TargetId(row.getUUID("id"));
        try {
            return sealer.open(id, CheckKind.fromWire(row.getString("kind")), row.getString("spec"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored spec of target " + id + " does not parse");
        }
    }
}
