package dev.heliograph.controlplane.alerting.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.heliograph.controlplane.alerting.WebhookSettings;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
    /** The Standard Webhooks reference libraries' signing vector (standard-webhooks/standard-webhooks, WebhookTest). */
    private static final String SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long SPEC_TIMESTAMP = 1614265330L;
    private static final String SPEC_BODY = "{\"test\": 2432232314}";
    private static final String SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    @Test
    void signsTheStandardWebhooksTestVector() {
        assertThat(WebhookSignature.sign(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(SPEC_SIGNATURE);
    }

    @Test
    void anyChangeOfIdTimestampOrBodyChangesTheSignature() {
        byte[] body = SPEC_BODY.getBytes(StandardCharsets.UTF_8);
        assertThat(WebhookSignature.sign(SPEC_SECRET, "msg_other", SPEC_TIMESTAMP, body)).isNotEqualTo(SPEC_SIGNATURE);
        assertThat(WebhookSignature.sign(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP + 1, body)).isNotEqualTo(SPEC_SIGNATURE);
        assertThat(WebhookSignature.sign(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8)))
                .isNotEqualTo(SPEC_SIGNATURE);
    }

    @Test
    void refusesASecretWithoutTheWhsecPrefix() {
        assertThatThrownBy(() -> WebhookSignature.sign("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", SPEC_ID, SPEC_TIMESTAMP, new byte[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("MfKQ9r8");
    }

    @Test
    void generatedSecretsAreWhsecAndThirtyTwoFreshRandomBytes() {
        SecureRandom random = new SecureRandom();
        String one = WebhookSettings.newSecret(random);
        String two = WebhookSettings.newSecret(random);
        assertThat(one).startsWith("whsec_").isNotEqualTo(two);
        assertThat(Base64.getDecoder().decode(one.substring("whsec_".length()))).hasSize(32);
        assertThat(WebhookSignature.sign(one, SPEC_ID, SPEC_TIMESTAMP, new byte[0])).startsWith("v1,");
    }
}
