package dev.heliograph.controlplane.alerting;

import dev.heliograph.domain.OrgId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notification policies and alert channels of every org, in memory, for routing events without
 * a database read per event. Re-read from PostgreSQL at start, after every API change of a policy or
 * channel ({@link #reload()}), and every {@code refresh} (another control plane may have written).
 * Reads are lock-free: a reload swaps in a new snapshot.
 */
public final class RoutingCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(RoutingCatalog.class);

    /** What routing needs of an alert channel. */
    public record ChannelInfo(UUID id, OrgId orgId, ChannelKind kind, String name, boolean enabled, int rateLimitPerMinute) {
    }

    /** One reading of both tables. */
    private record Snapshot(Map<OrgId, List<NotificationPolicy>> policies, Map<UUID, ChannelInfo> channels) {
    }

    /**
     * Where one event goes: the channels (in a stable order) and, per channel, the shortest reminder
     * interval of the policies that route it there (s; 0 = no reminders).
     */
    public record Route(Map<UUID, Integer> reminderIntervals) {
        /** The channels. */
        public Collection<UUID> channels() {
            return reminderIntervals.keySet();
        }
    }

    private final Pool pool;
    private final PgPolicyStore policies;
    private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of());
    private volatile long timer = -1;

    public RoutingCatalog(Pool pool, PgPolicyStore policies) {
        this.pool = pool;
        this.policies = policies;
    }

    /**
     * A catalog of exactly these policies and channels that never reads a database ({@link #reload()}
     * keeps them): for deciding with a routing table built in code.
     */
    public static RoutingCatalog fixed(List<NotificationPolicy> policies, List<ChannelInfo> channels) {
        RoutingCatalog catalog = new RoutingCatalog(null, null);
        Map<OrgId, List<NotificationPolicy>> byOrg = new HashMap<>();
        policies.forEach(p -> byOrg.computeIfAbsent(p.orgId(), org -> new ArrayList<>()).add(p));
        Map<UUID, ChannelInfo> byId = new HashMap<>();
        channels.forEach(c -> byId.put(c.id(), c));
        catalog.snapshot = new Snapshot(byOrg, byId);
        return catalog;
    }

    /** Reads both tables now, then every {@code refresh}; a failed periodic read keeps the last snapshot. */
    public Future<Void> start(Vertx vertx, Duration refresh) {
        return reload().onSuccess(v -> timer = vertx.setPeriodic(refresh.toMillis(), id -> reload()
                .onFailure(error -> LOG.warn("re-reading notification policies and alert channels failed: {}", error.getMessage()))));
    }

    /** Stops the periodic re-reads. */
    public void stop(Vertx vertx) {
        vertx.cancelTimer(timer);
    }

    /** Reads both tables again and swaps the snapshot in once both are read. */
    public Future<Void> reload() {
        if (pool == null) {
            return Future.succeededFuture();
        }
        Future<List<NotificationPolicy>> readPolicies = policies.all();
        Future<Map<UUID, ChannelInfo>> readChannels = pool.query("SELECT id, org_id, kind, name, enabled, rate_limit_per_minute "
                + "FROM alert_channels").execute().map(rows -> {
                    Map<UUID, ChannelInfo> channels = new HashMap<>();
                    rows.forEach(row -> channels.put(row.getUUID("id"), new ChannelInfo(row.getUUID("id"), new OrgId(row.getUUID("org_id")),
                            ChannelKind.fromWire(row.getString("kind")), row.getString("name"), row.getBoolean("enabled"),
                            row.getInteger("rate_limit_per_minute"))));
                    return channels;
                });
        return Future.all(readPolicies, readChannels).map(both -> {
            Map<OrgId, List<NotificationPolicy>> byOrg = new HashMap<>();
            readPolicies.result().forEach(p -> byOrg.computeIfAbsent(p.orgId(), org -> new ArrayList<>()).add(p));
            snapshot = new Snapshot(byOrg, readChannels.result());
            return null;
        });
    }

    /** The channel, if it exists (enabled or not). */
    public ChannelInfo channel(UUID id) {
        return snapshot.channels().get(id);
    }

    /**
     * The enabled channels that the enabled policies of {@code org} route this event to: an
     * {@code event} of {@code severity} about a target with {@code tags} in {@code regions}.
     */
    public Route route(OrgId org, NotificationEvent event, String severity, Collection<String> tags, Collection<String> regions) {
        Snapshot now = snapshot;
        Map<UUID, Integer> channels = new LinkedHashMap<>();
        for (NotificationPolicy policy : now.policies().getOrDefault(org, List.of())) {
            if (!policy.enabled() || !policy.matches(event, severity, tags, regions)) {
                continue;
            }
            for (UUID id : policy.channels()) {
                ChannelInfo channel = now.channels().get(id);
                if (channel != null && channel.enabled() && channel.orgId().equals(org)) {
                    // Reminders go where a policy asks for them: an interval, and reminder among its events.
                    int interval = policy.events().contains(NotificationEvent.REMINDER) ? policy.reminderIntervalS() : 0;
                    channels.merge(id, interval, (a, b) -> a == 0 ? b : b == 0 ? a : Math.min(a, b));
                }
            }
        }
        return new Route(channels);
    }

    /**
     * Whether {@code channel}, told of an incident of {@code org}, should hear that it is over: the
     * channel exists and is enabled, and either an enabled policy routing to it routes {@code resolved}
     * events, or none routes to it any more (a policy changed or deleted while the incident was open:
     * what a channel heard opened it hears end). A policy that still routes to the channel without
     * {@code resolved} means the operator does not want them there.
     */
    public boolean routesResolved(OrgId org, UUID channel) {
        Snapshot now = snapshot;
        ChannelInfo info = now.channels().get(channel);
        if (info == null || !info.enabled() || !info.orgId().equals(org)) {
            return false;
        }
        boolean routed = false;
        for (NotificationPolicy policy : now.policies().getOrDefault(org, List.of())) {
            if (policy.enabled() && policy.channels().contains(channel)) {
                if (policy.events().contains(NotificationEvent.RESOLVED)) {
                    return true;
                }
                routed = true;
            }
        }
        return !routed;
    }
}
