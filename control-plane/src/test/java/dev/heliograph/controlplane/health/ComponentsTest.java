package dev.heliograph.controlplane.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ComponentsTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
    private final Components components = new Components(clock);

    @Test
    void componentsStartUnknownAndAreListedInRegistrationOrder() {
        components.register("postgres", true);
        components.register("batcher", false);

        assertThat(components.all()).extracting(ComponentHealth::name).containsExactly("postgres", "batcher");
        assertThat(components.all()).extracting(ComponentHealth::health).containsOnly(HealthState.UNKNOWN);
        assertThat(components.ready()).as("unknown required component").isFalse();
    }

    @Test
    void sinceMovesOnlyWhenTheStateChanges() {
        components.register("postgres", true);
        clock.advance(Duration.ofSeconds(10));
        components.unhealthy("postgres", "connection refused");
        Instant failedAt = clock.instant();
        clock.advance(Duration.ofSeconds(5));
        components.unhealthy("postgres", "timeout");

        ComponentHealth pg = components.get("postgres").orElseThrow();
        assertThat(pg.reason()).isEqualTo("timeout");
        assertThat(pg.since()).isEqualTo(failedAt);

        clock.advance(Duration.ofSeconds(5));
        components.healthy("postgres", "SELECT 1 answered");
        assertThat(components.get("postgres").orElseThrow().since()).isEqualTo(clock.instant());
    }

    @Test
    void readyWhenEveryRequiredComponentIsHealthyWhateverTheOthers() {
        components.register("postgres", true);
        components.register("clickhouse", false);
        components.healthy("postgres", "ok");
        components.unhealthy("clickhouse", "connection refused");

        assertThat(components.ready()).isTrue();
        assertThat(components.allHealthy()).isFalse();

        components.exited("postgres", "closed");
        assertThat(components.ready()).as("an exited required component").isFalse();
    }

    @Test
    void oneComponentsStateNeverChangesAnother() {
        components.register("postgres", true);
        components.register("scheduler", true);
        components.healthy("scheduler", "running");
        components.unhealthy("postgres", "down");

        assertThat(components.get("scheduler").orElseThrow().health()).isEqualTo(HealthState.HEALTHY);
    }

    @Test
    void unknownOrDuplicateNamesAreRefused() {
        components.register("postgres", true);
        assertThatThrownBy(() -> components.healthy("postgress", "typo")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> components.register("postgres", false)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void concurrentReportsLeaveOneConsistentState() throws Exception {
        components.register("batcher", false);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int n = i;
                done.add(threads.submit(() -> {
                    for (int j = 0; j < 1_000; j++) {
                        components.report("batcher", (n + j) % 2 == 0 ? HealthState.HEALTHY : HealthState.UNHEALTHY, "r" + j);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            threads.shutdown();
        }
        ComponentHealth batcher = components.get("batcher").orElseThrow();
        assertThat(batcher.health()).isIn(HealthState.HEALTHY, HealthState.UNHEALTHY);
        assertThat(batcher.reason()).startsWith("r");
    }

    @Test
    void wireNamesAreLowerCase() {
        assertThat(HealthState.UNHEALTHY.wireName()).isEqualTo("unhealthy");
        assertThat(HealthState.EXITED.wireName()).isEqualTo("exited");
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
