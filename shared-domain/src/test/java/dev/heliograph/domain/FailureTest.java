package dev.heliograph.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FailureTest {
    @ParameterizedTest
    @EnumSource(Failure.class)
    void wireFormRoundTrips(Failure failure) {
        assertThat(Failure.fromWire(failure.wire())).isSameAs(failure);
        assertThat(failure.wire()).matches("[a-z_]+");
    }

    @ParameterizedTest
    @EnumSource(value = Failure.class, names = {"CIRCUIT_OPEN", "THROTTLED", "POOL_SATURATED", "INTERNAL", "INVALID_SPEC",
            "BLOCKED_SSRF"})
    void resultsThatAreNotObservationsOfTheTargetNeverCount(Failure failure) {
        assertThat(failure.observation()).isFalse();
        assertThat(failure.hostLevel()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = Failure.class, names = {"NONE", "CONNECT_REFUSED", "DNS_NXDOMAIN", "TIMEOUT", "HTTP_STATUS", "SLOW",
            "TCP_EXPECT"})
    void answersAndSilencesOfTheTargetAreObservations(Failure failure) {
        assertThat(failure.observation()).isTrue();
        assertThat(failure.configuration()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = Failure.class, names = {"INVALID_SPEC", "BLOCKED_SSRF"})
    void configurationFailuresAreTheirOwnClass(Failure failure) {
        assertThat(failure.configuration()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = Failure.class, names = {"HTTP_STATUS", "BODY_MISMATCH", "REDIRECT", "TCP_EXPECT", "SLOW"})
    void aTenantsOwnAssertionSaysNothingAboutTheHost(Failure failure) {
        assertThat(failure.hostLevel()).isFalse();
    }

    @org.junit.jupiter.api.Test
    void unknownWireFormIsRefused() {
        assertThatThrownBy(() -> Failure.fromWire("exploded")).isInstanceOf(IllegalArgumentException.class);
    }
}
