package dev.heliograph.loadtest;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.query.QueryResponse;
import com.clickhouse.client.api.query.QuerySettings;
import com.clickhouse.data.ClickHouseFormat;
import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.controlplane.config.ConfigLoader;
import dev.heliograph.controlplane.config.HeliographConfig;
import dev.heliograph.probe.codec.Json;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A benchmark's own throw-away databases on the services of {@code scripts/services.sh}: a
 * PostgreSQL database and a ClickHouse database of one random name ({@code hg_bench_…}), created by
 * {@link #create()} and dropped by {@link #close()}. The control plane's migrations fill them.
 */
public final class BenchDatabases implements AutoCloseable {
    /** The operator org's admin key of every benchmark control plane ({@code api.bootstrap_key}). */
    public static final String API_KEY = "hg_key_loadtest-0123456789abcdefghijklmnopqrstuvwxyz";

    private final HeliographConfig base;
    private final String name;

    private BenchDatabases(HeliographConfig base, String name) {
        this.base = base;
        this.name = name;
    }

    /**
     * Creates the PostgreSQL database (ClickHouse's is created by the control plane at start).
     * Connection settings come from the environment ({@code HELIOGRAPH_*}), as for the platform.
     */
    public static BenchDatabases create() throws Exception {
        HeliographConfig base = ConfigLoader.load(null, System.getenv(), List.of());
        BenchDatabases databases = new BenchDatabases(base, "hg_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10));
        try (Connection pg = databases.postgres()) {
            pg.createStatement().execute("CREATE DATABASE " + databases.name);
        }
        return databases;
    }

    /** The databases' name (the same in PostgreSQL and ClickHouse). */
    public String name() {
        return name;
    }

    /** The environment's configuration (service addresses and passwords). */
    public HeliographConfig base() {
        return base;
    }

    /**
     * A control-plane configuration on these databases: every port free (0), probes allowed to
     * 127.0.0.0/8 only, {@link #API_KEY} as the bootstrap admin key, then {@code overrides}
     * ({@code key=value}, applied last).
     *
     * @throws dev.heliograph.controlplane.config.ConfigException an override is not a valid setting
     */
    public HeliographConfig controlPlaneConfig(String... overrides) throws dev.heliograph.controlplane.config.ConfigException {
        List<String> settings = new ArrayList<>(List.of("api.port=0", "control.port=0", "agents.port=0",
                "probe.allowed_cidrs=127.0.0.0/8", "api.bootstrap_key=" + API_KEY,
                "postgres.database=" + name, "clickhouse.database=" + name,
                "postgres.password=" + base.postgres().password(), "clickhouse.url=" + base.clickhouse().url()));
        settings.addAll(List.of(overrides));
        return ConfigLoader.load(null, Map.of(), settings);
    }

    /** A ClickHouse client on the environment's server ({@code compressServerResponse(false)} for 18.16). */
    public Client clickHouse() {
        return clickHouse(base.clickhouse());
    }

    /** A ClickHouse client on {@code config}'s server ({@code compressServerResponse(false)} for 18.16). */
    public static Client clickHouse(HeliographConfig.ClickHouse config) {
        return new Client.Builder().addEndpoint(config.url()).setUsername(config.user()).setPassword(config.password())
                .compressServerResponse(false).build();
    }

    /**
     * The one row {@code sql} answers, read as JSON; {@code sql} must end in {@code FORMAT JSONEachRow}
     * (ClickHouse 18.16 needs the format in the SQL as well as in the settings).
     *
     * @throws IOException the query failed or ran over 60 s (the message says which)
     */
    public static JsonNode queryRow(Client clickHouse, String sql) throws IOException {
        try (QueryResponse response = clickHouse.query(sql, new QuerySettings().setFormat(ClickHouseFormat.JSONEachRow))
                .get(60, TimeUnit.SECONDS); InputStream body = response.getInputStream()) {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("ClickHouse query failed: " + e.getMessage(), e);
        }
    }

    /** A JDBC connection to the environment's PostgreSQL server, database {@code database}. */
    public Connection postgres(String database) throws Exception {
        HeliographConfig.Postgres p = base.postgres();
        return DriverManager.getConnection("jdbc:postgresql://" + p.host() + ":" + p.port() + "/" + database, p.user(), p.password());
    }

    private Connection postgres() throws Exception {
        return postgres(base.postgres().database());
    }

    /** Drops both databases; a failure is printed, not thrown (the run's figures stand). */
    @Override
    public void close() {
        try (Connection pg = postgres(); Client ch = clickHouse()) {
            pg.createStatement().execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            ch.execute("DROP DATABASE IF EXISTS " + name).get(30, TimeUnit.SECONDS).close();
        } catch (Exception e) {
            System.err.println("bench: could not drop database " + name + ": " + e.getMessage());
        }
    }
}
