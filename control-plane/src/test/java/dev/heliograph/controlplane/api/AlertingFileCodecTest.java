package dev.heliograph.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.controlplane.api.ConfigFile.Format;
import dev.heliograph.probe.codec.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The alerting file as written by an export: its shape, references by key, masked secrets, and types that survive YAML. */
class AlertingFileCodecTest {
    private static JsonNode written(Format format) {
        return ConfigFile.read(format, AlertingFileCodec.write(format, AlertingFixtures.contents()), "the file");
    }

    @Test
    void listsComeInFileOrderEachSortedByKeyWithEveryFieldSpelledOut() {
        String yaml = AlertingFileCodec.write(Format.YAML, AlertingFixtures.contents());
        assertThat(yaml).startsWith("version: 1\nalert_channels:\n  - key: \"0x1F\"\n");
        JsonNode file = ConfigFile.read(Format.YAML, yaml, "the file");
        assertThat(names(file)).containsExactly("version", "alert_channels", "notification_policies", "maintenance_windows");
        assertThat(file.path("alert_channels").findValuesAsText("key")).containsExactly("0x1F", "oncall");
        assertThat(names(file.path("alert_channels").get(1)))
                .containsExactly("key", "name", "kind", "settings", "rate_limit_per_minute", "enabled");
        assertThat(names(file.path("notification_policies").get(0))).containsExactly("key", "name", "events", "severities", "tags",
                "regions", "channels", "reminder_interval_s", "enabled");
        assertThat(names(file.path("maintenance_windows").get(0))).containsExactly("key", "name", "starts_at", "time_zone",
                "duration_s", "rrule", "mode", "targets", "tags", "enabled");
        assertThat(file.path("notification_policies").get(0).path("events").toString()).isEqualTo("[\"opened\",\"resolved\"]");
        assertThat(file.path("notification_policies").get(0).path("tags").toString()).isEqualTo("[\"1_000\",\"prod\"]");
    }

    @Test
    void policiesNameChannelsAndWindowsNameTargetsByKeyLeavingOutWhatIsGone() {
        JsonNode file = written(Format.JSON);
        assertThat(file.path("notification_policies").get(0).path("channels").toString()).isEqualTo("[\"oncall\"]");
        JsonNode window = file.path("maintenance_windows").get(0);
        assertThat(window.path("targets").toString()).isEqualTo("[\"shop-db\"]");
        assertThat(window.path("starts_at").asText()).isEqualTo("2026-03-29T02:30:00");
        assertThat(window.path("rrule").asText()).isEqualTo("FREQ=WEEKLY;BYDAY=SU");
        String text = AlertingFileCodec.write(Format.JSON, AlertingFixtures.contents());
        assertThat(text).as("no id of any item").doesNotContain(AlertingFixtures.WEBHOOK.id().toString())
                .doesNotContain(AlertingFixtures.POLICY.id().toString()).doesNotContain(AlertingFixtures.SHOP_DB.toString())
                .doesNotContain(AlertingFixtures.WINDOW.id().toString());
    }

    @Test
    void secretsAreMaskedAsTheChannelApiAnswersThem() {
        String yaml = AlertingFileCodec.write(Format.YAML, AlertingFixtures.contents());
        assertThat(yaml).doesNotContain(AlertingFixtures.WEBHOOK_SECRET).doesNotContain("s3cret").doesNotContain("sre");
        JsonNode channels = ConfigFile.read(Format.YAML, yaml, "the file").path("alert_channels");
        assertThat(channels.get(1).path("settings"))
                .isEqualTo(Json.MAPPER.valueToTree(AlertChannelView.of(AlertingFixtures.WEBHOOK)).path("settings"));
        assertThat(channels.get(1).path("settings").toString())
                .isEqualTo("{\"url\":\"https://hooks.example.com/x\",\"secret\":\"***\",\"headers\":{\"X-Team\":\"***\"}}");
        assertThat(channels.get(0).path("settings").toString()).isEqualTo("{\"url\":\"***\"}");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Format.class)
    void everyValueReadsBackWithItsType(Format format) {
        JsonNode read = written(format);
        assertThat(read).isEqualTo(written(Format.JSON));
        JsonNode slack = read.path("alert_channels").get(0);
        assertThat(slack.path("key").isTextual()).isTrue();
        assertThat(slack.path("name").textValue()).as("'no' stays a string").isEqualTo("no");
        assertThat(slack.path("enabled").isBoolean()).isTrue();
        assertThat(slack.path("rate_limit_per_minute").isInt()).isTrue();
        assertThat(read.path("maintenance_windows").get(0).path("duration_s").intValue()).isEqualTo(7200);
    }

    @Test
    void anOrgWithoutAlertingExportsEmptyLists() {
        String yaml = AlertingFileCodec.write(Format.YAML, new AlertingFileCodec.Contents(List.of(), List.of(), List.of(), Map.of()));
        assertThat(yaml).isEqualTo("version: 1\nalert_channels: []\nnotification_policies: []\nmaintenance_windows: []\n");
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new java.util.ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
