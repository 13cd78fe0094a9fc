package dev.heliograph.controlplane;

import dev.heliograph.controlplane.config.ConfigException;
import dev.heliograph.controlplane.observability.Metrics;
import dev.heliograph.controlplane.config.ConfigSource;
import dev.heliograph.controlplane.config.HeliographConfig;
import dev.heliograph.controlplane.config.Logging;
import dev.heliograph.controlplane.control.ProcessSignals;
import dev.heliograph.controlplane.secrets.SecretKeyException;
import dev.heliograph.controlplane.secrets.StoredSecrets;
import dev.heliograph.controlplane.tls.TlsSetupException;
import dev.heliograph.domain.RegionId;
import dev.heliograph.probe.EngineVertx;
import dev.heliograph.probe.agent.AgentSettings;
import dev.heliograph.probe.agent.ProbeAgent;
import dev.heliograph.probe.net.Cidr;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code heliograph} command line: {@code heliograph control-plane [--config FILE] [--set key=value]...},
 * {@code heliograph secrets rotate [--config FILE] [--set key=value]...},
 * {@code heliograph agent --control-plane URL --region R --token T [--data-dir DIR] ...}, and the
 * config-as-code commands {@code heliograph targets export|apply} and {@code heliograph alerting export|apply}.
 */
@Command(name = "heliograph", mixinStandardHelpOptions = true, version = "heliograph 0.1.0",
        description = "Distributed health-check platform.",
        subcommands = {Main.ControlPlaneCommand.class, Main.AgentCommand.class, Main.SecretsCommand.class, TlsCommand.class,
                AdminCommand.class, TargetsCommand.class, AlertingCommand.class})
public final class Main implements Callable<Integer> {
    @Override
    public Integer call() {
        new CommandLine(this).usage(System.err);
        return 2;
    }

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install(); // Flyway logs through java.util.logging
        System.exit(new CommandLine(new Main()).setParameterExceptionHandler(Main::usageError).execute(args));
    }

    /** Bad usage: one line and exit 2 for {@code agent}; picocli's message and usage for the other commands. */
    private static int usageError(CommandLine.ParameterException error, String[] args) {
        CommandLine command = error.getCommandLine();
        if (command.getCommand() instanceof AgentCommand) {
            command.getErr().println("heliograph: agent: " + error.getMessage());
            return 2;
        }
        command.getErr().println(error.getMessage());
        if (!CommandLine.UnmatchedArgumentException.printSuggestions(error, command.getErr())) {
            command.usage(command.getErr());
        }
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    /**
     * {@code heliograph control-plane}: runs until SIGINT/SIGTERM, then stops gracefully within
     * {@code shutdown.timeout_s}; a second SIGINT/SIGTERM exits at once. SIGHUP reloads the
     * configuration. Exit codes: 0 stopped with every accepted result written, 1 start-up failed or
     * results were left unwritten, 2 bad configuration or usage, 130/143 second SIGINT/SIGTERM.
     */
    @Command(name = "control-plane", mixinStandardHelpOptions = true,
            description = "Run the control plane: REST API, scheduler and probe engine for its region, result pipeline.")
    static final class ControlPlaneCommand implements Callable<Integer> {
        private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneCommand.class);

        @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file (re-read by SIGHUP and POST /-/reload).")
        Path config;

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one key, e.g. --set api.port=9090 (repeatable).")
        List<String> overrides = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            ConfigSource source = ConfigSource.of(config, System.getenv(), overrides);
            HeliographConfig cfg;
            try {
                cfg = source.load();
            } catch (ConfigException e) {
                e.problems().forEach(problem -> System.err.println("heliograph: config: " + problem));
                return 2;
            }
            Logging.configure(cfg.log());
            Metrics metrics = new Metrics();
            Vertx vertx = metrics.vertx();
            ControlPlane plane;
            try {
                plane = ControlPlane.start(vertx, cfg, source, Clock.systemUTC(), metrics).await(2, TimeUnit.MINUTES);
            } catch (Exception e) {
                System.err.println("heliograph: cannot start: " + rootMessage(e));
                LOG.debug("start-up failure", e);
                vertx.close().await(10, TimeUnit.SECONDS);
                return 1;
            }
            CountDownLatch stopRequested = new CountDownLatch(1);
            GracefulStop stop = new GracefulStop(plane::stop, vertx, Duration.ofSeconds(cfg.shutdown().timeoutS()));
            List<String> unhandled = ProcessSignals.install(() -> plane.reload().onFailure(e -> LOG.debug("reload failed", e)),
                    stopRequested::countDown);
            if (!unhandled.isEmpty()) {
                LOG.warn("cannot handle {} here; they keep the JVM's default behaviour", unhandled);
            }
            // Also when the JVM exits for a reason other than our signal handlers (e.g. a signal we could not handle).
            Runtime.getRuntime().addShutdownHook(new Thread(stop::run, "heliograph-shutdown"));
            stopRequested.await();
            return stop.run() ? 0 : 1;
        }

        static String rootMessage(Throwable error) {
            Throwable root = error;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            // Its message is written for an operator and says what to do.
            return root instanceof SecretKeyException || root instanceof TlsSetupException ? root.getMessage() : root.getClass().getSimpleName() + ": " + root.getMessage();
        }
    }

    /** {@code heliograph secrets}: the encrypted secrets of target specs and alert channels (see {@code rotate}). */
    @Command(name = "secrets", mixinStandardHelpOptions = true,
            description = "Manage the encrypted secrets of target specs and alert channels.",
            subcommands = SecretsCommand.RotateCommand.class)
    static final class SecretsCommand extends CommandGroup {
        /**
         * {@code heliograph secrets rotate [--config FILE] [--set key=value]...}: re-encrypts every
         * stored secret under {@code secret.key}, decrypting with it or {@code secret.previous_key}, in
         * one Postgres transaction, and prints {@code re-encrypted N secrets in M targets} (followed by
         * {@code and K alert channels} when channels hold secrets). Exit codes:
         * 0 done, 1 failed (one line; nothing changed), 2 bad configuration (including no
         * {@code secret.key}) or usage.
         */
        @Command(name = "rotate", mixinStandardHelpOptions = true,
                description = "Re-encrypt every stored secret under secret.key (the old key as secret.previous_key).")
        static final class RotateCommand implements Callable<Integer> {
            @CommandLine.Mixin
            ConfigOptions options;

            @Override
            public Integer call() throws Exception {
                HeliographConfig cfg = options.loadOrReport();
                if (cfg == null) {
                    return 2;
                }
                if (cfg.secret().key().isBlank()) {
                    System.err.println("heliograph: config: secret.key (HELIOGRAPH_SECRET_KEY) is required to rotate secrets");
                    return 2;
                }
                Logging.configure(cfg.log());
                Vertx vertx = Vertx.vertx();
                try {
                    StoredSecrets.Rotation done = StoredSecrets.rotate(vertx, cfg).await(2, TimeUnit.MINUTES);
                    System.out.println("re-encrypted " + done.secrets() + " secrets in " + done.targets() + " targets"
                            + (done.channels() > 0 ? " and " + done.channels() + " alert channels" : ""));
                    return 0;
                } catch (Exception e) {
                    System.err.println("heliograph: secrets rotate: " + ControlPlaneCommand.rootMessage(e));
                    return 1;
                } finally {
                    vertx.close().await(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    /**
     * {@code heliograph agent}: runs a probe agent for region {@code --region}, until SIGINT/SIGTERM;
     * then it stops gracefully within 10 s (a second signal exits at once). Options fall back to
     * {@code HELIOGRAPH_AGENT_*} environment variables. Exit codes: 0 stopped, 1 fatal error (no
     * identity and no token or region, token refused or for another region, saved identity of another
     * region, key revoked, data directory unusable), 2 bad usage, 130/143 second SIGINT/SIGTERM.
     * Never prints or logs the token or the agent key.
     */
    @Command(name = "agent", mixinStandardHelpOptions = true,
            description = "Run a probe agent: check the targets the control plane assigns to its region and report the results.")
    static final class AgentCommand implements Callable<Integer> {
        private static final Logger LOG = LoggerFactory.getLogger(AgentCommand.class);

        @Option(names = "--control-plane", paramLabel = "URL",
                description = "The control plane's agent server, e.g. https://cp.example:8081 (env HELIOGRAPH_AGENT_CONTROL_PLANE). "
                        + "Required.")
        String controlPlane;

        @Option(names = "--region", paramLabel = "R",
                description = "The region this agent checks from (env HELIOGRAPH_AGENT_REGION). Required to register: the token must be "
                        + "for this region. Later optional; when given it must be the region of the saved identity.")
        String region;

        @Option(names = "--data-dir", paramLabel = "DIR",
                description = "Identity and write-ahead log, created with mode 0700 (env HELIOGRAPH_AGENT_DATA_DIR; default ./agent-data).")
        Path dataDir;

        @Option(names = "--token", paramLabel = "TOKEN",
                description = "One-time registration token, used only while DIR holds no identity (env HELIOGRAPH_AGENT_TOKEN, preferred: "
                        + "command lines are visible to other users).")
        String token;

        @Option(names = "--name", paramLabel = "NAME", description = "Display name, 1..200 characters (default: the host name).")
        String name;

        @Option(names = "--allow-cidr", paramLabel = "CIDR",
                description = "A network checks may reach although it is loopback, private, link-local, ... (repeatable; env "
                        + "HELIOGRAPH_AGENT_ALLOWED_CIDRS, comma-separated).")
        List<String> allowCidrs = new ArrayList<>();

        @Option(names = "--max-concurrent-checks", paramLabel = "N", description = "Checks in flight at most, 1..100000 (default 1000).")
        Integer maxConcurrentChecks;

        @Option(names = "--wal-max-bytes", paramLabel = "N",
                description = "Most bytes the write-ahead log holds, 65536 (64 KiB) to 1099511627776 (1 TiB); results beyond it are "
                        + "dropped, counted and reported to the control plane (env HELIOGRAPH_AGENT_WAL_MAX_BYTES; default 268435456, "
                        + "256 MiB).")
        String walMaxBytes;

        @Option(names = "--ca-fingerprint", paramLabel = "HEX",
                description = "SHA-256 fingerprint of the control plane's CA (64 hex digits; printed by the control plane at start and "
                        + "shown when a registration token is created), checked at the first contact (env "
                        + "HELIOGRAPH_AGENT_CA_FINGERPRINT).")
        String caFingerprint;

        @Option(names = "--insecure-first-contact",
                description = "Register without --ca-fingerprint, pinning whichever CA the control plane presents (trust on first use).")
        boolean insecureFirstContact;

        @Option(names = "--allow-root", description = "Run although the user is root (not recommended).")
        boolean allowRoot;

        @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "auto",
                description = "auto (text on a terminal, else JSON lines), text or json (default auto).")
        String logFormat;

        @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info",
                description = "trace, debug, info, warn or error (default info).")
        String logLevel;

        @Override
        public Integer call() throws Exception {
            AgentSettings settings;
            try {
                settings = settings(System.getenv());
            } catch (IllegalArgumentException e) {
                System.err.println("heliograph: agent: " + e.getMessage());
                return 2;
            }
            if (!allowRoot && ProcessUser.isRoot()) {
                System.err.println("heliograph: agent: refusing to run as root: run it as an unprivileged user "
                        + "(see packaging/), or pass --allow-root");
                return 2;
            }
            Logging.configure(new HeliographConfig.Log(logLevel, logFormat));
            Vertx vertx = EngineVertx.create();
            CompletableFuture<Integer> exitCode = new CompletableFuture<>();
            List<String> unhandled = ProcessSignals.install(() -> LOG.info("the agent has no configuration to reload"),
                    () -> exitCode.complete(0));
            if (!unhandled.isEmpty()) {
                LOG.warn("cannot handle {} here; they keep the JVM's default behaviour", unhandled);
            }
            Future<ProbeAgent> started = ProbeAgent.start(vertx, settings, Clock.systemUTC(), new SimpleMeterRegistry())
                    .onSuccess(agent -> agent.fatal().onSuccess(fatal -> exitCode.complete(1)))
                    .onFailure(e -> exitCode.complete(1));
            int code = exitCode.get();
            if (!started.succeeded()) {
                if (started.failed()) {
                    System.err.println("heliograph: agent: cannot start: " + started.cause().getMessage());
                    LOG.debug("start-up failure", started.cause());
                }
                vertx.close().await(10, TimeUnit.SECONDS);
                return code;
            }
            ProbeAgent agent = started.result();
            GracefulStop stop = new GracefulStop(grace -> agent.stop(grace).map(true), vertx, settings.shutdownTimeout());
            // Also when the JVM exits for a reason other than our signal handlers.
            Runtime.getRuntime().addShutdownHook(new Thread(stop::run, "heliograph-agent-shutdown"));
            return stop.run() ? code : 1;
        }

        /** The settings from the options, each falling back to its environment variable; throws {@link IllegalArgumentException}. */
        AgentSettings settings(Map<String, String> env) {
            String urlText = orEnv(controlPlane, env, "HELIOGRAPH_AGENT_CONTROL_PLANE");
            if (urlText == null) {
                throw new IllegalArgumentException("--control-plane URL is required (or HELIOGRAPH_AGENT_CONTROL_PLANE)");
            }
            URI uri;
            try {
                uri = new URI(urlText.trim());
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("--control-plane: '" + urlText + "' is not a URL such as https://host:8081");
            }
            if (!"https".equalsIgnoreCase(uri.getScheme())) {
                throw new IllegalArgumentException("--control-plane must be an https:// URL (the control plane's agent server speaks TLS only), was '"
                        + urlText + "'");
            }
            String fingerprintText = orEnv(caFingerprint, env, "HELIOGRAPH_AGENT_CA_FINGERPRINT");
            String regionText = orEnv(region, env, "HELIOGRAPH_AGENT_REGION");
            if (regionText != null && !RegionId.isValid(regionText.trim())) {
                throw new IllegalArgumentException("--region: '" + regionText
                        + "' is not a region name (1-63 characters of a-z, 0-9 and '-', starting with a letter or digit)");
            }
            long walBytes = walMaxBytes(orEnv(walMaxBytes, env, "HELIOGRAPH_AGENT_WAL_MAX_BYTES"));
            String dirText = orEnv(dataDir == null ? null : dataDir.toString(), env, "HELIOGRAPH_AGENT_DATA_DIR");
            String cidrText = orEnv(allowCidrs.isEmpty() ? null : String.join(",", allowCidrs), env, "HELIOGRAPH_AGENT_ALLOWED_CIDRS");
            List<Cidr> cidrs = new ArrayList<>();
            for (String cidr : cidrText == null ? new String[0] : cidrText.split(",")) {
                if (!cidr.isBlank()) {
                    try {
                        cidrs.add(Cidr.parse(cidr));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("--allow-cidr: " + e.getMessage());
                    }
                }
            }
            if (!List.of("trace", "debug", "info", "warn", "error").contains(logLevel.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("--log-level must be one of trace, debug, info, warn, error");
            }
            if (!List.of("auto", "text", "json").contains(logFormat)) {
                throw new IllegalArgumentException("--log-format must be one of auto, text, json");
            }
            AgentSettings.Builder builder = AgentSettings.builder(uri, Path.of(dirText == null ? "agent-data" : dirText))
                    .region(regionText == null ? null : new RegionId(regionText.trim()))
                    .token(orEnv(token, env, "HELIOGRAPH_AGENT_TOKEN"))
                    .allowedCidrs(cidrs)
                    .walMaxBytes(walBytes)
                    .caFingerprint(fingerprintText == null || fingerprintText.isBlank() ? null : fingerprintText.trim())
                    .insecureFirstContact(insecureFirstContact);
            if (name != null) {
                builder.name(name);
            }
            if (maxConcurrentChecks != null) {
                builder.maxConcurrentChecks(maxConcurrentChecks);
            }
            return builder.build();
        }

        /** The write-ahead log bound from {@code text}, a whole number of bytes; the default when {@code null}. */
        private static long walMaxBytes(String text) {
            if (text == null) {
                return AgentSettings.WAL_DEFAULT_BYTES;
            }
            long bytes;
            try {
                bytes = Long.parseLong(text.trim());
            } catch (NumberFormatException e) {
                bytes = -1;
            }
            if (bytes < AgentSettings.WAL_MIN_BYTES || bytes > AgentSettings.WAL_MAX_BYTES) {
                throw new IllegalArgumentException("--wal-max-bytes must be a number of bytes between " + AgentSettings.WAL_MIN_BYTES
                        + " (64 KiB) and " + AgentSettings.WAL_MAX_BYTES + " (1 TiB), was '" + text + "'");
            }
            return bytes;
        }

        /** {@code option} when given, else the non-blank environment variable {@code name}, else {@code null}. */
        private static String orEnv(String option, Map<String, String> env, String name) {
            if (option != null) {
                return option;
            }
            String value = env.get(name);
            return value == null || value.isBlank() ? null : value;
        }
    }

    /**
     * Stops a process's main part and then Vert.x once, within {@code timeout}, whoever asks first
     * (the signal handler or the JVM's shutdown hook).
     */
    private static final class GracefulStop {
        private static final Logger LOG = LoggerFactory.getLogger(GracefulStop.class);

        private final Function<Duration, Future<Boolean>> stopper;
        private final Vertx vertx;
        private final Duration timeout;
        private final AtomicBoolean started = new AtomicBoolean();

        /** @param stopper stops the main part within the given time; {@code true} when nothing accepted was lost */
        GracefulStop(Function<Duration, Future<Boolean>> stopper, Vertx vertx, Duration timeout) {
            this.stopper = stopper;
            this.vertx = vertx;
            this.timeout = timeout;
        }

        /** Runs the stop unless it ran already; {@code true} when the stopper reported a clean stop. */
        boolean run() {
            if (!started.compareAndSet(false, true)) {
                return true;
            }
            LOG.info("stopping within {} s", timeout.toSeconds());
            boolean clean = false;
            try {
                // The whole stop, including closing Vert.x, fits inside the timeout.
                Duration graceful = timeout.minusMillis(1_500);
                clean = stopper.apply(graceful).await(graceful.toMillis() + 250, TimeUnit.MILLISECONDS);
                vertx.close().await(1, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.error("graceful stop failed: {}", e.toString());
            }
            return clean;
        }
    }
}
