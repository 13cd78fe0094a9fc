package dev.heliograph.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The real process ({@code bin/heliograph control-plane}) for integration tests: started from a
 * private copy of the shaded JAR (system property {@code heliograph.jar}) with a test's databases as
 * {@code --set} overrides, its output going to a log file next to the JAR. {@link #close()} kills it
 * if it still runs and deletes the JAR copy; the log stays for inspection.
 */
final class ControlPlaneProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final Path jarCopy;

    private ControlPlaneProcess(Process process, Path log, Path jarCopy) {
        this.process = process;
        this.log = log;
        this.jarCopy = jarCopy;
    }

    /**
     * Starts the launcher with {@code services}' databases and {@code overrides}.
     *
     * @param name prefix of the log and JAR copy file names ({@code NAME-DATABASE.log}, {@code .jar})
     * @param args arguments after {@code control-plane} and before the {@code --set} overrides, e.g.
     *     {@code --config FILE}
     * @param environment changes to the process environment (after {@code HELIOGRAPH_JAR} is set)
     */
    static ControlPlaneProcess start(TestServices services, String name, List<String> args,
            Consumer<Map<String, String>> environment, String... overrides) throws Exception {
        String root = System.getProperty("heliograph.root");
        Path jar = Path.of(System.getProperty("heliograph.jar"));
        Path log = jar.getParent().resolve(name + "-" + services.database() + ".log");
        // A private copy: a concurrent build may replace or delete the shared JAR while the process runs.
        Path jarCopy = Files.copy(jar, jar.getParent().resolve(name + "-" + services.database() + ".jar"));
        try {
            List<String> command = new ArrayList<>(List.of(root + "/bin/heliograph", "control-plane"));
            command.addAll(args);
            for (String setting : services.overrides(overrides)) {
                command.add("--set");
                command.add(setting);
            }
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().put("HELIOGRAPH_JAR", jarCopy.toString());
            environment.accept(builder.environment());
            return new ControlPlaneProcess(builder.start(), log, jarCopy);
        } catch (Throwable failure) {
            Files.deleteIfExists(jarCopy);
            throw failure;
        }
    }

    Process process() {
        return process;
    }

    /** The file holding the process's standard output and error. */
    Path log() {
        return log;
    }

    /** Waits up to 60 s for {@code GET /healthz} to answer 200; fails at once if the process exits. */
    void awaitHealthy(ApiClient api) {
        Await.until("GET /healthz answers 200", Duration.ofSeconds(60), () -> {
            if (!process.isAlive()) {
                throw new AssertionError("process exited with " + process.exitValue() + " before it was healthy");
            }
            try {
                return api.get("/healthz").status() == 200;
            } catch (IllegalStateException notListening) {
                return false;
            }
        });
    }

    /** Sends signal {@code name} ({@code HUP}, {@code TERM}, …) with {@code kill -NAME pid}. */
    void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor(5, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -" + name).isTrue();
    }

    /** The whole log. */
    String logText() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** The log's last {@code lines} lines, or a note saying why there is no log. */
    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (Exception e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws Exception {
        try {
            if (process.isAlive()) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } finally {
            Files.deleteIfExists(jarCopy);
        }
    }
}
