package dev.heliograph.controlplane.config;

import dev.heliograph.domain.RegionId;
import dev.heliograph.probe.net.Cidr;
import java.net.URI;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The control plane's configuration: one record per section, every key {@code snake_case} on the
 * wire ({@code scheduler.jitter_ms}). {@link #defaults()} lets the process start against the
 * services that {@code scripts/services.sh} starts. Built and validated once by
 * {@link ConfigLoader}; never mutated.
 */
public record HeliographConfig(Api api, Control control, Postgres postgres, ClickHouse clickhouse, Scheduler scheduler,
                               Pool pool, Breaker breaker, Bulkhead bulkhead, Probe probe, Batcher batcher,
                               Agents agents, Shutdown shutdown, Log log, Secret secret, Tls tls, Incidents incidents,
                               Alerting alerting) {

    /**
     * REST API listener. {@code port} 0 picks a free port. {@code max_body_bytes}: request body limit.
     * {@code bootstrap_key}: the admin key that the first start creates for the operator org when it
     * has no key yet (blank = a random key, printed once); must look like {@code hg_key_} followed by
     * 32..128 characters of {@code [A-Za-z0-9_-]}. {@code idempotency_ttl_h}: how long an
     * {@code Idempotency-Key} and its answer are kept, hours (1..720); {@code idempotency_wait_s}: how
     * long a repeat waits for the first request with its key to finish before 409, seconds (0..300).
     */
    public record Api(String host, int port, int maxBodyBytes, String bootstrapKey, int idempotencyTtlH, int idempotencyWaitS) {
    }

    /**
     * The control server: operator-only switches ({@code POST /-/reload}, {@code GET /-/health});
     * bind it to loopback unless the network around it is trusted. {@code port} 0 picks a free port.
     */
    public record Control(String host, int port) {
    }

    /** PostgreSQL connection (targets, orgs). {@code pool_size}: connections. */
    public record Postgres(String host, int port, String database, String user, String password, int poolSize) {
    }

    /** ClickHouse over HTTP (results). {@code url} like {@code http://127.0.0.1:8123}. */
    public record ClickHouse(String url, String database, String user, String password, int timeoutMs) {
    }

    /**
     * The in-process probe engine's schedule. {@code region}: the control plane's own region;
     * {@code jitter_ms}: largest shift of a tick (capped at half a target's interval);
     * {@code refresh_interval_s}: full re-read of targets from Postgres that repairs missed changes;
     * {@code lanes}: event loops that run timers and checks (0 = two per core).
     */
    public record Scheduler(String region, int jitterMs, int refreshIntervalS, int lanes) {
    }

    /** Worker pool: {@code max_concurrent_checks} slots; a check waits at most {@code max_queue_wait_ms}. */
    public record Pool(int maxConcurrentChecks, int maxQueueWaitMs) {
    }

    /**
     * Per-host circuit breakers (resilience4j): a host's breaker opens when at least
     * {@code failure_rate_percent} of its last {@code sliding_window} checks failed (once
     * {@code minimum_checks} were seen); while open, checks of that host fail fast with
     * {@code circuit_open}; after {@code open_duration_s} it lets {@code half_open_checks} through.
     */
    public record Breaker(int failureRatePercent, int slidingWindow, int minimumChecks, int openDurationS,
                          int halfOpenChecks) {
    }

    /** Per-tenant host bulkheads: at most {@code max_per_host} concurrent checks of one (org, host, port). */
    public record Bulkhead(int maxPerHost) {
    }

    /**
     * Logging: {@code level} of Heliograph's loggers ({@code trace} .. {@code error}, any case, kept
     * in lower case; applied live by a reload); {@code format} {@code auto} (text on a terminal, else
     * JSON lines), {@code text} or {@code json}.
     */
    public record Log(String level, String format) {
        public Log {
            level = level == null ? null : level.toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Outbound checks: {@code allowed_cidrs} are networks the SSRF guard lets checks reach although
     * they are in a blocked class (loopback, private, link-local, ...); resolver bounds in ms and s.
     */
    public record Probe(List<String> allowedCidrs, int dnsTimeoutMs, int dnsMinTtlS, int dnsMaxTtlS) {
        public Probe {
            allowedCidrs = allowedCidrs == null ? List.of() : List.copyOf(allowedCidrs);
        }

        /** The allow-list, parsed; call only on a validated configuration. */
        public List<Cidr> allowedNetworks() {
            return allowedCidrs.stream().map(Cidr::parse).toList();
        }
    }

    /**
     * Result batcher: bounded queue of {@code queue_capacity} results, flushed every
     * {@code flush_size} results or {@code flush_interval_ms}; failed writes retry with exponential
     * backoff from {@code retry_initial_ms} to {@code retry_max_ms}, with jitter. {@code flush_size}
     * defaults to 100,000: every INSERT makes a new part (plus one of the rollup), which costs
     * ClickHouse 18.16 about 50 ms of CPU whatever its size, so 1,000-row INSERTs capped ingest near
     * 10,000 results/s (issue 6, scenario {@code ingest}); below that rate the interval flushes first.
     */
    public record Batcher(int queueCapacity, int flushSize, int flushIntervalMs, int retryInitialMs, int retryMaxMs) {
    }

    /**
     * The agent server and the agents' reporting rule. {@code host}/{@code port}: the agent
     * server's listener (0 = any free port); {@code poll_hold_s}: how long a work poll is held;
     * an agent is {@code not_reporting} once it was not heard from for {@code heartbeat_interval_s}
     * × {@code threshold_multiplier} s (its targets then move to the region's other agents);
     * {@code evaluate_interval_s}: period of the status task that logs, counts and stores status;
     * {@code auto_delete_after_s}: delete agents not heard from this long (0 = never);
     * {@code token_ttl_h}: validity of registration tokens; {@code signature_window_s}: largest
     * clock difference a signed request may show; {@code on_demand_timeout_s}: how long check-now and
     * test wait for a result; {@code retry_after_s}: the {@code Retry-After} of gate and drain 503s;
     * {@code max_body_bytes}: request body limit of the agent server.
     */
    public record Agents(String host, int port, int pollHoldS, int heartbeatIntervalS, int thresholdMultiplier,
                         int evaluateIntervalS, int autoDeleteAfterS, int tokenTtlH, int signatureWindowS,
                         int onDemandTimeoutS, int retryAfterS, int maxBodyBytes) {
        /** How long an agent may stay silent before it is {@code not_reporting}, s. */
        public int thresholdS() {
            return heartbeatIntervalS * thresholdMultiplier;
        }
    }

    /** Graceful shutdown: everything (in-flight checks, final flush) must finish within {@code timeout_s}. */
    public record Shutdown(int timeoutS) {
    }

    /**
     * The keys that encrypt secret fields of target specs in Postgres (AES-256-GCM): each blank or the
     * base64 of exactly 32 bytes. {@code key} encrypts and decrypts; {@code previous_key} only
     * decrypts, while a rotation moves the stored secrets to {@code key}. Environment:
     * {@code HELIOGRAPH_SECRET_KEY}, {@code HELIOGRAPH_SECRET_PREVIOUS_KEY}. {@link #toString()} masks both.
     */
    public record Secret(String key, String previousKey) {
        /** Bytes of a key. */
        public static final int KEY_BYTES = 32;

        @Override
        public String toString() {
            return "Secret[key=" + (isBlank(key) ? "" : "***") + ", previousKey=" + (isBlank(previousKey) ? "" : "***") + "]";
        }
    }

    /**
     * TLS of the agent server (always on, TLS 1.3 only, RFC 8446) and, when {@code api} is true, of the
     * REST API with the same certificate.
     * <ul>
     *   <li>{@code mode}: {@code self-signed} (default: the control plane makes its own CA and server
     *       certificate in {@code dir} on first start and re-issues the server certificate when it
     *       expires within 30 days or {@code server_names} change) or {@code custom} (the operator's
     *       {@code cert_file}, {@code key_file} and {@code ca_file}, all required then);</li>
     *   <li>{@code dir}: where self-signed files are kept, relative to the working directory
     *       (default {@code .data/tls}; created with mode 0700, files 0600);</li>
     *   <li>{@code server_names}: DNS names and IP literals of the generated server certificate
     *       (default {@code localhost, 127.0.0.1, ::1}; this host's name is always added);</li>
     *   <li>{@code cert_file}: PEM server certificate, optionally followed by intermediates;
     *       {@code key_file}: its PEM private key; {@code ca_file}: the PEM CA certificate agents pin;</li>
     *   <li>{@code api}: serve the REST API over TLS too (default false).</li>
     * </ul>
     */
    public record Tls(String mode, String dir, List<String> serverNames, String certFile, String keyFile, String caFile,
                      boolean api) {
        /** {@code mode} value: the control plane's own CA. */
        public static final String SELF_SIGNED = "self-signed";
        /** {@code mode} value: the operator's files. */
        public static final String CUSTOM = "custom";

        public Tls {
            serverNames = List.copyOf(serverNames);
        }
    }

    /**
     * The incident rules that are not per target. Flapping: more than {@code flap_transitions} verdict
     * changes of a target within {@code flap_window_s} send one {@code flapping} notification, then
     * nothing more about it until it has been stable for {@code flap_window_s}. Grouping: when at
     * least {@code group_threshold} targets sharing a tag (or a region) go down (or recover) within
     * {@code group_window_s}, the rest of them in that window go to a channel as one grouped
     * notification, collected for {@code group_wait_s} before it is sent ({@code group_threshold} 0
     * turns grouping off). {@code confirm}: a first failure in one region asks the target's other
     * regions for an on-demand check at once; at most {@code max_confirmations} run at a time.
     * {@code parent_wait_s}: the notifications of a target that names a parent wait this long, so that
     * the parent's incident, decided at about the same time, can still cancel them.
     */
    public record Incidents(int flapTransitions, int flapWindowS, int groupThreshold, int groupWindowS, int groupWaitS,
                            boolean confirm, int maxConfirmations, int parentWaitS) {
    }

    /**
     * Notification delivery. A failed delivery is retried after an exponential, randomised backoff
     * from {@code retry_initial_ms} (doubling, at most {@code retry_max_ms}); a notification not
     * delivered within {@code dead_letter_after_s} of its creation is given up (dead letter).
     * {@code timeout_ms}: one delivery attempt; {@code max_in_flight}: deliveries at once;
     * {@code poll_interval_ms}: how often the outbox is read when nothing woke the sender;
     * {@code alertmanager_resend_s}: how often an open incident is re-sent to Alertmanager channels
     * (each alert's {@code endsAt} lease is three times that); {@code public_url}: the base of links
     * in notifications (blank = the API's own address).
     */
    public record Alerting(int retryInitialMs, int retryMaxMs, int deadLetterAfterS, int timeoutMs, int maxInFlight,
                           int pollIntervalMs, int alertmanagerResendS, String publicUrl) {
    }

    /** Defaults for every key. */
    public static HeliographConfig defaults() {
        return new HeliographConfig(
                new Api("127.0.0.1", 8080, 1024 * 1024, "", 24, 10),
                new Control("127.0.0.1", 8082),
                new Postgres("127.0.0.1", 5432, "heliograph", "heliograph", "heliograph", 8),
                new ClickHouse("http://127.0.0.1:8123", "heliograph", "default", "", 30_000),
                new Scheduler("local", 500, 30, 0),
                new Pool(10_000, 1_000),
                new Breaker(50, 20, 10, 30, 3),
                new Bulkhead(50),
                new Probe(List.of(), 2_000, 5, 300),
                new Batcher(100_000, 100_000, 1_000, 200, 10_000),
                new Agents("127.0.0.1", 8081, 30, 10, 3, 10, 0, 24, 300, 15, 10, 16 * 1024 * 1024),
                new Shutdown(10),
                new Log("info", "auto"),
                new Secret("", ""),
                new Tls(Tls.SELF_SIGNED, ".data/tls", List.of("localhost", "127.0.0.1", "::1"), "", "", "", false),
                new Incidents(4, 900, 5, 60, 10, true, 200, 30),
                new Alerting(1_000, 300_000, 86_400, 10_000, 16, 1_000, 60, ""));
    }

    /** Every problem with this configuration, one message per bad key; empty when valid. */
    public List<String> validate() {
        List<String> errors = new ArrayList<>();
        range(errors, "api.port", api.port, 0, 65535);
        range(errors, "api.max_body_bytes", api.maxBodyBytes, 1024, 64 * 1024 * 1024);
        required(errors, "api.host", api.host);
        if (!isBlank(api.bootstrapKey) && !api.bootstrapKey.matches("hg_key_[A-Za-z0-9_-]{32,128}")) {
            errors.add("api.bootstrap_key must be hg_key_ followed by 32..128 characters of A-Z a-z 0-9 _ -");
        }
        range(errors, "api.idempotency_ttl_h", api.idempotencyTtlH, 1, 720);
        range(errors, "api.idempotency_wait_s", api.idempotencyWaitS, 0, 300);
        required(errors, "control.host", control.host);
        range(errors, "control.port", control.port, 0, 65535);
        required(errors, "postgres.host", postgres.host);
        range(errors, "postgres.port", postgres.port, 1, 65535);
        required(errors, "postgres.database", postgres.database);
        required(errors, "postgres.user", postgres.user);
        range(errors, "postgres.pool_size", postgres.poolSize, 1, 200);
        validateClickHouseUrl(errors);
        if (clickhouse.database == null || !clickhouse.database.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
            errors.add("clickhouse.database must be a plain identifier (letters, digits, _)");
        }
        required(errors, "clickhouse.user", clickhouse.user);
        range(errors, "clickhouse.timeout_ms", clickhouse.timeoutMs, 100, 600_000);
        if (!RegionId.isValid(scheduler.region)) {
            errors.add("scheduler.region must be 1-63 characters of a-z, 0-9 and '-'");
        }
        range(errors, "scheduler.jitter_ms", scheduler.jitterMs, 0, 60_000);
        range(errors, "scheduler.refresh_interval_s", scheduler.refreshIntervalS, 1, 3600);
        range(errors, "scheduler.lanes", scheduler.lanes, 0, 256);
        range(errors, "pool.max_concurrent_checks", pool.maxConcurrentChecks, 1, 1_000_000);
        range(errors, "pool.max_queue_wait_ms", pool.maxQueueWaitMs, 0, 600_000);
        for (String cidr : probe.allowedCidrs) {
            try {
                Cidr.parse(cidr);
            } catch (IllegalArgumentException e) {
                errors.add("probe.allowed_cidrs: " + e.getMessage());
            }
        }
        range(errors, "breaker.failure_rate_percent", breaker.failureRatePercent, 1, 100);
        range(errors, "breaker.sliding_window", breaker.slidingWindow, 1, 10_000);
        range(errors, "breaker.minimum_checks", breaker.minimumChecks, 1, Math.max(1, breaker.slidingWindow));
        range(errors, "breaker.open_duration_s", breaker.openDurationS, 1, 86_400);
        range(errors, "breaker.half_open_checks", breaker.halfOpenChecks, 1, 1_000);
        range(errors, "bulkhead.max_per_host", bulkhead.maxPerHost, 1, 1_000_000);
        if (log.level == null || !List.of("trace", "debug", "info", "warn", "error").contains(log.level)) {
            errors.add("log.level must be one of trace, debug, info, warn, error");
        }
        if (log.format == null || !List.of("auto", "text", "json").contains(log.format)) {
            errors.add("log.format must be one of auto, text, json");
        }
        range(errors, "probe.dns_timeout_ms", probe.dnsTimeoutMs, 10, 60_000);
        range(errors, "probe.dns_min_ttl_s", probe.dnsMinTtlS, 0, 86_400);
        range(errors, "probe.dns_max_ttl_s", probe.dnsMaxTtlS, Math.max(0, probe.dnsMinTtlS), 86_400);
        range(errors, "batcher.queue_capacity", batcher.queueCapacity, 1, 10_000_000);
        range(errors, "batcher.flush_size", batcher.flushSize, 1, Math.max(1, batcher.queueCapacity));
        range(errors, "batcher.flush_interval_ms", batcher.flushIntervalMs, 10, 600_000);
        range(errors, "batcher.retry_initial_ms", batcher.retryInitialMs, 1, 600_000);
        range(errors, "batcher.retry_max_ms", batcher.retryMaxMs, Math.max(1, batcher.retryInitialMs), 3_600_000);
        required(errors, "agents.host", agents.host);
        range(errors, "agents.port", agents.port, 0, 65535);
        range(errors, "agents.poll_hold_s", agents.pollHoldS, 1, 300);
        range(errors, "agents.heartbeat_interval_s", agents.heartbeatIntervalS, 1, 3600);
        range(errors, "agents.threshold_multiplier", agents.thresholdMultiplier, 1, 100);
        range(errors, "agents.evaluate_interval_s", agents.evaluateIntervalS, 1, 3600);
        range(errors, "agents.auto_delete_after_s", agents.autoDeleteAfterS, 0, 365 * 86_400);
        range(errors, "agents.token_ttl_h", agents.tokenTtlH, 1, 24 * 365);
        range(errors, "agents.signature_window_s", agents.signatureWindowS, 1, 3600);
        range(errors, "agents.on_demand_timeout_s", agents.onDemandTimeoutS, 1, 300);
        range(errors, "agents.retry_after_s", agents.retryAfterS, 1, 3600);
        range(errors, "agents.max_body_bytes", agents.maxBodyBytes, 64 * 1024, 256 * 1024 * 1024);
        if (agents.port != 0 && (agents.port == api.port || agents.port == control.port)) {
            errors.add("agents.port must differ from api.port and control.port");
        }
        range(errors, "shutdown.timeout_s", shutdown.timeoutS, 2, 600);
        validateTls(errors);
        range(errors, "incidents.flap_transitions", incidents.flapTransitions, 2, 1000);
        range(errors, "incidents.flap_window_s", incidents.flapWindowS, 10, 86_400);
        if (incidents.groupThreshold != 0) {
            range(errors, "incidents.group_threshold", incidents.groupThreshold, 2, 100_000);
        }
        range(errors, "incidents.group_window_s", incidents.groupWindowS, 1, 3600);
        range(errors, "incidents.group_wait_s", incidents.groupWaitS, 0, 600);
        range(errors, "incidents.max_confirmations", incidents.maxConfirmations, 1, 100_000);
        range(errors, "incidents.parent_wait_s", incidents.parentWaitS, 0, 3600);
        range(errors, "alerting.retry_initial_ms", alerting.retryInitialMs, 10, 600_000);
        range(errors, "alerting.retry_max_ms", alerting.retryMaxMs, Math.max(10, alerting.retryInitialMs), 86_400_000);
        range(errors, "alerting.dead_letter_after_s", alerting.deadLetterAfterS, 1, 30 * 86_400);
        range(errors, "alerting.timeout_ms", alerting.timeoutMs, 100, 300_000);
        range(errors, "alerting.max_in_flight", alerting.maxInFlight, 1, 1000);
        range(errors, "alerting.poll_interval_ms", alerting.pollIntervalMs, 10, 60_000);
        range(errors, "alerting.alertmanager_resend_s", alerting.alertmanagerResendS, 5, 3600);
        if (!isBlank(alerting.publicUrl) && !alerting.publicUrl.matches("https?://[^\\s/]+(/\\S*)?")) {
            errors.add("alerting.public_url must be blank or an http:// or https:// URL");
        }
        secretKey(errors, "secret.key", secret.key);
        secretKey(errors, "secret.previous_key", secret.previousKey);
        if (isBlank(secret.key) && !isBlank(secret.previousKey)) {
            errors.add("secret.previous_key needs secret.key (the new key) as well");
        }
        return errors;
    }

    private void validateTls(List<String> errors) {
        if (!Tls.SELF_SIGNED.equals(tls.mode) && !Tls.CUSTOM.equals(tls.mode)) {
            errors.add("tls.mode must be self-signed or custom");
        }
        if (isBlank(tls.dir)) {
            errors.add("tls.dir must not be blank");
        }
        if (Tls.SELF_SIGNED.equals(tls.mode)) {
            if (tls.serverNames.isEmpty()) {
                errors.add("tls.server_names must name at least one host or IP address");
            }
            for (String name : tls.serverNames) {
                // A colon only in an IPv6 literal: "host:port" is a common slip.
                if (isBlank(name) || name.length() > 253 || !name.trim().matches("[A-Za-z0-9.:*-]+")
                        || (name.contains(":") && dev.heliograph.probe.net.NameResolver.literal(name.trim()) == null)) {
                    errors.add("tls.server_names: '" + name + "' is not a host name or IP address");
                }
            }
        }
        if (Tls.CUSTOM.equals(tls.mode)) {
            for (String[] file : new String[][] {{"tls.cert_file", tls.certFile}, {"tls.key_file", tls.keyFile},
                    {"tls.ca_file", tls.caFile}}) {
                if (isBlank(file[1])) {
                    errors.add(file[0] + " is required when tls.mode is custom");
                }
            }
        }
    }

    /** Checks a key without ever echoing it. */
    private static void secretKey(List<String> errors, String name, String value) {
        if (isBlank(value)) {
            return;
        }
        try {
            if (Base64.getDecoder().decode(value.trim()).length == Secret.KEY_BYTES) {
                return;
            }
        } catch (IllegalArgumentException notBase64) {
            // reported below
        }
        errors.add(name + " must be blank or the base64 of exactly " + Secret.KEY_BYTES
                + " bytes (make one with: head -c 32 /dev/urandom | base64)");
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    private void validateClickHouseUrl(List<String> errors) {
        try {
            URI uri = new URI(clickhouse.url);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                errors.add("clickhouse.url must be an http:// or https:// URL with a host");
            }
        } catch (Exception e) {
            errors.add("clickhouse.url must be an http:// or https:// URL with a host");
        }
    }

    private static void range(List<String> errors, String key, int value, int min, int max) {
        if (value < min || value > max) {
            errors.add(key + " must be between " + min + " and " + max + " (got " + value + ")");
        }
    }

    private static void required(List<String> errors, String key, String value) {
        if (value == null || value.isBlank()) {
            errors.add(key + " is required");
        }
    }
}
