package dev.heliograph.controlplane.alerting.channel;

import dev.heliograph.probe.net.AddressGuard;
import dev.heliograph.probe.net.Cidr;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** The senders as the control plane builds them, for tests whose receivers listen on 127.0.0.1. */
final class LoopbackSenders {
    /** The guard of the tests' configuration: {@code probe.allowed_cidrs: [127.0.0.0/8]}. */
    static final AddressGuard LOOPBACK = new AddressGuard(List.of(Cidr.parse("127.0.0.0/8")));

    private LoopbackSenders() {
    }

    /** Senders allowed to reach loopback, with {@code timeout} per attempt and a 3-minute Alertmanager lease. */
    static ChannelSenders create(Vertx vertx, Duration timeout, Clock clock) {
        return create(vertx, timeout, clock, LOOPBACK);
    }

    /** Senders judging addresses with {@code guard}. */
    static ChannelSenders create(Vertx vertx, Duration timeout, Clock clock, AddressGuard guard) {
        return new ChannelSenders(vertx, new ChannelSenders.Settings(timeout, Duration.ofMinutes(3), Duration.ofSeconds(2),
                Duration.ofSeconds(5), Duration.ofMinutes(5)), () -> guard, clock);
    }
}
