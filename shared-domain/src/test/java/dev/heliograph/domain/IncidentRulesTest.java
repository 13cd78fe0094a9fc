package dev.heliograph.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IncidentRulesTest {
    @ParameterizedTest(name = "quorum {0} of {1} reporting regions needs {2} down")
    @CsvSource({
        "majority, 1, 1",
        "majority, 2, 2",
        "majority, 3, 2",
        "majority, 4, 3",
        "majority, 5, 3",
        "2,        3, 2",
        "2,        1, 2",
        "60%,      3, 2",
        "60%,      5, 3",
        "100%,     3, 3",
        "1%,       3, 1",
        "majority, 0, 1",
    })
    void quorumCountsReportingRegions(String quorum, int reporting, int needed) {
        assertThat(Quorum.parse(quorum).required(reporting)).isEqualTo(needed);
    }

    @ParameterizedTest
    @CsvSource({"0", "-1", "0%", "101%", "half", "''", "1.5"})
    void quorumRefusesWhatIsNotACountOrPercentage(String text) {
        assertThatThrownBy(() -> Quorum.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("quorum must be");
    }

    @Test
    void quorumWireFormRoundTrips() {
        for (String text : new String[] {"majority", "3", "75%"}) {
            assertThat(Quorum.parse(text).wire()).isEqualTo(text);
        }
    }

    @Test
    void retryIntervalDefaultsToTenSecondsOrTheIntervalIfShorter() {
        assertThat(IncidentRules.DEFAULT.retryInterval(Duration.ofSeconds(60))).isEqualTo(Duration.ofSeconds(10));
        assertThat(IncidentRules.DEFAULT.retryInterval(Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(5));
        IncidentRules three = new IncidentRules(2, 2, 3, Quorum.MAJORITY, null);
        assertThat(three.retryInterval(Duration.ofSeconds(60))).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void validationNamesEveryBadField() {
        IncidentRules bad = new IncidentRules(0, 101, 120, Quorum.of(4), "no spaces allowed");

        assertThat(bad.validate(60, 3, "web")).extracting(FieldError::field).containsExactly(
                "incident_rules.failure_threshold", "incident_rules.recovery_threshold", "incident_rules.retry_interval_s",
                "incident_rules.quorum", "incident_rules.parent");
    }

    @Test
    void aTargetCannotBeItsOwnParent() {
        IncidentRules self = new IncidentRules(2, 2, null, Quorum.MAJORITY, "web");

        assertThat(self.validate(60, 1, "web")).extracting(FieldError::code).containsExactly(FieldError.CONFLICT);
        assertThat(self.validate(60, 1, "api")).isEmpty();
    }
}
