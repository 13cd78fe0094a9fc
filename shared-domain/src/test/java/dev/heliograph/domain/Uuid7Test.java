package dev.heliograph.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class Uuid7Test {
    @Test
    void idsAreVersion7AndCarryTheirTime() {
        UUID id = Uuid7.at(1_763_770_000_123L);
        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(Uuid7.epochMs(id)).isEqualTo(1_763_770_000_123L);
    }

    @Test
    void idsMadeInOneProcessStrictlyIncreaseAlsoWithinOneMillisecond() {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(Uuid7.at(1_763_770_000_000L));
        }
        for (int i = 1; i < ids.size(); i++) {
            assertThat(Uuid7.compare(ids.get(i - 1), ids.get(i))).isNegative();
            assertThat(ids.get(i - 1).toString()).isLessThan(ids.get(i).toString());
        }
    }
}
