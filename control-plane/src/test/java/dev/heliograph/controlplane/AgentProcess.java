package dev.heliograph.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real probe agent ({@code bin/heliograph agent}) in its own JVM, from a private copy of the
 * shaded JAR, checking loopback targets; output goes to {@code <data-dir>.log}. {@link #close()}
 * kills it if it still runs.
 */
final class AgentProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final Path jarCopy;
    final Path dataDir;

    private AgentProcess(Process process, Path log, Path jarCopy, Path dataDir) {
        this.process = process;
        this.log = log;
        this.jarCopy = jarCopy;
        this.dataDir = dataDir;
    }

    /**
     * Starts an agent for {@code region} of the control plane whose agent server listens on
     * {@code https://127.0.0.1:agentPort}, with data directory {@code dataDir}, {@code --allow-root}
     * (tests run as root) and {@code --ca-fingerprint caFingerprint}; {@code token} may be
     * {@code null} when the directory already holds an identity.
     */
    static AgentProcess start(Path dataDir, int agentPort, String region, String token, String caFingerprint, String name)
            throws Exception {
        return startWith(dataDir, agentPort, region, token, name, "--allow-root", "--ca-fingerprint", caFingerprint);
    }

    /** Like the other, with exactly {@code options} instead of {@code --allow-root --ca-fingerprint ...}. */
    static AgentProcess startWith(Path dataDir, int agentPort, String region, String token, String name, String... options)
            throws Exception {
        String root = System.getProperty("heliograph.root");
        Path jar = Path.of(System.getProperty("heliograph.jar"));
        Path jarCopy = dataDir.resolveSibling(dataDir.getFileName() + "-" + System.nanoTime() + ".jar");
        Files.createDirectories(dataDir.getParent());
        Files.copy(jar, jarCopy);
        Path log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
        List<String> command = new ArrayList<>(List.of(root + "/bin/heliograph", "agent",
                "--control-plane", "https://127.0.0.1:" + agentPort, "--region", region, "--data-dir", dataDir.toString(),
                "--name", name,
                "--allow-cidr", "127.0.0.0/8", "--log-format", "text"));
        command.addAll(List.of(options));
        if (token != null) {
            command.add("--token");
            command.add(token);
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("HELIOGRAPH_JAR", jarCopy.toString());
        builder.environment().put("HELIOGRAPH_JAVA_OPTS", "-Xmx256m");
        return new AgentProcess(builder.start(), log, jarCopy, dataDir);
    }

    Process process() {
        return process;
    }

    /** Sends signal {@code name} ({@code TERM}, {@code STOP}, {@code CONT}, …). */
    void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor(5, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -" + name).isTrue();
    }

    /** The whole log so far. */
    String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
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
