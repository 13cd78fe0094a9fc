package dev.heliograph.loadtest;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A private nginx (Debian's package) as a benchmark target: its own config and prefix under
 * {@code .data/bench/nginx/}, one worker, listening on 127.0.0.1 on a free port, answering every
 * request with {@code 200 ok} (2 bytes) without logging it. Stopped by {@link #close()}.
 */
public final class Nginx implements AutoCloseable {
    private final ExternalProcess process;
    private final int port;

    private Nginx(ExternalProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Writes the config and starts nginx in the foreground; waits (at most 10 s) until it accepts.
     *
     * @throws IOException nginx is not installed or did not start (the message carries its log)
     */
    public static Nginx start() throws IOException, InterruptedException {
        Path prefix = Bench.scratch().resolve("nginx");
        Files.createDirectories(prefix.resolve("logs"));
        int port = Bench.freePort();
        String config = """
                daemon off;
                master_process on;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/logs/error.log warn;
                worker_rlimit_nofile 16384;
                events { worker_connections 8192; multi_accept on; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/tmp-body;
                    proxy_temp_path %1$s/tmp-proxy;
                    fastcgi_temp_path %1$s/tmp-fastcgi;
                    uwsgi_temp_path %1$s/tmp-uwsgi;
                    scgi_temp_path %1$s/tmp-scgi;
                    keepalive_requests 1000000;
                    server {
                        listen 127.0.0.1:%2$d backlog=4096 reuseport;
                        location / { default_type text/plain; return 200 "ok"; }
                    }
                }
                """.formatted(prefix, port);
        Path file = prefix.resolve("nginx.conf");
        Files.writeString(file, config);
        String binary = Files.isExecutable(Path.of("/usr/sbin/nginx")) ? "/usr/sbin/nginx" : "nginx";
        ExternalProcess process = ExternalProcess.start("nginx", List.of(binary, "-p", prefix.toString(), "-c", file.toString()));
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return new Nginx(process, port);
            } catch (IOException notYet) {
                if (!process.alive() || System.currentTimeMillis() > deadline) {
                    process.close();
                    throw new IOException("nginx did not start: " + ExternalProcess.tail(Files.readString(process.log())));
                }
                Thread.sleep(50);
            }
        }
    }

    /** The port it listens on (127.0.0.1). */
    public int port() {
        return port;
    }

    /** Its URL, {@code http://127.0.0.1:<port>/}. */
    public String url() {
        return "http://127.0.0.1:" + port + "/";
    }

    /** CPU seconds of nginx's master and worker so far. */
    public double cpuSeconds() throws IOException {
        double total = process.cpuSeconds();
        for (ProcessHandle child : ProcessHandle.of(process.pid()).map(p -> p.children().toList()).orElse(List.of())) {
            total += ExternalProcess.cpuSeconds(child.pid());
        }
        return total;
    }

    /** Stops nginx. */
    @Override
    public void close() {
        process.close();
    }
}
