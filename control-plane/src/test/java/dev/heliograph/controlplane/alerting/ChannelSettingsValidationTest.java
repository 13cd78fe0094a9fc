package dev.heliograph.controlplane.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heliograph.domain.FieldError;
import dev.heliograph.probe.net.AddressGuard;
import dev.heliograph.probe.net.Cidr;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ChannelSettingsValidationTest {
    private static final AddressGuard STRICT = AddressGuard.strict();
    private static final AddressGuard LOOPBACK = new AddressGuard(List.of(Cidr.parse("127.0.0.0/8")));
    /** whsec_ + base64 of 24 bytes: the shortest secret allowed. */
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String ROUTING_KEY = "R0ut1ngKeyR0ut1ngKeyR0ut1ngKey12";

    static Stream<Arguments> validSettings() {
        return Stream.of(
                Arguments.of("webhook", new WebhookSettings("https://hooks.example.com/x", SECRET, Map.of("X-Team", "sre"))),
                Arguments.of("slack", new SlackSettings("https://hooks.slack.com/services/T0/B0/xyz")),
                Arguments.of("email", new EmailSettings("smtp.example.com", null, null, "alerts", "pw", "alerts@example.com",
                        List.of("oncall@example.com", "sre@example.com"))),
                Arguments.of("pagerduty", new PagerDutySettings(ROUTING_KEY, null)),
                Arguments.of("alertmanager", new AlertmanagerSettings("http://alertmanager.example.com:9093", "am", "pw",
                        Map.of("team", "sre"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validSettings")
    void validSettingsOfEveryKindHaveNoErrors(String kind, ChannelSettings settings) {
        assertThat(settings.validate(STRICT)).isEmpty();
        assertThat(settings.kind().wire()).isEqualTo(kind);
    }

    static Stream<Arguments> invalidSettings() {
        return Stream.of(
                Arguments.of("webhook without url", new WebhookSettings(null, SECRET, null), "settings.url", FieldError.REQUIRED),
                Arguments.of("webhook to ftp", new WebhookSettings("ftp://example.com/x", SECRET, null), "settings.url",
                        FieldError.INVALID_FORMAT),
                Arguments.of("webhook with user info", new WebhookSettings("https://u:p@example.com/x", SECRET, null),
                        "settings.url", FieldError.INVALID_FORMAT),
                Arguments.of("webhook to the metadata address", new WebhookSettings("http://169.254.169.254/latest", SECRET, null),
                        "settings.url", FieldError.BLOCKED_ADDRESS),
                Arguments.of("webhook to loopback", new WebhookSettings("http://127.0.0.1:9/x", SECRET, null), "settings.url",
                        FieldError.BLOCKED_ADDRESS),
                Arguments.of("webhook to a mapped private address", new WebhookSettings("http://[::ffff:10.0.0.1]/x", SECRET, null),
                        "settings.url", FieldError.BLOCKED_ADDRESS),
                Arguments.of("webhook without secret", new WebhookSettings("https://example.com/x", null, null), "settings.secret",
                        FieldError.REQUIRED),
                Arguments.of("webhook secret of 16 bytes", new WebhookSettings("https://example.com/x",
                        "whsec_MDEyMzQ1Njc4OWFiY2RlZg==", null), "settings.secret", FieldError.INVALID_FORMAT),
                Arguments.of("webhook secret without prefix", new WebhookSettings("https://example.com/x",
                        "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", null), "settings.secret", FieldError.INVALID_FORMAT),
                Arguments.of("webhook setting its own signature", new WebhookSettings("https://example.com/x", SECRET,
                        Map.of("Webhook-Signature", "v1,x")), "settings.headers.Webhook-Signature", FieldError.CONFLICT),
                Arguments.of("webhook header with a line break", new WebhookSettings("https://example.com/x", SECRET,
                        Map.of("X-Team", "sre\r\nX-Evil: 1")), "settings.headers.X-Team", FieldError.INVALID_FORMAT),
                Arguments.of("webhook header name with a space", new WebhookSettings("https://example.com/x", SECRET,
                        Map.of("X Team", "sre")), "settings.headers.X Team", FieldError.INVALID_FORMAT),
                Arguments.of("webhook with 21 headers", new WebhookSettings("https://example.com/x", SECRET,
                        headers(21)), "settings.headers", FieldError.OUT_OF_RANGE),
                Arguments.of("slack without url", new SlackSettings(null), "settings.url", FieldError.REQUIRED),
                Arguments.of("slack to a private address", new SlackSettings("https://192.168.1.10/services/x"), "settings.url",
                        FieldError.BLOCKED_ADDRESS),
                Arguments.of("email without host", email(null, 25, null, null, "a@example.com", List.of("b@example.com")),
                        "settings.host", FieldError.REQUIRED),
                Arguments.of("email to a private host", email("10.1.2.3", 25, null, null, "a@example.com", List.of("b@example.com")),
                        "settings.host", FieldError.BLOCKED_ADDRESS),
                Arguments.of("email on port 0", email("smtp.example.com", 0, null, null, "a@example.com", List.of("b@example.com")),
                        "settings.port", FieldError.OUT_OF_RANGE),
                Arguments.of("email starttls sometimes", new EmailSettings("smtp.example.com", 25, "sometimes", null, null,
                        "a@example.com", List.of("b@example.com")), "settings.starttls", FieldError.INVALID_FORMAT),
                Arguments.of("email password without username", email("smtp.example.com", 25, null, "pw", "a@example.com",
                        List.of("b@example.com")), "settings.password", FieldError.CONFLICT),
                Arguments.of("email without from", email("smtp.example.com", 25, null, null, null, List.of("b@example.com")),
                        "settings.from", FieldError.REQUIRED),
                Arguments.of("email from a name", email("smtp.example.com", 25, null, null, "alerts", List.of("b@example.com")),
                        "settings.from", FieldError.INVALID_FORMAT),
                Arguments.of("email to nobody", email("smtp.example.com", 25, null, null, "a@example.com", List.of()),
                        "settings.to", FieldError.REQUIRED),
                Arguments.of("email to 51 addresses", email("smtp.example.com", 25, null, null, "a@example.com",
                        Collections.nCopies(51, "b@example.com")), "settings.to", FieldError.OUT_OF_RANGE),
                Arguments.of("email to a bad second address", email("smtp.example.com", 25, null, null, "a@example.com",
                        List.of("b@example.com", "not an address")), "settings.to[1]", FieldError.INVALID_FORMAT),
                Arguments.of("pagerduty without routing key", new PagerDutySettings(null, null), "settings.routing_key",
                        FieldError.REQUIRED),
                Arguments.of("pagerduty routing key of 31", new PagerDutySettings(ROUTING_KEY.substring(1), null),
                        "settings.routing_key", FieldError.INVALID_FORMAT),
                Arguments.of("pagerduty to loopback", new PagerDutySettings(ROUTING_KEY, "http://127.0.0.1:1/v2/enqueue"),
                        "settings.url", FieldError.BLOCKED_ADDRESS),
                Arguments.of("alertmanager without url", new AlertmanagerSettings(null, null, null, null), "settings.url",
                        FieldError.REQUIRED),
                Arguments.of("alertmanager url with a query", new AlertmanagerSettings("http://am.example.com/?x=1", null, null, null),
                        "settings.url", FieldError.INVALID_FORMAT),
                Arguments.of("alertmanager password without username", new AlertmanagerSettings("http://am.example.com", null,
                        "pw", null), "settings.password", FieldError.CONFLICT),
                Arguments.of("alertmanager replacing alertname", new AlertmanagerSettings("http://am.example.com", null, null,
                        Map.of("alertname", "Mine")), "settings.labels.alertname", FieldError.CONFLICT),
                Arguments.of("alertmanager label name with a dash", new AlertmanagerSettings("http://am.example.com", null, null,
                        Map.of("my-team", "sre")), "settings.labels.my-team", FieldError.INVALID_FORMAT),
                Arguments.of("alertmanager empty label value", new AlertmanagerSettings("http://am.example.com", null, null,
                        Map.of("team", "")), "settings.labels.team", FieldError.INVALID_FORMAT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidSettings")
    void invalidSettingsNameTheFieldAndTheCode(String name, ChannelSettings settings, String field, String code) {
        List<FieldError> errors = settings.validate(STRICT);
        assertThat(errors).extracting(FieldError::field, FieldError::code).contains(org.assertj.core.groups.Tuple.tuple(field, code));
        assertThat(errors).allSatisfy(error -> assertThat(error.field()).startsWith("settings"));
    }

    @Test
    void loopbackIsAllowedWhereTheGuardAllowsIt() {
        assertThat(new WebhookSettings("http://127.0.0.1:9/x", SECRET, null).validate(LOOPBACK)).isEmpty();
        assertThat(email("127.0.0.1", 2525, null, null, "a@example.com", List.of("b@example.com")).validate(LOOPBACK)).isEmpty();
    }

    @Test
    void messagesNeverQuoteASecret() {
        List<FieldError> errors = new WebhookSettings("https://example.com/x", "whsec_c2hvcnQ=", Map.of()).validate(STRICT);
        assertThat(errors).extracting(FieldError::message).noneMatch(message -> message.contains("c2hvcnQ"));
    }

    @Test
    void defaultsAreFilledIn() {
        EmailSettings email = email("smtp.example.com", null, null, null, "a@example.com", List.of("b@example.com"));
        assertThat(email.port()).isEqualTo(EmailSettings.DEFAULT_PORT);
        assertThat(email.starttls()).isEqualTo(EmailSettings.REQUIRED);
        assertThat(new PagerDutySettings(ROUTING_KEY, null).url()).isEqualTo(PagerDutySettings.DEFAULT_URL);
        assertThat(AlertChannelDraft.defaultRate(ChannelKind.SLACK)).isEqualTo(60);
        assertThat(AlertChannelDraft.defaultRate(ChannelKind.WEBHOOK)).isEqualTo(600);
    }

    @Test
    void toStringLeavesSecretsOut() {
        assertThat(new WebhookSettings("https://example.com/x", SECRET, Map.of("Authorization", "Bearer t0ken")).toString())
                .doesNotContain("MfKQ9r8").doesNotContain("t0ken");
        assertThat(new SlackSettings("https://hooks.slack.com/services/T0/B0/s3cret").toString()).doesNotContain("s3cret");
        assertThat(new PagerDutySettings(ROUTING_KEY, null).toString()).doesNotContain(ROUTING_KEY);
        assertThat(email("smtp.example.com", 25, "alerts", "pa55word", "a@example.com", List.of("b@example.com")).toString())
                .doesNotContain("pa55word");
        assertThat(new AlertmanagerSettings("http://am.example.com", "am", "pa55word", null).toString()).doesNotContain("pa55word");
    }

    private static EmailSettings email(String host, Integer port, String username, String password, String from, List<String> to) {
        return new EmailSettings(host, port, null, username, password, from, to);
    }

    private static Map<String, String> headers(int count) {
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        IntStream.range(0, count).forEach(i -> headers.put("X-H" + i, "v"));
        return headers;
    }
}
