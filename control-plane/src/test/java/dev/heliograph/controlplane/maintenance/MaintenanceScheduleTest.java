package dev.heliograph.controlplane.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heliograph.domain.OrgId;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.Target;
import dev.heliograph.domain.TargetId;
import dev.heliograph.domain.TcpSpec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The in-memory schedule with a controlled clock and windows handed in directly (its source is a
 * function; the store is tested against PostgreSQL in {@code MaintenanceWindowApiIT}). Boundaries are
 * real Vert.x timers of a few hundred milliseconds: the clock is set just before a boundary and runs
 * on from there.
 */
class MaintenanceScheduleTest {
    private static final OrgId ACME = new OrgId(UUID.fromString("00000000-0000-0000-0000-00000000aaaa"));
    private static final OrgId GLOBEX = new OrgId(UUID.fromString("00000000-0000-0000-0000-00000000bbbb"));
    private static final Instant NOON = Instant.parse("2026-03-29T12:00:00Z");
    private static final ZoneId UTC = ZoneId.of("UTC");

    private final Vertx vertx = Vertx.vertx();
    private final AtomicReference<List<MaintenanceWindow>> stored = new AtomicReference<>(List.of());

    @AfterEach
    void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private MaintenanceSchedule deploy(Clock clock) throws Exception {
        MaintenanceSchedule schedule = new MaintenanceSchedule(() -> Future.succeededFuture(stored.get()), clock, Duration.ofHours(1));
        vertx.deployVerticle(schedule).await(10, TimeUnit.SECONDS);
        return schedule;
    }

    private static Target target(OrgId org, String... tags) {
        return new Target(TargetId.random(), org, "t", new TcpSpec("127.0.0.1", 9, null, null), Duration.ofSeconds(60),
                Duration.ofSeconds(2), List.of(new RegionId("local")), Set.of(tags), true, NOON, NOON, 1);
    }

    /** A one-off window of {@code org} in UTC from {@code start} for {@code duration}. */
    private static MaintenanceWindow window(OrgId org, MaintenanceMode mode, Instant start, Duration duration,
                                            Set<TargetId> ids, Set<String> tags, boolean enabled) {
        WindowSettings settings = new WindowSettings("w-" + UUID.randomUUID(), LocalDateTime.ofInstant(start, ZoneOffset.UTC), UTC,
                duration, null, mode, ids, tags, enabled);
        return new MaintenanceWindow(MaintenanceWindowId.random(), org, "k", settings, NOON, NOON, 1);
    }

    private static MaintenanceWindow daily(OrgId org, MaintenanceMode mode, String startsAt, Duration duration, Set<String> tags) {
        WindowSettings settings = new WindowSettings("daily", LocalDateTime.parse(startsAt), UTC, duration,
                Recurrence.parse("FREQ=DAILY"), mode, Set.of(), tags, true);
        return new MaintenanceWindow(MaintenanceWindowId.random(), org, "daily", settings, NOON, NOON, 1);
    }

    @Test
    void pauseWinsOverMuteAndOnlyEnabledWindowsOfTheTargetsOwnOrgCount() throws Exception {
        Target db = target(ACME, "db");
        Target web = target(ACME, "web");
        Target otherOrgDb = target(GLOBEX, "db");
        stored.set(List.of(
                window(ACME, MaintenanceMode.MUTE, NOON, Duration.ofHours(1), Set.of(), Set.of("db"), true),
                window(ACME, MaintenanceMode.PAUSE, NOON, Duration.ofMinutes(30), Set.of(db.id()), Set.of(), true),
                window(ACME, MaintenanceMode.PAUSE, NOON, Duration.ofHours(1), Set.of(), Set.of("web"), false)));
        MaintenanceSchedule schedule = deploy(Clock.fixed(NOON, UTC));

        assertThat(schedule.modeAt(db, NOON.plusSeconds(60))).isEqualTo(MaintenanceMode.PAUSE);
        assertThat(schedule.modeAt(db, NOON.plus(Duration.ofMinutes(45)))).isEqualTo(MaintenanceMode.MUTE);
        assertThat(schedule.modeAt(db, NOON.plus(Duration.ofHours(1)))).isEqualTo(MaintenanceMode.NONE);
        assertThat(schedule.modeAt(db, NOON.minusSeconds(1))).isEqualTo(MaintenanceMode.NONE);
        assertThat(schedule.modeAt(web, NOON.plusSeconds(60))).as("its only window is disabled").isEqualTo(MaintenanceMode.NONE);
        assertThat(schedule.modeAt(otherOrgDb, NOON.plusSeconds(60))).as("another org's tag").isEqualTo(MaintenanceMode.NONE);
    }

    @Test
    void recurringWindowMutesAcrossADaylightSavingChange() throws Exception {
        // Weekly on Sunday 02:30 Berlin for 2 h, asked on the spring-forward Sunday: 02:30 does not exist,
        // so the window runs 03:30-05:30 CEST (01:30Z-03:30Z) that day.
        WindowSettings settings = new WindowSettings("sunday", LocalDateTime.parse("2026-03-22T02:30:00"),
                ZoneId.of("Europe/Berlin"), Duration.ofHours(2), Recurrence.parse("FREQ=WEEKLY;BYDAY=SU"), MaintenanceMode.MUTE,
                Set.of(), Set.of("db"), true);
        stored.set(List.of(new MaintenanceWindow(MaintenanceWindowId.random(), ACME, "sunday", settings, NOON, NOON, 1)));
        MaintenanceSchedule schedule = deploy(Clock.fixed(Instant.parse("2026-03-29T01:45:00Z"), UTC));
        Target db = target(ACME, "db");

        assertThat(schedule.modeAt(db, Instant.parse("2026-03-29T01:29:59Z"))).isEqualTo(MaintenanceMode.NONE);
        assertThat(schedule.modeAt(db, Instant.parse("2026-03-29T01:45:00Z"))).isEqualTo(MaintenanceMode.MUTE);
        assertThat(schedule.modeAt(db, Instant.parse("2026-03-29T03:29:59Z"))).isEqualTo(MaintenanceMode.MUTE);
        assertThat(schedule.modeAt(db, Instant.parse("2026-03-29T03:30:00Z"))).isEqualTo(MaintenanceMode.NONE);
        // A week later (summer time) the window is at 02:30 CEST again, i.e. 00:30Z: an hour earlier in UTC than in winter.
        assertThat(schedule.modeAt(db, Instant.parse("2026-04-05T00:30:00Z"))).isEqualTo(MaintenanceMode.MUTE);
        assertThat(schedule.muted(db, Instant.parse("2026-03-29T00:00:00Z"), Instant.parse("2026-03-29T02:00:00Z")))
                .containsExactly(new Interval(Instant.parse("2026-03-29T01:30:00Z"), Instant.parse("2026-03-29T02:00:00Z")));
    }

    @Test
    void mutedTimeIsMergedCutToTheRangeAndLeavesPauseWindowsOut() throws Exception {
        Target db = target(ACME, "db");
        stored.set(List.of(
                window(ACME, MaintenanceMode.MUTE, NOON, Duration.ofMinutes(30), Set.of(db.id()), Set.of(), true),
                window(ACME, MaintenanceMode.MUTE, NOON.plus(Duration.ofMinutes(20)), Duration.ofMinutes(30), Set.of(), Set.of("db"), true),
                window(ACME, MaintenanceMode.PAUSE, NOON.plus(Duration.ofHours(2)), Duration.ofMinutes(30), Set.of(), Set.of("db"), true),
                daily(ACME, MaintenanceMode.MUTE, "2026-03-01T23:00:00", Duration.ofMinutes(10), Set.of("db"))));
        MaintenanceSchedule schedule = deploy(Clock.fixed(NOON, UTC));

        assertThat(schedule.muted(db, NOON.plus(Duration.ofMinutes(10)), NOON.plus(Duration.ofHours(12)))).containsExactly(
                new Interval(NOON.plus(Duration.ofMinutes(10)), NOON.plus(Duration.ofMinutes(50))),
                new Interval(Instant.parse("2026-03-29T23:00:00Z"), Instant.parse("2026-03-29T23:10:00Z")));
        assertThat(schedule.muted(db, NOON, NOON)).isEmpty();
    }

    @Test
    void pausedTargetIsHandedOnAsADisabledCopyAndOtherwiseUnchanged() throws Exception {
        Target db = target(ACME, "db");
        stored.set(List.of(window(ACME, MaintenanceMode.PAUSE, NOON, Duration.ofHours(1), Set.of(), Set.of("db"), true)));

        Target during = deploy(Clock.fixed(NOON.plusSeconds(1), UTC)).withPause(db);
        Target after = deploy(Clock.fixed(NOON.plus(Duration.ofHours(1)), UTC)).withPause(db);

        assertThat(during.enabled()).isFalse();
        assertThat(during).usingRecursiveComparison().ignoringFields("enabled").isEqualTo(db);
        assertThat(after).isSameAs(db);
    }

    @Test
    void listenerHearsTheOrgWhenItsWindowStartsAndEndsAtTheBoundaries() throws Exception {
        Instant start = Instant.now().plusSeconds(5).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        // The clock reads 300 ms before the start now, and runs on in real time.
        Clock clock = Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), start.minusMillis(300)));
        stored.set(List.of(window(ACME, MaintenanceMode.MUTE, start, Duration.ofMillis(400), Set.of(), Set.of("db"), true),
                window(GLOBEX, MaintenanceMode.MUTE, start.plus(Duration.ofHours(1)), Duration.ofMinutes(1), Set.of(), Set.of("db"), true)));
        MaintenanceSchedule schedule = deploy(clock);
        List<OrgId> told = new CopyOnWriteArrayList<>();
        List<Instant> toldAt = new CopyOnWriteArrayList<>();
        List<Boolean> onEventLoop = new CopyOnWriteArrayList<>();
        schedule.addListener(org -> {
            told.add(org);
            toldAt.add(clock.instant());
            onEventLoop.add(io.vertx.core.Context.isOnEventLoopThread());
        });

        dev.heliograph.controlplane.Await.until("the listener hears start and end", Duration.ofSeconds(3), () -> told.size() >= 2);

        assertThat(told).containsExactly(ACME, ACME);
        assertThat(toldAt.get(0)).isAfterOrEqualTo(start);
        assertThat(toldAt.get(1)).isAfterOrEqualTo(start.plusMillis(400));
        assertThat(onEventLoop).containsExactly(true, true);
        assertThat(schedule.modeAt(target(ACME, "db"), start.plusMillis(200))).isEqualTo(MaintenanceMode.MUTE);
    }

    @Test
    void reloadTellsOnlyTheOrgsWhoseWindowsWereCreatedChangedOrDeleted() throws Exception {
        MaintenanceWindow acme = window(ACME, MaintenanceMode.MUTE, NOON, Duration.ofHours(1), Set.of(), Set.of("db"), true);
        stored.set(List.of(acme));
        MaintenanceSchedule schedule = deploy(Clock.fixed(NOON.minus(Duration.ofDays(1)), UTC));
        List<OrgId> told = new CopyOnWriteArrayList<>();
        schedule.addListener(told::add);

        schedule.reload().await(10, TimeUnit.SECONDS);
        assertThat(told).as("nothing changed").isEmpty();

        List<MaintenanceWindow> next = new ArrayList<>(stored.get());
        next.add(window(GLOBEX, MaintenanceMode.PAUSE, NOON, Duration.ofHours(1), Set.of(), Set.of("db"), true));
        stored.set(next);
        schedule.reload().await(10, TimeUnit.SECONDS);
        assertThat(told).containsExactly(GLOBEX);

        stored.set(List.of(new MaintenanceWindow(acme.id(), ACME, acme.key(), acme.settings(), NOON, NOON, 2), next.get(1)));
        schedule.reload().await(10, TimeUnit.SECONDS);
        stored.set(List.of(next.get(1)));
        schedule.reload().await(10, TimeUnit.SECONDS);
        assertThat(told).containsExactly(GLOBEX, ACME, ACME);
    }

    @Test
    void failedReloadKeepsTheWindowsInForce() throws Exception {
        Target db = target(ACME, "db");
        stored.set(List.of(window(ACME, MaintenanceMode.PAUSE, NOON, Duration.ofHours(1), Set.of(), Set.of("db"), true)));
        AtomicReference<Boolean> failing = new AtomicReference<>(false);
        MaintenanceSchedule schedule = new MaintenanceSchedule(() -> failing.get()
                ? Future.failedFuture(new IllegalStateException("postgres down")) : Future.succeededFuture(stored.get()),
                Clock.fixed(NOON, UTC), Duration.ofHours(1));
        vertx.deployVerticle(schedule).await(10, TimeUnit.SECONDS);

        failing.set(true);
        assertThatThrownBy(() -> schedule.reload().await(10, TimeUnit.SECONDS)).hasMessageContaining("postgres down");
        assertThat(schedule.modeAt(db, NOON)).isEqualTo(MaintenanceMode.PAUSE);
    }
}
