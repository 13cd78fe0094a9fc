package dev.heliograph.controlplane.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Occurrences of windows across daylight-saving changes (RFC 5545 sections 3.3.5 and 3.3.10), with
 * fixed instants only. Berlin springs forward on 2026-03-29 (02:00 CET → 03:00 CEST) and falls back
 * on 2026-10-25 (03:00 CEST → 02:00 CET); New York springs forward on 2026-03-08 (02:00 EST → 03:00
 * EDT) and falls back on 2026-11-01 (02:00 EDT → 01:00 EST). Regression cover for the DST bug of
 * Uptime Kuma (#6233) that issue 13 names.
 */
class OccurrencesTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    private static Occurrences weekly(String startsAt, ZoneId zone, Duration duration, String rule) {
        return new Occurrences(LocalDateTime.parse(startsAt), zone, duration, Recurrence.parse(rule));
    }

    private static Interval interval(String start, String end) {
        return new Interval(Instant.parse(start), Instant.parse(end));
    }

    @Test
    void weeklyBerlinWindowKeepsItsWallClockTimeSoItsUtcTimeMovesAnHourAtSpringForward() {
        Occurrences sundays = weekly("2026-03-15T01:00:00", BERLIN, Duration.ofHours(2), "FREQ=WEEKLY;BYDAY=SU");

        assertThat(sundays.next(3, Instant.parse("2026-03-20T00:00:00Z"))).containsExactly(
                interval("2026-03-22T00:00:00Z", "2026-03-22T02:00:00Z"),   // 01:00 CET
                interval("2026-03-29T00:00:00Z", "2026-03-29T02:00:00Z"),   // 01:00 CET, an hour before the jump
                interval("2026-04-04T23:00:00Z", "2026-04-05T01:00:00Z"));  // 01:00 CEST
    }

    @Test
    void berlinLocalTimeInsideTheSpringForwardGapStartsAnHourLaterLocally() {
        Occurrences sundays = weekly("2026-03-22T02:30:00", BERLIN, Duration.ofHours(1), "FREQ=WEEKLY;BYDAY=SU");

        List<Interval> next = sundays.next(3, Instant.parse("2026-03-22T00:00:00Z"));

        assertThat(next.get(0)).isEqualTo(interval("2026-03-22T01:30:00Z", "2026-03-22T02:30:00Z")); // 02:30 CET
        // 02:30 does not exist on 2026-03-29: read with the offset before the gap (+01:00), i.e. 03:30 CEST.
        assertThat(next.get(1)).isEqualTo(interval("2026-03-29T01:30:00Z", "2026-03-29T02:30:00Z"));
        assertThat(next.get(1).start().atZone(BERLIN).toLocalTime()).hasToString("03:30");
        assertThat(next.get(2)).isEqualTo(interval("2026-04-05T00:30:00Z", "2026-04-05T01:30:00Z")); // 02:30 CEST again
    }

    @Test
    void berlinLocalTimeThatHappensTwiceAtFallBackMeansTheFirstOne() {
        Occurrences sundays = weekly("2026-10-18T02:30:00", BERLIN, Duration.ofMinutes(30), "FREQ=WEEKLY;BYDAY=SU");

        List<Interval> next = sundays.next(3, Instant.parse("2026-10-18T00:00:00Z"));

        assertThat(next).containsExactly(
                interval("2026-10-18T00:30:00Z", "2026-10-18T01:00:00Z"),   // 02:30 CEST
                interval("2026-10-25T00:30:00Z", "2026-10-25T01:00:00Z"),   // 02:30 CEST (first), not 02:30 CET (01:30Z)
                interval("2026-11-01T01:30:00Z", "2026-11-01T02:00:00Z"));  // 02:30 CET
    }

    @Test
    void newYorkLocalTimeInsideTheSpringForwardGapStartsAnHourLaterLocally() {
        Occurrences daily = weekly("2026-03-06T02:30:00", NEW_YORK, Duration.ofHours(1), "FREQ=DAILY");

        List<Interval> next = daily.next(4, Instant.parse("2026-03-06T00:00:00Z"));

        assertThat(next).containsExactly(
                interval("2026-03-06T07:30:00Z", "2026-03-06T08:30:00Z"),   // 02:30 EST
                interval("2026-03-07T07:30:00Z", "2026-03-07T08:30:00Z"),   // 02:30 EST
                interval("2026-03-08T07:30:00Z", "2026-03-08T08:30:00Z"),   // 02:30 missing: 03:30 EDT
                interval("2026-03-09T06:30:00Z", "2026-03-09T07:30:00Z"));  // 02:30 EDT
    }

    @Test
    void newYorkLocalTimeThatHappensTwiceAtFallBackMeansTheFirstOneAndTheDurationIsElapsedTime() {
        Occurrences daily = weekly("2026-10-31T01:30:00", NEW_YORK, Duration.ofHours(2), "FREQ=DAILY");

        List<Interval> next = daily.next(3, Instant.parse("2026-10-31T00:00:00Z"));

        assertThat(next).containsExactly(
                interval("2026-10-31T05:30:00Z", "2026-10-31T07:30:00Z"),   // 01:30 EDT
                interval("2026-11-01T05:30:00Z", "2026-11-01T07:30:00Z"),   // 01:30 EDT (first of two), 2 h elapsed
                interval("2026-11-02T06:30:00Z", "2026-11-02T08:30:00Z"));  // 01:30 EST
        // Two elapsed hours from 01:30 EDT end at 02:30 EST on the wall clock, not 03:30.
        assertThat(next.get(1).end().atZone(NEW_YORK).toLocalTime()).hasToString("02:30");
    }

    @Test
    void hourlyRuleAcrossTheSpringForwardGapCountsTheShiftedHourOnce() {
        Occurrences hourly = weekly("2026-03-29T00:00:00", BERLIN, Duration.ofMinutes(10), "FREQ=HOURLY;COUNT=5");

        assertThat(hourly.next(10, Instant.parse("2026-03-28T00:00:00Z"))).extracting(Interval::start).containsExactly(
                Instant.parse("2026-03-28T23:00:00Z"),   // 00:00 CET
                Instant.parse("2026-03-29T00:00:00Z"),   // 01:00 CET
                Instant.parse("2026-03-29T01:00:00Z"),   // 02:00 missing → 03:00 CEST, the same instant as 03:00
                Instant.parse("2026-03-29T02:00:00Z"));  // 04:00 CEST
    }

    @Test
    void oneOffWindowHasExactlyOneOccurrence() {
        Occurrences once = new Occurrences(LocalDateTime.parse("2026-06-01T22:00:00"), BERLIN, Duration.ofHours(4), null);

        Interval only = interval("2026-06-01T20:00:00Z", "2026-06-02T00:00:00Z");
        assertThat(once.next(5, Instant.parse("2026-01-01T00:00:00Z"))).containsExactly(only);
        assertThat(once.between(Instant.parse("2026-06-01T00:00:00Z"), Instant.parse("2026-06-03T00:00:00Z"))).containsExactly(only);
        assertThat(once.next(5, Instant.parse("2026-06-02T00:00:00Z"))).isEmpty();
        assertThat(once.activeAt(Instant.parse("2026-06-01T23:59:59Z"))).contains(only);
        assertThat(once.activeAt(Instant.parse("2026-06-02T00:00:00Z"))).isEmpty(); // end is exclusive
    }

    @Test
    void windowRunningAcrossMidnightIsActiveOnBothDays() {
        Occurrences nightly = weekly("2026-05-01T23:00:00", ZoneId.of("UTC"), Duration.ofHours(3), "FREQ=DAILY");

        assertThat(nightly.activeAt(Instant.parse("2026-05-04T23:30:00Z")))
                .contains(interval("2026-05-04T23:00:00Z", "2026-05-05T02:00:00Z"));
        assertThat(nightly.activeAt(Instant.parse("2026-05-05T01:59:59Z")))
                .contains(interval("2026-05-04T23:00:00Z", "2026-05-05T02:00:00Z"));
        assertThat(nightly.activeAt(Instant.parse("2026-05-05T02:00:00Z"))).isEmpty();
        assertThat(nightly.activeAt(Instant.parse("2026-05-05T22:59:59Z"))).isEmpty();
    }

    @Test
    void betweenIncludesAnOccurrenceThatStartedBeforeTheRangeAndStillRuns() {
        Occurrences nightly = weekly("2026-05-01T23:00:00", ZoneId.of("UTC"), Duration.ofHours(3), "FREQ=DAILY");

        assertThat(nightly.between(Instant.parse("2026-05-05T01:00:00Z"), Instant.parse("2026-05-06T00:00:00Z"))).containsExactly(
                interval("2026-05-04T23:00:00Z", "2026-05-05T02:00:00Z"),
                interval("2026-05-05T23:00:00Z", "2026-05-06T02:00:00Z"));
    }

    @Test
    void nextListsTheRunningOccurrenceFirstThenTheFollowingOnesInOrder() {
        Occurrences nightly = weekly("2026-05-01T23:00:00", ZoneId.of("UTC"), Duration.ofHours(3), "FREQ=DAILY");

        List<Interval> next = nightly.next(5, Instant.parse("2026-05-10T00:30:00Z"));

        assertThat(next).hasSize(5);
        assertThat(next.getFirst()).isEqualTo(interval("2026-05-09T23:00:00Z", "2026-05-10T02:00:00Z"));
        for (int i = 1; i < next.size(); i++) {
            assertThat(next.get(i).start()).isEqualTo(next.get(i - 1).start().plus(Duration.ofDays(1)));
        }
    }

    @Test
    void untilInUtcIsAnInclusiveBoundOnTheStartInstant() {
        Occurrences sundays = weekly("2026-03-01T10:00:00", BERLIN, Duration.ofHours(1),
                "FREQ=WEEKLY;BYDAY=SU;UNTIL=20260315T090000Z");

        assertThat(sundays.next(10, Instant.parse("2026-01-01T00:00:00Z"))).extracting(Interval::start).containsExactly(
                Instant.parse("2026-03-01T09:00:00Z"), Instant.parse("2026-03-08T09:00:00Z"), Instant.parse("2026-03-15T09:00:00Z"));
    }

    @Test
    void untilAsADateAdmitsOccurrencesStartingOnThatLocalDay() {
        Occurrences daily = weekly("2026-03-01T23:30:00", BERLIN, Duration.ofHours(1), "FREQ=DAILY;UNTIL=20260303");

        assertThat(daily.next(10, Instant.parse("2026-01-01T00:00:00Z"))).hasSize(3);
    }

    @Test
    void stateAtSaysHowLongTheAnswerHolds() {
        Occurrences nightly = weekly("2026-05-01T23:00:00", ZoneId.of("UTC"), Duration.ofHours(3), "FREQ=DAILY");

        assertThat(nightly.stateAt(Instant.parse("2026-05-05T12:00:00Z"))).isEqualTo(new Occurrences.State(false,
                Instant.parse("2026-05-05T02:00:00Z"), Instant.parse("2026-05-05T23:00:00Z")));
        assertThat(nightly.stateAt(Instant.parse("2026-05-05T23:00:00Z"))).isEqualTo(new Occurrences.State(true,
                Instant.parse("2026-05-05T23:00:00Z"), Instant.parse("2026-05-06T02:00:00Z")));
    }

    @Test
    void farFutureQueriesSkipAheadInsteadOfWalkingEveryOccurrence() {
        Occurrences hourly = weekly("2000-01-01T00:00:00", ZoneId.of("UTC"), Duration.ofMinutes(30), "FREQ=HOURLY");

        // Over 1.2 million hourly occurrences lie between; a walk from the start would stop at MAX_STEPS.
        assertThat(hourly.activeAt(Instant.parse("2150-07-01T05:10:00Z")))
                .contains(interval("2150-07-01T05:00:00Z", "2150-07-01T05:30:00Z"));
    }
}
