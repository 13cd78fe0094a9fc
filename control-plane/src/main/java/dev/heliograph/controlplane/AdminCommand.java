package dev.heliograph.controlplane;

import dev.heliograph.controlplane.api.ApiKeyHandler;
import dev.heliograph.controlplane.api.Role;
import dev.heliograph.controlplane.auth.ApiKeyInfo;
import dev.heliograph.controlplane.auth.ApiKeys;
import dev.heliograph.controlplane.auth.OrgInfo;
import dev.heliograph.controlplane.auth.PgApiKeyStore;
import dev.heliograph.controlplane.config.HeliographConfig;
import dev.heliograph.controlplane.config.Logging;
import dev.heliograph.controlplane.storage.postgres.PgMigrations;
import dev.heliograph.controlplane.storage.postgres.PgPools;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code heliograph admin}: operator tasks run against the database directly (see {@code create-key}). */
@Command(name = "admin", mixinStandardHelpOptions = true, description = "Operator tasks run against the database directly.",
        subcommands = AdminCommand.CreateKeyCommand.class)
final class AdminCommand extends CommandGroup {
    /**
     * {@code heliograph admin create-key --org NAME --role ROLE [--name TEXT] [--expires-in-h H]
     * [--create-org]}: stores a new API key for an org (by name; {@code --create-org} creates a missing
     * org) and prints the key once on standard output, so that an operator who lost every admin key
     * can get back in. Migrates the database first. Exit codes: 0 done, 1 failed or no such org (one
     * line), 2 bad configuration or usage.
     */
    @Command(name = "create-key", mixinStandardHelpOptions = true,
            description = "Create an API key for an org and print it once (works without a running control plane).")
    static final class CreateKeyCommand implements Callable<Integer> {
        @CommandLine.Mixin
        ConfigOptions options;

        @Option(names = "--org", required = true, description = "the org's name (the operator org is 'default')")
        String org;

        @Option(names = "--role", required = true, description = "admin, editor or viewer")
        String role;

        @Option(names = "--name", defaultValue = "", description = "what the key is for (shown in listings)")
        String name;

        @Option(names = "--expires-in-h", description = "hours until the key stops working (default: never)")
        Integer expiresInH;

        @Option(names = "--create-org", description = "create the org when it does not exist")
        boolean createOrg;

        @Override
        public Integer call() throws Exception {
            Role parsedRole;
            try {
                parsedRole = Role.parse(role);
            } catch (IllegalArgumentException e) {
                System.err.println("heliograph: admin create-key: --role: " + e.getMessage());
                return 2;
            }
            if (expiresInH != null && (expiresInH < 1 || expiresInH > ApiKeyHandler.MAX_EXPIRES_IN_H)) {
                System.err.println("heliograph: admin create-key: --expires-in-h must be between 1 and " + ApiKeyHandler.MAX_EXPIRES_IN_H);
                return 2;
            }
            if (createOrg && !dev.heliograph.controlplane.api.OrgHandler.validName(org)) {
                System.err.println("heliograph: admin create-key: --org must be 1-63 characters of a-z, 0-9 and '-'");
                return 2;
            }
            HeliographConfig cfg = options.loadOrReport();
            if (cfg == null) {
                return 2;
            }
            Logging.configure(cfg.log());
            Vertx vertx = Vertx.vertx();
            try {
                String key = ApiKeys.generate();
                Instant expires = expiresInH == null ? null : Instant.now().plus(Duration.ofHours(expiresInH));
                Optional<ApiKeyInfo> created = PgMigrations.migrate(vertx, cfg.postgres())
                        .compose(applied -> {
                            Pool pool = PgPools.of(vertx, cfg.postgres(), 1);
                            PgApiKeyStore store = new PgApiKeyStore(pool);
                            return findOrg(store).compose(found -> found.isEmpty() ? Future.succeededFuture(Optional.<ApiKeyInfo>empty())
                                    : store.create(found.get().id(), key, name, parsedRole, expires).map(Optional::of))
                                    .eventually(pool::close);
                        })
                        .await(1, TimeUnit.MINUTES);
                if (created.isEmpty()) {
                    System.err.println("heliograph: admin create-key: no org named '" + org + "' (add --create-org to create it)");
                    return 1;
                }
                ApiKeyInfo info = created.get();
                System.err.println("created " + info.role().wire() + " key " + info.id() + " for org " + org
                        + (info.expiresAt() == null ? "" : ", expires " + info.expiresAt()) + "; it is shown only now:");
                System.out.println(key);
                return 0;
            } catch (Exception e) {
                System.err.println("heliograph: admin create-key: " + Main.ControlPlaneCommand.rootMessage(e));
                return 1;
            } finally {
                vertx.close().await(10, TimeUnit.SECONDS);
            }
        }

        private Future<Optional<OrgInfo>> findOrg(PgApiKeyStore store) {
            return store.orgByName(org).compose(found -> found.isPresent() || !createOrg ? Future.succeededFuture(found)
                    : store.createOrg(org, null).compose(made -> made.isPresent() ? Future.succeededFuture(made) : store.orgByName(org)));
        }
    }
}
