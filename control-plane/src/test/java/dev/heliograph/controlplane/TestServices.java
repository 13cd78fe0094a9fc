package dev.heliograph.controlplane;

import com.clickhouse.client.api.Client;
import dev.heliograph.controlplane.config.ConfigLoader;
import dev.heliograph.controlplane.config.HeliographConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Gives one integration test its own empty PostgreSQL and ClickHouse databases on the services that
 * {@code scripts/services.sh start} runs, and drops them afterwards. Connection settings come from
 * the same defaults and {@code HELIOGRAPH_*} variables as the product's configuration.
 */
public final class TestServices implements AutoCloseable {
    /** The {@code api.bootstrap_key} of every test configuration: the operator org's admin key. */
    public static final String ADMIN_KEY = "hg_key_test-admin-0123456789abcdefghijklmnopqrstuv";
    /** The {@code secret.key} of every test configuration (base64 of 32 bytes); a test key, never a real one. */
    public static final String SECRET_KEY = "aGVsaW9ncmFwaC10ZXN0LWtleS0wMTIzNDU2Nzg5YWI=";

    private final String database = "hg_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private final HeliographConfig base;

    public TestServices() throws Exception {
        this.base = ConfigLoader.load(null, System.getenv(), List.of());
        try (Connection pg = adminConnection(); Statement sql = pg.createStatement()) {
            sql.execute("CREATE DATABASE " + database);
        }
        try (Client ch = clickhouse()) {
            ch.execute("CREATE DATABASE IF NOT EXISTS " + database).get(30, TimeUnit.SECONDS).close();
        }
    }

    /** This test's {@code tls.dir}: the control plane's CA and server certificate ({@code target/tls-<database>}). */
    public java.nio.file.Path tlsDir() {
        return java.nio.file.Path.of("target", "tls-" + database).toAbsolutePath();
    }

    /** The database name used in both PostgreSQL and ClickHouse. */
    public String database() {
        return database;
    }

    /**
     * A configuration pointing at this test's databases, with loopback checks allowed, the API on a
     * free port (the control server too), fast flushes and {@link #SECRET_KEY} as {@code secret.key};
     * {@code overrides} are {@code key=value} pairs applied last.
     */
    public HeliographConfig config(String... overrides) throws Exception {
        return ConfigLoader.load(null, Map.of(), overrides(overrides));
    }

    /** The same settings as {@code --set} arguments, for starting the real process. */
    public List<String> overrides(String... extra) {
        List<String> all = new ArrayList<>(List.of(
                "api.port=0",
                "control.port=0",
                "agents.port=0",
                "postgres.host=" + base.postgres().host(),
                "postgres.port=" + base.postgres().port(),
                "postgres.user=" + base.postgres().user(),
                "postgres.password=" + base.postgres().password(),
                "postgres.database=" + database,
                "clickhouse.url=" + base.clickhouse().url(),
                "clickhouse.database=" + database,
                "probe.allowed_cidrs=127.0.0.0/8",
                "batcher.flush_interval_ms=200",
                "scheduler.jitter_ms=50",
                "secret.key=" + SECRET_KEY,
                "api.bootstrap_key=" + ADMIN_KEY,
                "tls.dir=" + tlsDir()));
        all.addAll(List.of(extra));
        return all;
    }

    /** A JDBC connection to this test's PostgreSQL database (test code only: writes behind the API's back). */
    public Connection postgres() throws Exception {
        HeliographConfig.Postgres pg = base.postgres();
        return DriverManager.getConnection("jdbc:postgresql://" + pg.host() + ":" + pg.port() + "/" + database,
                pg.user(), pg.password());
    }

    /** A raw ClickHouse client on the shared server (test code only: counting rows). */
    public Client clickhouse() {
        return new Client.Builder().addEndpoint(base.clickhouse().url()).setUsername(base.clickhouse().user())
                .setPassword(base.clickhouse().password()).compressServerResponse(false).build();
    }

    /** Rows of this test's {@code check_results} matching {@code where} (ClickHouse SQL), e.g. {@code "1"} for all. */
    public long countResults(String where) throws Exception {
        String sql = "SELECT count() AS n FROM " + database + ".check_results WHERE " + where + " FORMAT JSONEachRow";
        try (Client client = clickhouse();
             com.clickhouse.client.api.query.QueryResponse response = client.query(sql).get(30, TimeUnit.SECONDS)) {
            return dev.heliograph.probe.codec.Json.MAPPER.readTree(response.getInputStream()).path("n").asLong();
        }
    }

    @Override
    public void close() throws Exception {
        try (Connection pg = adminConnection(); Statement sql = pg.createStatement()) {
            sql.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
        try (Client ch = clickhouse()) {
            ch.execute("DROP DATABASE IF EXISTS " + database).get(30, TimeUnit.SECONDS).close();
        }
    }

    private Connection adminConnection() throws Exception {
        HeliographConfig.Postgres pg = base.postgres();
        return DriverManager.getConnection("jdbc:postgresql://" + pg.host() + ":" + pg.port() + "/" + pg.database(),
                pg.user(), pg.password());
    }
}
