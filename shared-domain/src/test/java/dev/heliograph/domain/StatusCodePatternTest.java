package dev.heliograph.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class StatusCodePatternTest {
    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource({"200, 200, true", "200, 201, false", "2xx, 299, true", "2XX, 300, false", "200-204, 204, true",
            "200-204, 205, false", "5xx, 503, true"})
    void matches(String pattern, int code, boolean expected) {
        assertThat(StatusCodePattern.parse(pattern).matches(code)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} is refused")
    @ValueSource(strings = {"", "20", "600", "6xx", "2x", "300-200", "abc", "200 "})
    void refusesBadPatterns(String pattern) {
        assertThatThrownBy(() -> StatusCodePattern.parse(pattern)).isInstanceOf(IllegalArgumentException.class);
    }
}
