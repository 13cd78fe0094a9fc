package dev.heliograph.controlplane;

import dev.heliograph.controlplane.config.ConfigException;
import dev.heliograph.controlplane.config.ConfigLoader;
import dev.heliograph.controlplane.config.HeliographConfig;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
        int code = new CommandLine(new Main()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** {@code heliograph control-plane}: runs until SIGINT/SIGTERM, then stops gracefully. */
    @Command(name = "control-plane", mixinStandardHelpOptions = true,
            description = "Run the control plane: REST API, scheduler and probe engine for its region, result pipeline.")
    static final class ControlPlaneCommand implements Callable<Integer> {
        private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneCommand.class);

        @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file.")
        Path config;

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one key, e.g. --set api.port=9090 (repeatable).")
        List<String> overrides = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            HeliographConfig cfg;
            try {
                cfg = ConfigLoader.load(config, System.getenv(), overrides);
            } catch (ConfigException e) {
                e.problems().forEach(problem -> System.err.println("heliograph: config: " + problem));
                return 2;
            }
            Vertx vertx = Vertx.vertx();
            ControlPlane plane;
            try {
                plane = ControlPlane.start(vertx, cfg, Clock.systemUTC()).await(2, TimeUnit.MINUTES);
            } catch (Exception e) {
                System.err.println("heliograph: cannot start: " + rootMessage(e));
                LOG.debug("start-up failure", e);
                vertx.close().await(10, TimeUnit.SECONDS);
                return 1;
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Duration timeout = Duration.ofSeconds(cfg.shutdown().timeoutS());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                LOG.info("signal received: stopping within {} s", timeout.toSeconds());
                try {
                    // The whole stop, including closing Vert.x, fits inside shutdown.timeout_s.
                    Duration graceful = timeout.minusMillis(1_500);
                    plane.stop(graceful).await(graceful.toMillis() + 250, TimeUnit.MILLISECONDS);
                    vertx.close().await(1, TimeUnit.SECONDS);
                } catch (Exception e) {
                    LOG.error("graceful stop failed: {}", rootMessage(e));
                }
                stopped.countDown();
            }, "heliograph-shutdown"));
            stopped.await();
            return 0;
        }

        private static String rootMessage(Throwable error) {
            Throwable root = error;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            return root.getClass().getSimpleName() + ": " + root.getMessage();
        }
    }
}
