package dev.heliograph.probe.pool;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.heliograph.domain.OrgId;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import java.time.Duration;

/**
 * One resilience4j semaphore {@link Bulkhead} per tenant and host: {@code (org_id, host, port)} may
 * have at most {@code maxPerHost} checks in flight (waiting for a pool slot or running). It fails
 * fast ({@code maxWaitDuration} 0, so {@link Bulkhead#tryAcquirePermission()} never blocks an event
 * loop); the caller records a rejected check as throttled and calls {@link Bulkhead#onComplete()}
 * once for every permission it got.
 *
 * <p>Tenants never share a bulkhead, so one tenant's burst against a host leaves the others' caps
 * untouched. At most {@code maxKeys} bulkheads are kept, and one not asked for during
 * {@code idleAfter} is dropped (a check holds its own reference, so a dropped bulkhead is still
 * released correctly; only under eviction pressure can a key briefly run more than the cap). A
 * Caffeine cache rather than resilience4j's {@code BulkheadRegistry}, which never forgets a key.
 * Thread-safe.
 */
public final class HostBulkheads {
    private final int maxPerHost;
    private final BulkheadConfig config;
    private final Cache<Key, Bulkhead> bulkheads;

    /**
     * @param maxPerHost concurrent checks of one {@code (org, host, port)}, at least 1; otherwise
     *                   {@link IllegalArgumentException}
     * @param maxKeys    most bulkheads kept at once, at least 1
     * @param idleAfter  a bulkhead not asked for this long is dropped
     */
    public HostBulkheads(int maxPerHost, long maxKeys, Duration idleAfter) {
        if (maxPerHost < 1) {
            throw new IllegalArgumentException("maxPerHost must be at least 1, was " + maxPerHost);
        }
        this.maxPerHost = maxPerHost;
        this.config = BulkheadConfig.custom()
                .maxConcurrentCalls(maxPerHost)
                .maxWaitDuration(Duration.ZERO)
                .writableStackTraceEnabled(false)
                .build();
        this.bulkheads = Caffeine.newBuilder().maximumSize(maxKeys).expireAfterAccess(idleAfter).build();
    }

    /** The bulkhead of {@code org}'s checks of {@code host}, created with all permits free on first use. */
    public Bulkhead forKey(OrgId org, HostKey host) {
        return bulkheads.get(new Key(org, host), key -> Bulkhead.of(key.toString(), config));
    }

    /** The cap these bulkheads were made with. */
    public int maxPerHost() {
        return maxPerHost;
    }

    private record Key(OrgId org, HostKey host) {
        @Override
        public String toString() {
            return org + "/" + host.host() + ":" + host.port();
        }
    }
}
