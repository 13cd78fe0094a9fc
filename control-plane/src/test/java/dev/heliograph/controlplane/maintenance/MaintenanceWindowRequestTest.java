package dev.heliograph.controlplane.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heliograph.domain.FieldError;
import dev.heliograph.domain.TargetId;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Validation of a maintenance window body: every problem with the API's field name and a stable code. */
class MaintenanceWindowRequestTest {
    private static final String TARGET = "0190f1c2-7a1e-7c3d-9b0a-1f2e3d4c5b6a";

    /** A valid weekly mute window for tag db, changed by the {@code with...} methods. */
    private record Body(String key, String name, String startsAt, String timeZone, Integer durationS, String rrule, String mode,
                        List<String> targetIds, List<String> tags, Boolean enabled) {
        static Body valid() {
            return new Body(null, "sunday db", "2026-03-29T02:30:00", "Europe/Berlin", 7200, "FREQ=WEEKLY;BYDAY=SU", "mute",
                    null, List.of("db"), null);
        }

        Body startsAt(String value) {
            return new Body(key, name, value, timeZone, durationS, rrule, mode, targetIds, tags, enabled);
        }

        Body timeZone(String value) {
            return new Body(key, name, startsAt, value, durationS, rrule, mode, targetIds, tags, enabled);
        }

        Body durationS(Integer value) {
            return new Body(key, name, startsAt, timeZone, value, rrule, mode, targetIds, tags, enabled);
        }

        Body rrule(String value) {
            return new Body(key, name, startsAt, timeZone, durationS, value, mode, targetIds, tags, enabled);
        }

        Body scope(List<String> ids, List<String> tagList) {
            return new Body(key, name, startsAt, timeZone, durationS, rrule, mode, ids, tagList, enabled);
        }

        Body mode(String value) {
            return new Body(key, name, startsAt, timeZone, durationS, rrule, value, targetIds, tags, enabled);
        }

        MaintenanceWindowRequest.Validation validate() {
            return new MaintenanceWindowRequest(key, name, startsAt, timeZone, durationS, rrule, mode, targetIds, tags, enabled)
                    .validate();
        }
    }

    private static FieldError only(MaintenanceWindowRequest.Validation validation) {
        assertThat(validation.errors()).hasSize(1);
        return validation.errors().getFirst();
    }

    @Test
    void validBodyYieldsSettingsWithDefaults() {
        MaintenanceWindowRequest.Validation validation = Body.valid().validate();

        assertThat(validation.errors()).isEmpty();
        WindowSettings settings = validation.settings();
        assertThat(settings.startsAt()).isEqualTo(LocalDateTime.of(2026, 3, 29, 2, 30));
        assertThat(settings.timeZone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(settings.duration()).isEqualTo(Duration.ofHours(2));
        assertThat(settings.recurrence().text()).isEqualTo("FREQ=WEEKLY;BYDAY=SU");
        assertThat(settings.mode()).isEqualTo(MaintenanceMode.MUTE);
        assertThat(settings.tags()).containsExactly("db");
        assertThat(settings.targetIds()).isEmpty();
        assertThat(settings.enabled()).isTrue();
    }

    @Test
    void oneOffWindowNeedsNoRule() {
        MaintenanceWindowRequest.Validation validation = Body.valid().rrule(null).validate();

        assertThat(validation.errors()).isEmpty();
        assertThat(validation.settings().recurrence()).isNull();
    }

    @ParameterizedTest(name = "starts_at {0} is refused")
    @ValueSource(strings = {"2026-03-29T02:30:00Z", "2026-03-29T02:30:00+02:00", "2026-03-29T02:30-05:00"})
    void startsAtWithAnOffsetIsRefusedBecauseItIsLocalTime(String startsAt) {
        FieldError error = only(Body.valid().startsAt(startsAt).validate());

        assertThat(error.field()).isEqualTo("starts_at");
        assertThat(error.code()).isEqualTo(FieldError.INVALID_FORMAT);
        assertThat(error.message()).contains("without an offset or Z");
    }

    @Test
    void startsAtZIsRefusedEvenInUtc() {
        assertThat(only(Body.valid().timeZone("UTC").startsAt("2026-03-29T02:30:00Z").validate()).field()).isEqualTo("starts_at");
    }

    @ParameterizedTest(name = "starts_at {0}: {1}")
    @CsvSource({"29.03.2026 02:30, INVALID_FORMAT", "2026-02-30T02:30:00, INVALID_FORMAT", "1999-12-31T23:00:00, OUT_OF_RANGE",
            "2026-03-29T02:30:00.5, INVALID_FORMAT"})
    void malformedStartsAtIsRefused(String startsAt, String code) {
        FieldError error = only(Body.valid().startsAt(startsAt).validate());

        assertThat(error.field()).isEqualTo("starts_at");
        assertThat(error.code()).isEqualTo(code);
    }

    @Test
    void startsAtWithoutSecondsIsAccepted() {
        assertThat(Body.valid().startsAt("2026-03-29T02:30").validate().settings().startsAt())
                .isEqualTo(LocalDateTime.of(2026, 3, 29, 2, 30));
    }

    @ParameterizedTest(name = "time_zone {0} is a fixed offset")
    @ValueSource(strings = {"+02:00", "UTC+2", "GMT-05:00", "Z"})
    void fixedOffsetsAreRefusedAsTimeZones(String zone) {
        FieldError error = only(Body.valid().timeZone(zone).validate());

        assertThat(error.field()).isEqualTo("time_zone");
        assertThat(error.message()).contains("not a fixed offset");
    }

    @Test
    void unknownZoneIsRefused() {
        FieldError error = only(Body.valid().timeZone("Europe/Atlantis").validate());

        assertThat(error.field()).isEqualTo("time_zone");
        assertThat(error.message()).contains("not a known IANA zone");
    }

    @Test
    void utcAndEtcZonesAreIanaZones() {
        assertThat(Body.valid().timeZone("UTC").validate().valid()).isTrue();
        assertThat(Body.valid().timeZone("Etc/GMT+5").validate().valid()).isTrue();
    }

    @ParameterizedTest(name = "duration_s {0}")
    @ValueSource(ints = {0, 59, 31_622_401})
    void durationOutsideOneMinuteTo366DaysIsRefused(int seconds) {
        FieldError error = only(Body.valid().durationS(seconds).validate());

        assertThat(error).isEqualTo(new FieldError("duration_s", FieldError.OUT_OF_RANGE,
                "duration_s must be between 60 and 31622400 (366 days)"));
    }

    @ParameterizedTest(name = "rrule {0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "FREQ=WEEKLY;BYDAY=XX|not a valid RFC 5545 recurrence rule",
            "RRULE:FREQ=DAILY|without the 'RRULE:'",
            "DTSTART=20260101T000000;FREQ=DAILY|must not contain DTSTART",
            "FREQ=DAILY;COUNT=3;UNTIL=20260501T000000Z|both COUNT and UNTIL",
            "FREQ=MINUTELY|at most hourly",
            "FREQ=SECONDLY;INTERVAL=30|at most hourly",
            "FREQ=DAILY;BYSECOND=10|must not have BYSECOND",
            "'  '|a rule such as"})
    void badRulesAreRefusedWithAMessageThatSaysWhy(String rule, String message) {
        FieldError error = only(Body.valid().rrule(rule).validate());

        assertThat(error.field()).isEqualTo("rrule");
        assertThat(error.code()).isEqualTo(FieldError.INVALID_FORMAT);
        assertThat(error.message()).contains(message);
    }

    @ParameterizedTest(name = "rrule {0} never occurs")
    @ValueSource(strings = {"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "FREQ=DAILY;UNTIL=20260101T000000Z"})
    void ruleWithoutAnyOccurrenceIsRefused(String rule) {
        FieldError error = only(Body.valid().rrule(rule).validate());

        assertThat(error.field()).isEqualTo("rrule");
        assertThat(error.code()).isEqualTo(MaintenanceWindowRequest.NO_OCCURRENCE);
    }

    @Test
    void windowWithNeitherTargetsNorTagsIsRefused() {
        FieldError error = only(Body.valid().scope(List.of(), null).validate());

        assertThat(error.field()).isEqualTo("target_ids");
        assertThat(error.code()).isEqualTo(FieldError.REQUIRED);
    }

    @Test
    void malformedTargetIdsAndTagsAreReportedByPosition() {
        MaintenanceWindowRequest.Validation validation = Body.valid()
                .scope(List.of(TARGET, "not-a-uuid"), List.of("db", "no spaces")).validate();

        assertThat(validation.errors()).extracting(FieldError::field).containsExactly("target_ids[1]", "tags[1]");
        assertThat(validation.settings()).isNull();
    }

    @Test
    void tooManyTargetIdsOrTagsAreRefused() {
        List<String> ids = Collections.nCopies(1001, TARGET);
        List<String> tags = java.util.stream.IntStream.range(0, 33).mapToObj(i -> "t" + i).toList();

        assertThat(Body.valid().scope(ids, tags).validate().errors()).extracting(FieldError::field, FieldError::code)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("target_ids", FieldError.OUT_OF_RANGE),
                        org.assertj.core.groups.Tuple.tuple("tags", FieldError.OUT_OF_RANGE));
    }

    @Test
    void unknownTargetsAreReportedAtTheirPositionInTheRequest() {
        String other = "0190f1c2-7a1e-7c3d-9b0a-1f2e3d4c5b6f";
        MaintenanceWindowRequest request = new MaintenanceWindowRequest(null, "w", "2026-03-29T02:30:00", "UTC", 3600, null,
                "pause", List.of(TARGET, other), null, null);

        assertThat(request.unknownTargets(Set.of(TargetId.parse(other))))
                .containsExactly(new FieldError("target_ids[1]", MaintenanceWindowRequest.UNKNOWN_TARGET,
                        "the org has no target with id " + other));
    }

    @Test
    void everyMissingRequiredFieldIsListedAtOnce() {
        MaintenanceWindowRequest.Validation validation = new MaintenanceWindowRequest(null, null, null, null, null, null, null,
                null, null, null).validate();

        assertThat(validation.errors()).extracting(FieldError::field)
                .containsExactly("name", "starts_at", "time_zone", "duration_s", "mode", "target_ids");
        assertThat(validation.occurrences()).isNull();
    }

    @Test
    void occurrencesAreAvailableWhileOnlyTheScopeIsInvalidSoAPreviewCanShowThem() {
        MaintenanceWindowRequest.Validation validation = Body.valid().scope(null, null).mode("sometimes").validate();

        assertThat(validation.valid()).isFalse();
        assertThat(validation.occurrences()).isNotNull();
    }

    @Test
    void badKeyIsRefused() {
        MaintenanceWindowRequest.Validation validation = new MaintenanceWindowRequest("has space", "w", "2026-03-29T02:30:00",
                "UTC", 3600, null, "mute", null, List.of("db"), false).validate();

        assertThat(only(validation).field()).isEqualTo("key");
    }
}
