package dev.heliograph.loadtest;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * CPU time of the local server process that listens on a URL's TCP port (ClickHouse's HTTP port),
 * found through {@code /proc/net/tcp} and the processes' socket descriptors. Linux only; when the
 * process cannot be found (another user's, a remote server), {@link #seconds()} is -1.
 */
final class ServerCpu {
    private final long pid;

    private ServerCpu(long pid) {
        this.pid = pid;
    }

    /** The listener of {@code url}'s port, or a stand-in answering -1. */
    static ServerCpu of(String url) {
        URI uri = URI.create(url);
        int port = uri.getPort() > 0 ? uri.getPort() : 80;
        return new ServerCpu(listener(port));
    }

    /** CPU seconds (user + system) the process used since it started, or -1 when unknown. */
    double seconds() {
        if (pid < 0) {
            return -1;
        }
        try {
            return ExternalProcess.cpuSeconds(pid);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long listener(int port) {
        String inode = null;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    // local_address is HEXIP:HEXPORT, state 0A is LISTEN, inode is field 9.
                    if (f.length > 9 && f[1].endsWith(String.format(":%04X", port)) && f[3].equals("0A")) {
                        inode = f[9];
                    }
                }
            } catch (IOException e) {
                // no such table: keep looking
            }
        }
        if (inode == null) {
            return -1;
        }
        String socket = "socket:[" + inode + "]";
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
                    if (fds.anyMatch(fd -> socket.equals(readLink(fd)))) {
                        return Long.parseLong(proc.getFileName().toString());
                    }
                } catch (IOException | RuntimeException e) {
                    // gone, or not ours to read
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    private static String readLink(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
            return "";
        }
    }
}
