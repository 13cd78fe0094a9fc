package dev.heliograph.controlplane;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Who this process runs as, for the agent's refusal to run as root. */
final class ProcessUser {
    private ProcessUser() {
    }

    /**
     * Whether the process's effective user id is 0: read from {@code /proc/self/status} (Linux), else
     * {@code user.name} is {@code root}.
     */
    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    String[] ids = line.substring(4).trim().split("\\s+");
                    // real, effective, saved, file system
                    return ids.length > 1 ? "0".equals(ids[1]) : "0".equals(ids[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall back to the user name
        }
        return "root".equals(System.getProperty("user.name"));
    }
}
