package dev.heliograph.probe;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

/**
 * The Vert.x options every Heliograph process runs its engine with: Netty's native epoll transport
 * where the platform has it (Linux x86-64; the library ships in the JAR), else the JDK's NIO. Every
 * check opens a fresh connection, and epoll costs fewer system calls and copies per connection than
 * NIO's selector (issue 6: the fresh-connection path was the throughput benchmark's bottleneck).
 */
public final class EngineVertx {
    private EngineVertx() {
    }

    /** New options preferring the native transport; callers add their own (metrics, say). */
    public static VertxOptions options() {
        return new VertxOptions().setPreferNativeTransport(true);
    }

    /** A Vert.x instance with {@link #options()}. */
    public static Vertx create() {
        return Vertx.vertx(options());
    }
}
