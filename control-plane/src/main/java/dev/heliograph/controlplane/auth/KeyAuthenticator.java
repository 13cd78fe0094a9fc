package dev.heliograph.controlplane.auth;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.heliograph.controlplane.api.ApiException;
import dev.heliograph.controlplane.api.Authenticator;
import dev.heliograph.controlplane.api.Caller;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Authenticates {@code Authorization: Bearer hg_key_...} against {@link PgApiKeyStore}. Look-ups are
 * cached by key hash for {@link #CACHE_TTL} (also "no such key"), so a burst of requests costs one
 * query; a revocation through this process takes effect at once ({@link #forget}), one through
 * another replica within the cache time.
 */
public final class KeyAuthenticator implements Authenticator {
    /** How long a key look-up is reused. */
    public static final Duration CACHE_TTL = Duration.ofSeconds(10);
    private static final int CACHE_SIZE = 10_000;

    private final PgApiKeyStore store;
    private final Clock clock;
    private final AsyncCache<String, Optional<ApiKeyInfo>> cache =
            Caffeine.newBuilder().expireAfterWrite(CACHE_TTL).maximumSize(CACHE_SIZE).buildAsync();

    public KeyAuthenticator(PgApiKeyStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public Future<Caller> authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return Future.failedFuture(unauthenticated("this route needs an API key: send Authorization: Bearer hg_key_..."));
        }
        String[] parts = authorization.trim().split("\\s+", 2);
        if (parts.length != 2 || !parts[0].equalsIgnoreCase("bearer") || !ApiKeys.wellFormed(parts[1])) {
            return Future.failedFuture(unauthenticated("the Authorization header must be Bearer followed by an hg_key_ API key"));
        }
        byte[] hash = ApiKeys.hash(parts[1]);
        Context context = Vertx.currentContext();
        var lookup = cache.get(HexFormat.of().formatHex(hash),
                (ignored, executor) -> store.findByHash(hash).toCompletionStage().toCompletableFuture());
        Future<Optional<ApiKeyInfo>> found = context == null ? Future.fromCompletionStage(lookup)
                : Future.fromCompletionStage(lookup, context);
        return found.compose(key -> {
            if (key.isEmpty()) {
                return Future.failedFuture(unauthenticated("unknown API key"));
            }
            ApiKeyInfo info = key.get();
            if (info.revokedAt() != null) {
                return Future.failedFuture(unauthenticated("this API key was revoked"));
            }
            if (!info.activeAt(clock.instant())) {
                return Future.failedFuture(unauthenticated("this API key expired"));
            }
            return Future.succeededFuture(new Caller(info.org(), info.role(), info.id()));
        });
    }

    /** Drops every cached look-up, so a revocation made here applies to the next request. */
    public void forget() {
        cache.synchronous().invalidateAll();
    }

    private static ApiException unauthenticated(String message) {
        return new ApiException(401, "UNAUTHENTICATED", message);
    }
}
