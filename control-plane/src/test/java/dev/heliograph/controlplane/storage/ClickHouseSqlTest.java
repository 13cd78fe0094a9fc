package dev.heliograph.controlplane.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heliograph.controlplane.storage.clickhouse.ClickHouseSql;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ClickHouseSqlTest {
    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "plain|'plain'",
            "it's|'it\\'s'",
            "back\\slash|'back\\\\slash'",
            "'); DROP TABLE x; --|'\\'); DROP TABLE x; --'"})
    void literalsEscapeQuotesAndBackslashes(String input, String expected) {
        assertThat(ClickHouseSql.literal(input)).isEqualTo(expected);
    }

    @Test
    void controlCharactersCannotEndTheLiteral() {
        assertThat(ClickHouseSql.literal("a\nb\tc\0d\u0001")).isEqualTo("'a\\nb\\tc\\0d\\x01'");
    }

    @Test
    void uuidsAndTimesAreTypedValues() {
        UUID id = UUID.fromString("0190a5c2-0000-7000-8000-000000000001");
        assertThat(ClickHouseSql.uuid(id)).isEqualTo("toUUID('0190a5c2-0000-7000-8000-000000000001')");
        assertThat(ClickHouseSql.dateTime(1_763_770_000L)).isEqualTo("toDateTime(1763770000)");
    }
}
