package dev.heliograph.probe.agent;

import dev.heliograph.domain.RegionId;
import dev.heliograph.probe.EngineSettings;
import dev.heliograph.probe.EngineSettings.BreakerSettings;
import dev.heliograph.probe.net.Cidr;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a probe agent runs: where its control plane is, where it keeps its state, and the probe-engine
 * settings that do not depend on its region. Build it with {@link #builder}; the constructor checks
 * every value and throws {@link IllegalArgumentException} naming the bad one.
 *
 * @param controlPlane        the control plane's agent server, {@code https://host:port}; {@code http} (no
 *                            TLS, no pinning) is accepted for embedding and tests, never by the CLI
 * @param dataDir             holds {@code identity.json} and {@code wal/}; created with mode 0700 when missing
 * @param region              the region the agent is meant to check from: required to register (the
 *                            token's region must be this one), and when given later it must be the
 *                            region of the saved identity; {@code null} when not given
 * @param name                display name sent at registration, 1..200 characters (default: the host name)
 * @param token               one-time registration token, or {@code null} once the agent has an identity
 * @param maxConcurrentChecks worker-pool slots, 1..100000 (default 1000)
 * @param maxQueueWait        longest wait for a pool slot (default 1 s)
 * @param maxJitter           largest shift of a tick from its grid point (default 500 ms)
 * @param lanes               scheduler lanes, 0 = two per core (default 0)
 * @param allowedCidrs        networks the SSRF guard lets checks reach although they are blocked classes
 * @param dnsTimeout          per-query resolver timeout (default 2 s)
 * @param dnsMinTtl           shortest DNS cache time (default 5 s)
 * @param dnsMaxTtl           longest DNS cache time (default 300 s)
 * @param breaker             per-host circuit breaker (default 50 %, window 20, minimum 10, open 30 s, 3 trials)
 * @param maxChecksPerHost    per-tenant bulkhead (default 50)
 * @param batchMaxResults     most results per upload, 1..10000 (default 1000)
 * @param uploadInterval      time between uploads while fewer than {@code batchMaxResults} wait (default 1 s)
 * @param requestTimeout      connect and idle timeout of every request but the work poll (default 30 s)
 * @param pollHold            the server's longest poll hold; a poll times out after it plus 15 s (default 30 s)
 * @param walMaxBytes         most bytes the write-ahead log's files hold, {@value #WAL_MIN_BYTES} (64 KiB) to
 *                            {@value #WAL_MAX_BYTES} (1 TiB); results that do not fit are dropped, counted
 *                            and reported (default {@value #WAL_DEFAULT_BYTES}, 256 MiB)
 * @param shutdownTimeout     the whole graceful stop (default 10 s)
 * @param caFingerprint       lowercase hex SHA-256 of the control plane's CA certificate, checked at
 *                            the first (registering) contact; {@code null} when not given
 * @param insecureFirstContact whether the first contact may go without {@code caFingerprint}, trusting
 *                            whichever CA the server presents (default false)
 */
public record AgentSettings(URI controlPlane, Path dataDir, RegionId region, String name, String token, int maxConcurrentChecks,
                            Duration maxQueueWait, Duration maxJitter, int lanes, List<Cidr> allowedCidrs,
                            Duration dnsTimeout, Duration dnsMinTtl, Duration dnsMaxTtl, BreakerSettings breaker,
                            int maxChecksPerHost, int batchMaxResults, Duration uploadInterval,
                            Duration requestTimeout, Duration pollHold, long walMaxBytes, Duration shutdownTimeout,
                            String caFingerprint, boolean insecureFirstContact) {
    /** Smallest write-ahead log bound, bytes (64 KiB). */
    public static final long WAL_MIN_BYTES = 64L << 10;
    /** Largest write-ahead log bound, bytes (1 TiB). */
    public static final long WAL_MAX_BYTES = 1L << 40;
    /** Default write-ahead log bound, bytes (256 MiB). */
    public static final long WAL_DEFAULT_BYTES = 256L << 20;
    /** Largest write-ahead log segment, bytes (4 MiB). */
    private static final long SEGMENT_MAX_BYTES = 4L << 20;

    public AgentSettings {
        Objects.requireNonNull(controlPlane, "controlPlane");
        Objects.requireNonNull(dataDir, "dataDir");
        if (!("http".equals(controlPlane.getScheme()) || "https".equals(controlPlane.getScheme()))
                || controlPlane.getHost() == null
                || !(controlPlane.getRawPath() == null || controlPlane.getRawPath().isEmpty()
                        || "/".equals(controlPlane.getRawPath()))
                || controlPlane.getRawQuery() != null || controlPlane.getRawUserInfo() != null) {
            throw new IllegalArgumentException("control plane must look like http://host:port, was '" + controlPlane + "'");
        }
        if (name == null || name.isBlank() || name.length() > 200) {
            throw new IllegalArgumentException("name must be 1..200 characters");
        }
        if (token != null && token.isBlank()) {
            throw new IllegalArgumentException("token must not be empty");
        }
        range("max concurrent checks", maxConcurrentChecks, 1, 100_000);
        range("lanes", lanes, 0, 256);
        range("max checks per host", maxChecksPerHost, 1, 100_000);
        range("batch max results", batchMaxResults, 1, 10_000);
        range("write-ahead log max bytes", walMaxBytes, WAL_MIN_BYTES, WAL_MAX_BYTES);
        allowedCidrs = List.copyOf(allowedCidrs);
        for (Duration d : List.of(maxQueueWait, maxJitter, dnsMinTtl)) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("durations must not be negative");
            }
        }
        for (Duration d : List.of(dnsTimeout, dnsMaxTtl, uploadInterval, requestTimeout, pollHold, shutdownTimeout)) {
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException("timeouts and intervals must be positive");
            }
        }
        Objects.requireNonNull(breaker, "breaker");
        if (caFingerprint != null) {
            caFingerprint = PinnedCa.normaliseFingerprint(caFingerprint);
        }
    }

    /** Settings with every default, for the control plane's agent server at {@code controlPlane} and state in {@code dataDir}. */
    public static Builder builder(URI controlPlane, Path dataDir) {
        return new Builder(controlPlane, dataDir);
    }

    /**
     * Size at which a write-ahead-log segment is closed: a sixteenth of {@link #walMaxBytes}, at most
     * 4 MiB. A segment is deleted only once all of it is acknowledged, so small segments keep the
     * acknowledged part still on disk, which counts against the bound, small.
     */
    public long walSegmentBytes() {
        return Math.min(SEGMENT_MAX_BYTES, walMaxBytes / 16);
    }

    /** The engine settings of an agent {@code agentId} checking from {@code region}; lanes 0 becomes two per core. */
    public EngineSettings engineSettings(RegionId region, String agentId) {
        int resolvedLanes = lanes == 0 ? 2 * Runtime.getRuntime().availableProcessors() : lanes;
        return new EngineSettings(region, agentId, maxConcurrentChecks, maxQueueWait, maxJitter, resolvedLanes,
                allowedCidrs, dnsTimeout, dnsMinTtl, dnsMaxTtl, breaker, maxChecksPerHost);
    }

    /** How long a work poll may take: the server's hold plus 15 s. */
    public Duration pollTimeout() {
        return pollHold.plusSeconds(15);
    }

    /** Like the record's, with the token hidden: settings are logged, tokens never. */
    @Override
    public String toString() {
        return "AgentSettings[controlPlane=" + controlPlane + ", dataDir=" + dataDir + ", region="
                + (region == null ? "none" : region) + ", name=" + name + ", token=" + (token == null ? "none" : "***")
                + ", maxConcurrentChecks=" + maxConcurrentChecks + ", allowedCidrs=" + allowedCidrs
                + ", walMaxBytes=" + walMaxBytes + ", caFingerprint=" + (caFingerprint == null ? "none" : caFingerprint)
                + ", insecureFirstContact=" + insecureFirstContact + "]";
    }

    private static void range(String what, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(what + " must be between " + min + " and " + max + ", was " + value);
        }
    }

    /** Collects the settings that differ from the defaults; {@link #build} validates them. */
    public static final class Builder {
        private final URI controlPlane;
        private final Path dataDir;
        private RegionId region;
        private String name;
        private String token;
        private int maxConcurrentChecks = 1_000;
        private Duration maxJitter = Duration.ofMillis(500);
        private int lanes;
        private List<Cidr> allowedCidrs = List.of();
        private int batchMaxResults = 1_000;
        private Duration uploadInterval = Duration.ofSeconds(1);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private long walMaxBytes = WAL_DEFAULT_BYTES;
        private String caFingerprint;
        private boolean insecureFirstContact;

        private Builder(URI controlPlane, Path dataDir) {
            this.controlPlane = controlPlane;
            this.dataDir = dataDir;
        }

        /** The region the agent is meant to check from, {@code null} for not given. */
        public Builder region(RegionId value) {
            region = value;
            return this;
        }

        /** Display name (default: the host name). */
        public Builder name(String value) {
            name = value;
            return this;
        }

        /** Registration token, {@code null} for none. */
        public Builder token(String value) {
            token = value;
            return this;
        }

        /** Worker-pool slots. */
        public Builder maxConcurrentChecks(int value) {
            maxConcurrentChecks = value;
            return this;
        }

        /** Scheduler lanes, 0 = two per core. */
        public Builder lanes(int value) {
            lanes = value;
            return this;
        }

        /** Largest shift of a tick from its grid point. */
        public Builder maxJitter(Duration value) {
            maxJitter = value;
            return this;
        }

        /** Networks checks may reach although they are blocked classes. */
        public Builder allowedCidrs(List<Cidr> value) {
            allowedCidrs = value;
            return this;
        }

        /** Most results per upload. */
        public Builder batchMaxResults(int value) {
            batchMaxResults = value;
            return this;
        }

        /** Time between uploads while fewer than a full batch wait. */
        public Builder uploadInterval(Duration value) {
            uploadInterval = value;
            return this;
        }

        /** Connect and idle timeout of every request but the work poll. */
        public Builder requestTimeout(Duration value) {
            requestTimeout = value;
            return this;
        }

        /** Most bytes the write-ahead log's files hold. */
        public Builder walMaxBytes(long value) {
            walMaxBytes = value;
            return this;
        }

        /** The control plane CA's SHA-256 fingerprint for the first contact, {@code null} for none. */
        public Builder caFingerprint(String value) {
            caFingerprint = value;
            return this;
        }

        /** Whether the first contact may go without a CA fingerprint. */
        public Builder insecureFirstContact(boolean value) {
            insecureFirstContact = value;
            return this;
        }

        /** The settings; throws {@link IllegalArgumentException} naming the first bad value. */
        public AgentSettings build() {
            return new AgentSettings(controlPlane, dataDir, region, name == null ? hostName() : name, token,
                    maxConcurrentChecks,
                    Duration.ofSeconds(1), maxJitter, lanes, allowedCidrs, Duration.ofMillis(2_000), Duration.ofSeconds(5),
                    Duration.ofSeconds(300), new BreakerSettings(50, 20, 10, Duration.ofSeconds(30), 3), 50,
                    batchMaxResults, uploadInterval, requestTimeout, Duration.ofSeconds(30), walMaxBytes,
                    Duration.ofSeconds(10), caFingerprint, insecureFirstContact);
        }

        private static String hostName() {
            try {
                String host = InetAddress.getLocalHost().getHostName();
                return host.length() > 200 ? host.substring(0, 200) : host;
            } catch (UnknownHostException e) {
                return "agent";
            }
        }
    }
}
