package dev.heliograph.controlplane.api;

import dev.heliograph.controlplane.alerting.AlertChannel;
import dev.heliograph.controlplane.alerting.NotificationPolicy;
import dev.heliograph.controlplane.alerting.PgPolicyStore;
import dev.heliograph.controlplane.maintenance.MaintenanceWindow;
import dev.heliograph.controlplane.maintenance.MaintenanceWindowId;
import dev.heliograph.controlplane.maintenance.MaintenanceWindowStore;
import dev.heliograph.controlplane.maintenance.WindowSettings;
import dev.heliograph.controlplane.storage.postgres.AlertChannelStore;
import dev.heliograph.controlplane.storage.postgres.OrgTransactions;
import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.TargetId;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * The alerting file's reads and writes, over the stores of alert channels, notification policies
 * and maintenance windows. An apply runs in one transaction of the org ({@link OrgTransactions}: all
 * or nothing, one at a time per org, sharing the lock of target applies): it reads and locks the
 * org's items, plans, and writes the plan. Failures are the stores' failed futures (a key or name
 * taken by a concurrent single write: {@code AlertChannelTakenException}, {@code PgPolicyStore.TakenException},
 * {@code WindowTakenException}).
 */
final class AlertingFileStore {
    private final AlertChannelStore channels;
    private final PgPolicyStore policies;
    private final MaintenanceWindowStore windows;
    private final OrgTransactions transactions;

    AlertingFileStore(AlertChannelStore channels, PgPolicyStore policies, MaintenanceWindowStore windows, OrgTransactions transactions) {
        this.channels = channels;
        this.policies = policies;
        this.windows = windows;
        this.transactions = transactions;
    }

    /** Whether channels with secrets can be stored: {@code secret.key} is set. */
    boolean canStoreSecrets() {
        return channels.canStoreSecrets();
    }

    /** What the export of {@code org} holds, read outside any transaction. */
    Future<AlertingFileCodec.Contents> contents(OrgId org) {
        Future<List<AlertChannel>> c = channels.all(org);
        Future<List<NotificationPolicy>> p = policies.all(org);
        Future<List<MaintenanceWindow>> w = windows.all(org);
        Future<Map<TargetId, String>> t = windows.targetKeys(org);
        return Future.all(c, p, w, t).map(done -> new AlertingFileCodec.Contents(c.result(), p.result(), w.result(), t.result()));
    }

    /** Runs {@code work} in one transaction of {@code org}, committed when it succeeds, rolled back when it fails. */
    <T> Future<T> inTransaction(OrgId org, Function<SqlConnection, Future<T>> work) {
        return transactions.run(org, work);
    }

    /** In the transaction of {@code conn}: the org's channels, policies and windows, locked, and its targets' keys. */
    Future<AlertingPlan.Stored> lockAll(SqlConnection conn, OrgId org) {
        // One connection runs one statement at a time: read one after another.
        return channels.lockAll(conn, org).compose(c -> policies.lockAll(conn, org).compose(p -> windows.lockAll(conn, org)
                .compose(w -> windows.targetKeys(conn, org).map(t -> new AlertingPlan.Stored(c, p, w, t)))));
    }

    /**
     * In the transaction of {@code conn}: writes {@code plan}. Deletes first (policies, windows,
     * channels), so that their names and keys are free; then parks the names of the items an update
     * renames ({@code parkNames} of each store), so that updates may swap names; then channels
     * (updated, created with the ids the plan gave them), policies (their channel keys resolved to
     * ids), windows. Only changed items are written (their {@code version} grows by one). The id of
     * each item written, by {@code kind:key}.
     */
    Future<Map<String, String>> write(SqlConnection conn, OrgId org, AlertingPlan plan) {
        Map<String, String> ids = new HashMap<>();
        Future<?> chain = Future.succeededFuture();
        chain = chain.compose(v -> deleteAll(conn, org, plan))
                .compose(v -> parkNames(conn, org, plan));
        for (KeyedPlan.Step<AlertChannel, AlertChannelRequest.Validated> step : changed(plan.channels)) {
            chain = chain.compose(v -> (step.current() == null
                    ? channels.create(conn, org, plan.channelId(step.key()), step.draft().draft())
                    : channels.update(conn, org, step.current().id(), step.draft().draft()).map(Optional::orElseThrow))
                    .map(written -> ids.put(AlertingPlan.CHANNEL + ":" + step.key(), written.id().toString())));
        }
        for (KeyedPlan.Step<NotificationPolicy, PgPolicyStore.Draft> step : changed(plan.policies)) {
            chain = chain.compose(v -> (step.current() == null ? policies.create(conn, org, step.draft())
                    : policies.update(conn, org, step.current().id(), step.draft()).map(Optional::orElseThrow))
                    .map(written -> ids.put(AlertingPlan.POLICY + ":" + step.key(), written.id().toString())));
        }
        for (KeyedPlan.Step<MaintenanceWindow, WindowSettings> step : changed(plan.windows)) {
            chain = chain.compose(v -> (step.current() == null ? windows.create(conn, org, step.key(), step.draft())
                    : windows.update(conn, org, step.current().id(), step.key(), step.draft()).map(Optional::orElseThrow))
                    .map(written -> ids.put(AlertingPlan.WINDOW + ":" + step.key(), written.id().toString())));
        }
        return chain.map(done -> ids);
    }

    private Future<Void> deleteAll(SqlConnection conn, OrgId org, AlertingPlan plan) {
        List<UUID> deadPolicies = plan.policies.steps(KeyedPlan.DELETE).stream().map(s -> s.current().id()).toList();
        List<MaintenanceWindowId> deadWindows = plan.windows.steps(KeyedPlan.DELETE).stream().map(s -> s.current().id()).toList();
        List<UUID> deadChannels = plan.channels.steps(KeyedPlan.DELETE).stream().map(s -> s.current().id()).toList();
        return (deadPolicies.isEmpty() ? Future.succeededFuture(0) : policies.delete(conn, org, deadPolicies))
                .compose(v -> deadWindows.isEmpty() ? Future.succeededFuture(0) : windows.delete(conn, org, deadWindows))
                .compose(v -> deadChannels.isEmpty() ? Future.succeededFuture(0) : channels.delete(conn, org, deadChannels))
                .mapEmpty();
    }

    private Future<Void> parkNames(SqlConnection conn, OrgId org, AlertingPlan plan) {
        List<UUID> channelIds = renamed(plan.channels).stream().map(s -> s.current().id()).toList();
        List<UUID> policyIds = renamed(plan.policies).stream().map(s -> s.current().id()).toList();
        List<MaintenanceWindowId> windowIds = renamed(plan.windows).stream().map(s -> s.current().id()).toList();
        return (channelIds.isEmpty() ? Future.<Void>succeededFuture() : channels.parkNames(conn, org, channelIds))
                .compose(v -> policyIds.isEmpty() ? Future.<Void>succeededFuture() : policies.parkNames(conn, org, policyIds))
                .compose(v -> windowIds.isEmpty() ? Future.<Void>succeededFuture() : windows.parkNames(conn, org, windowIds));
    }

    /** The steps that write: creates and updates, by key. */
    private static <S, D> List<KeyedPlan.Step<S, D>> changed(KeyedPlan<S, D> plan) {
        return plan.steps().stream().filter(s -> s.action().equals(KeyedPlan.CREATE) || s.action().equals(KeyedPlan.UPDATE)).toList();
    }

    /** The updates that change a name. */
    private static <S, D> List<KeyedPlan.Step<S, D>> renamed(KeyedPlan<S, D> plan) {
        return plan.steps(KeyedPlan.UPDATE).stream().filter(s -> s.fields().contains("name")).toList();
    }
}
