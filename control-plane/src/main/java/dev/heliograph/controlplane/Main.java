package dev.heliograph.controlplane;

import dev.heliograph.controlplane.config.ConfigException;
import dev.heliograph.controlplane.observability.Metrics;
import dev.heliograph.controlplane.config.ConfigSource;
import dev.heliograph.controlplane.config.HeliographConfig;
import dev.heliograph.controlplane.config.Logging;
import dev.heliograph.controlplane.control.ProcessSignals;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code heliograph} command line: {@code heliograph control-plane [--config FILE] [--set key=value]...}. */
@Command(name = "heliograph", mixinStandardHelpOptions = true, version = "heliograph 0.1.0",
        description = "Distributed health-check platform.",
        subcommands = {Main.ControlPlaneCommand.class})
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
        System.exit(new CommandLine(new Main()).execute(args));
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
            GracefulStop stop = new GracefulStop(plane, vertx, Duration.ofSeconds(cfg.shutdown().timeoutS()));
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

        private static String rootMessage(Throwable error) {
            Throwable root = error;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            return root.getClass().getSimpleName() + ": " + root.getMessage();
        }
    }

    /** Stops the control plane and Vert.x once, within {@code timeout}, whoever asks first. */
    private static final class GracefulStop {
        private static final Logger LOG = LoggerFactory.getLogger(GracefulStop.class);

        private final ControlPlane plane;
        private final Vertx vertx;
        private final Duration timeout;
        private final AtomicBoolean started = new AtomicBoolean();

        GracefulStop(ControlPlane plane, Vertx vertx, Duration timeout) {
            this.plane = plane;
            this.vertx = vertx;
            this.timeout = timeout;
        }

        /** Runs the stop unless it ran already; {@code true} when every accepted result was written. */
        boolean run() {
            if (!started.compareAndSet(false, true)) {
                return true;
            }
            LOG.info("stopping within {} s", timeout.toSeconds());
            boolean clean = false;
            try {
                // The whole stop, including closing Vert.x, fits inside shutdown.timeout_s.
                Duration graceful = timeout.minusMillis(1_500);
                clean = plane.stop(graceful).await(graceful.toMillis() + 250, TimeUnit.MILLISECONDS);
                vertx.close().await(1, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.error("graceful stop failed: {}", e.toString());
            }
            return clean;
        }
    }
}
