package dev.heliograph.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heliograph.controlplane.api.ConfigFile.Format;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Planning an alerting file against an org's stored alerting, without a database: what each item
 * becomes, references by key inside the file, masked secrets, and every problem listed at once.
 */
class AlertingPlanTest {
    /** A plan and the problems found while making it. */
    private record Planned(AlertingPlan plan, AlertingPlan.Problems problems) {
        List<String> steps() {
            return ((List<?>) plan.answer(true, false, Map.of()).get("items")).stream().map(item -> {
                Map<?, ?> map = (Map<?, ?>) item;
                return map.get("action") + " " + map.get("kind") + " " + map.get("key")
                        + (map.containsKey("fields") ? " " + map.get("fields") : "");
            }).toList();
        }

        /** {@code path:CODE} of every problem, as the 422 or 409 lists them. */
        List<String> problemFields() {
            ApiException failure = problems.failure();
            if (failure == null) {
                return List.of();
            }
            return ((List<?>) failure.details().get("fields")).stream().map(f -> ((Map<?, ?>) f).get("field") + ":"
                    + ((Map<?, ?>) f).get("code")).toList();
        }
    }

    private static ObjectNode exported() {
        return (ObjectNode) ConfigFile.read(Format.JSON, AlertingFileCodec.write(Format.JSON, AlertingFixtures.contents()), "the file");
    }

    private static Planned plan(JsonNode file, boolean prune) {
        AlertingPlan.Problems problems = AlertingPlan.Problems.create();
        AlertingPlan.Items items = AlertingPlan.bind(file, problems);
        return new Planned(AlertingPlan.of(items, AlertingFixtures.stored(), prune, AlertingFixtures.channelRules(), problems), problems);
    }

    private static ObjectNode item(ObjectNode file, String list, int index) {
        return (ObjectNode) file.path(list).get(index);
    }

    @Test
    void anExportPlansNothingButUnchanged() {
        Planned planned = plan(exported(), false);
        assertThat(planned.problemFields()).isEmpty();
        assertThat(planned.steps()).containsExactly("unchanged alert_channel 0x1F", "unchanged alert_channel oncall",
                "unchanged notification_policy pager", "unchanged maintenance_window sunday-db");
        assertThat(planned.plan().channels.changes() || planned.plan().policies.changes() || planned.plan().windows.changes()).isFalse();
    }

    @Test
    void changedFieldsAreNamedWhileMaskedSecretsAndOrderDoNotCount() {
        ObjectNode file = exported();
        ObjectNode webhook = item(file, "alert_channels", 1);
        ((ObjectNode) webhook.path("settings").path("headers")).put("X-Team", "ops");
        webhook.put("rate_limit_per_minute", 300);
        ObjectNode policy = item(file, "notification_policies", 0);
        ((ArrayNode) policy.path("events")).removeAll().add("resolved").add("opened");
        ((ArrayNode) policy.path("channels")).add("0x1F");
        ((ArrayNode) item(file, "maintenance_windows", 0).path("tags")).add("weekly");
        item(file, "maintenance_windows", 0).put("time_zone", "Europe/Paris");
        assertThat(plan(file, false).steps()).containsExactly("unchanged alert_channel 0x1F",
                "update alert_channel oncall [settings.headers, rate_limit_per_minute]",
                "update notification_policy pager [channels]", "update maintenance_window sunday-db [time_zone, tags]");
    }

    @Test
    void aPolicyMayNameAChannelCreatedByTheSameFileAndItsGeneratedSecretShowsOnce() {
        ObjectNode file = exported();
        ((ArrayNode) file.path("alert_channels")).addObject().put("key", "new-hook").put("name", "new hook").put("kind", "webhook")
                .putObject("settings").put("url", "https://hooks.example.com/new");
        ((ArrayNode) item(file, "notification_policies", 0).path("channels")).add("new-hook");
        Planned planned = plan(file, false);
        assertThat(planned.problemFields()).isEmpty();
        assertThat(planned.steps()).contains("create alert_channel new-hook", "update notification_policy pager [channels]");
        var policy = planned.plan().policies.steps(KeyedPlan.UPDATE).getFirst().draft();
        assertThat(policy.channels()).containsExactly(AlertingFixtures.WEBHOOK.id(), planned.plan().channelId("new-hook"));

        List<?> items = (List<?>) planned.plan().answer(false, false, Map.of()).get("items");
        Map<?, ?> created = (Map<?, ?>) items.stream().filter(i -> "new-hook".equals(((Map<?, ?>) i).get("key"))).findFirst().orElseThrow();
        assertThat((String) created.get("webhook_secret")).startsWith("whsec_");
        assertThat(((List<?>) planned.plan().answer(true, false, Map.of()).get("items")).stream()
                .noneMatch(i -> ((Map<?, ?>) i).containsKey("webhook_secret"))).as("a dry run shows no secret").isTrue();
    }

    @Test
    void everyBadItemOfEveryListIsListedWithItsPath() {
        ObjectNode file = exported();
        item(file, "alert_channels", 0).put("key", "oncall");
        ((ObjectNode) item(file, "alert_channels", 1).path("settings")).put("url", "ftp://hooks.example.com/x");
        ObjectNode policy = item(file, "notification_policies", 0);
        policy.remove("key");
        ((ArrayNode) policy.path("channels")).removeAll().add("nowhere").add("oncall");
        policy.put("reminder_interval_s", 5);
        ObjectNode window = item(file, "maintenance_windows", 0);
        ((ArrayNode) window.path("targets")).add("no-such-target");
        window.put("colour", "blue"); // an item that does not bind is listed for that alone
        ((ArrayNode) file.path("maintenance_windows")).addObject().put("key", "w2").put("name", "w2").put("starts_at", "2026-01-01T00:00")
                .put("time_zone", "UTC").put("duration_s", 600).put("mode", "pause").putArray("targets").add("gone");
        assertThat(plan(file, false).problemFields()).containsExactly(
                "alert_channels[0].settings.url:SECRET_NOT_SET",
                // Pointed elsewhere, the webhook's masked header has nothing to keep (the channel API's rule).
                "alert_channels[1].settings.headers.X-Team:SECRET_NOT_SET",
                "alert_channels[1].settings.url:INVALID_FORMAT", "alert_channels[1].key:DUPLICATE",
                "notification_policies[0].key:REQUIRED", "notification_policies[0].channels[0]:UNKNOWN_CHANNEL",
                "notification_policies[0].reminder_interval_s:OUT_OF_RANGE",
                "maintenance_windows[0].colour:UNKNOWN_FIELD",
                "maintenance_windows[1].targets[0]:UNKNOWN_TARGET");
    }

    @Test
    void windowErrorsOfTheApiNameTheFilesField() {
        ObjectNode file = exported();
        ObjectNode window = item(file, "maintenance_windows", 0);
        ((ArrayNode) window.path("targets")).add("no-such-target");
        window.put("time_zone", "+02:00");
        window.remove("tags");
        ((ArrayNode) file.path("maintenance_windows")).addObject().put("key", "w2").put("name", "w2").put("starts_at", "2026-01-01T00:00")
                .put("time_zone", "UTC").put("duration_s", 600).put("mode", "pause");
        assertThat(plan(file, false).problemFields()).containsExactly("maintenance_windows[0].targets[1]:UNKNOWN_TARGET",
                "maintenance_windows[0].time_zone:INVALID_FORMAT", "maintenance_windows[1].targets:REQUIRED");
    }

    @Test
    void withPruneOnlyTheFilesOwnChannelsMayBeNamed() {
        ObjectNode file = exported();
        ((ArrayNode) file.path("alert_channels")).remove(1);
        assertThat(plan(file, false).problemFields()).as("without prune the org's channel stays and may be named").isEmpty();
        Planned pruned = plan(file, true);
        assertThat(pruned.problemFields()).containsExactly("notification_policies[0].channels[0]:UNKNOWN_CHANNEL");

        ((ArrayNode) item(file, "notification_policies", 0).path("channels")).removeAll().add("0x1F");
        assertThat(plan(file, true).steps()).containsExactly("unchanged alert_channel 0x1F", "delete alert_channel oncall",
                "update notification_policy pager [channels]", "unchanged maintenance_window sunday-db");
    }

    @Test
    void aMaskedSecretIsKeptOnlyWhereItWasStoredAndWhileItsDestinationStays() {
        ObjectNode file = exported();
        ObjectNode webhook = item(file, "alert_channels", 1);
        ((ObjectNode) webhook.path("settings")).put("url", "https://elsewhere.example.com/x");
        item(file, "alert_channels", 0).put("key", "slack-2").put("name", "slack 2");
        assertThat(plan(file, false).problemFields()).as("the webhook's own secret travels nowhere and is kept; its header is not")
                .containsExactly("alert_channels[0].settings.url:SECRET_NOT_SET", "alert_channels[1].settings.headers.X-Team:SECRET_NOT_SET");
    }

    @Test
    void aNameHeldByAnItemOutsideTheFileIsAConflictUnlessPruned() {
        ObjectNode file = exported();
        ObjectNode slack = item(file, "alert_channels", 0);
        slack.put("key", "slack-2");
        ((ObjectNode) slack.path("settings")).put("url", "https://hooks.slack.example.com/services/T0/B0/other");
        ApiException taken = plan(file, false).problems().failure();
        assertThat(taken.status()).isEqualTo(409);
        assertThat(taken.code()).isEqualTo("ALERT_CHANNEL_NAME_TAKEN");
        assertThat(plan(file, false).problemFields()).containsExactly("alert_channels[0].name:TAKEN");
        assertThat(plan(file, true).steps()).contains("delete alert_channel 0x1F", "create alert_channel slack-2");
    }
}
