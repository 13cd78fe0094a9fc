package dev.heliograph.controlplane.storage.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Muted spans as whole minutes of the rollup and the SQL conditions they become. */
class ExcludedMinutesTest {
    private static final Instant FROM = Instant.parse("2026-03-29T10:00:00Z");
    private static final Instant TO = Instant.parse("2026-03-29T11:00:00Z");

    private static ExcludedMinutes.Span span(String start, String end) {
        return new ExcludedMinutes.Span(Instant.parse(start), Instant.parse(end));
    }

    @Test
    void spanIsWidenedToEveryMinuteItTouches() {
        ExcludedMinutes minutes = ExcludedMinutes.of(FROM, TO, List.of(span("2026-03-29T10:05:30Z", "2026-03-29T10:07:00.001Z")));

        assertThat(minutes.seconds()).isEqualTo(180); // 10:05, 10:06, 10:07
        assertThat(minutes.sql()).isEqualTo(" AND minute NOT IN (SELECT toDateTime(first + 60 * arrayJoin(range(toUInt64(length)))) "
                + "FROM (SELECT arrayJoin(arrayMap((f, n) -> (f, n), [" + Instant.parse("2026-03-29T10:05:00Z").getEpochSecond()
                + "], [3])) AS span, span.1 AS first, span.2 AS length))");
    }

    @Test
    void spansAreCutToTheRangeAndMergedWhenTheyTouchAfterWidening() {
        ExcludedMinutes minutes = ExcludedMinutes.of(FROM, TO, List.of(
                span("2026-03-29T09:00:00Z", "2026-03-29T10:02:00Z"),
                span("2026-03-29T10:02:10Z", "2026-03-29T10:03:00Z"),
                span("2026-03-29T10:50:00Z", "2026-03-29T12:00:00Z")));

        assertThat(minutes.spans()).isEqualTo(2);
        assertThat(minutes.seconds()).isEqualTo(3 * 60 + 10 * 60);
    }

    @Test
    void spansOutsideTheRangeExcludeNothing() {
        ExcludedMinutes minutes = ExcludedMinutes.of(FROM, TO, List.of(span("2026-03-29T08:00:00Z", "2026-03-29T09:00:00Z")));

        assertThat(minutes.spans()).isZero();
        assertThat(minutes.sql()).isEmpty();
        assertThat(ExcludedMinutes.NONE.sql()).isEmpty();
    }

    @Test
    void numbersAreRenderedAsAnArrayLiteral() {
        assertThat(ClickHouseSql.numbers(new long[] {1_774_778_700L, 3})).isEqualTo("[1774778700,3]");
        assertThat(ClickHouseSql.numbers(new long[0])).isEqualTo("[]");
    }

    @Test
    void moreSeparateSpansThanOneQueryHoldsAreRefused() {
        List<ExcludedMinutes.Span> spans = new ArrayList<>();
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i <= ExcludedMinutes.MAX_SPANS; i++) {
            spans.add(new ExcludedMinutes.Span(start.plusSeconds(i * 180L), start.plusSeconds(i * 180L + 60)));
        }

        assertThatThrownBy(() -> ExcludedMinutes.of(start, start.plusSeconds(86_400 * 14), spans))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ExcludedMinutes.of(start, start.plusSeconds(86_400 * 14), spans.subList(0, ExcludedMinutes.MAX_SPANS)).spans())
                .isEqualTo(ExcludedMinutes.MAX_SPANS);
    }
}
