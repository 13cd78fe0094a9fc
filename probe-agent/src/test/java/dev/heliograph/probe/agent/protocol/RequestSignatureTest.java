package dev.heliograph.probe.agent.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * {@link RequestSignature} against vectors computed independently with OpenSSL:
 * <pre>
 * SK=$(printf '%s' hg_agk_example0123456789 | openssl dgst -sha256 -r | cut -d' ' -f1)
 * BH=$(printf '%s' "$BODY" | openssl dgst -sha256 -r | cut -d' ' -f1)
 * printf 'agent-7f3a\n1700000000\n%s' "$BH" | openssl dgst -sha256 -mac HMAC -macopt hexkey:$SK -r
 * </pre>
 */
class RequestSignatureTest {
    private static final String KEY = "hg_agk_example0123456789";
    private static final String AGENT = "agent-7f3a";
    private static final long TIMESTAMP = 1_700_000_000L;
    private static final byte[] BODY = "{\"first_seq\":1,\"last_seq\":1,\"attempt\":1,\"results\":[]}"
            .getBytes(StandardCharsets.UTF_8);
    private static final String BODY_SIGNATURE = "f626552733649ab71eff9542b022816921d43a204a7347bbadbdbc5e2e907121";
    private static final String EMPTY_BODY_SIGNATURE = "14fcd1b65463127dc98680802cce684e2cb1758f905c9a8516808b355e579ab7";

    private final byte[] signingKey = RequestSignature.signingKey(KEY);

    @Test
    void signingKeyIsTheSha256OfTheAgentKey() {
        assertThat(HexFormat.of().formatHex(signingKey))
                .isEqualTo("1c605c32310b445af9019ed6fb1b18e03c31a378adccabc2b1ceb777a59a022b");
    }

    @Test
    void signsABodyAsOpenSslDoes() {
        assertThat(RequestSignature.sign(signingKey, AGENT, TIMESTAMP, BODY)).isEqualTo(BODY_SIGNATURE);
    }

    @Test
    void signsAnEmptyBodyAsOpenSslDoes() {
        assertThat(RequestSignature.sign(signingKey, AGENT, TIMESTAMP, new byte[0])).isEqualTo(EMPTY_BODY_SIGNATURE);
    }

    @Test
    void verifiesTheRightSignatureInEitherCase() {
        assertThat(RequestSignature.verify(signingKey, AGENT, TIMESTAMP, BODY, BODY_SIGNATURE)).isTrue();
        assertThat(RequestSignature.verify(signingKey, AGENT, TIMESTAMP, BODY, BODY_SIGNATURE.toUpperCase())).isTrue();
    }

    @Test
    void refusesATamperedBodyTimestampAgentOrKey() {
        byte[] tampered = BODY.clone();
        tampered[tampered.length - 2] = '1';
        assertThat(RequestSignature.verify(signingKey, AGENT, TIMESTAMP, tampered, BODY_SIGNATURE)).isFalse();
        assertThat(RequestSignature.verify(signingKey, AGENT, TIMESTAMP + 1, BODY, BODY_SIGNATURE)).isFalse();
        assertThat(RequestSignature.verify(signingKey, "agent-7f3b", TIMESTAMP, BODY, BODY_SIGNATURE)).isFalse();
        assertThat(RequestSignature.verify(RequestSignature.signingKey(KEY + "x"), AGENT, TIMESTAMP, BODY, BODY_SIGNATURE))
                .isFalse();
    }

    @Test
    void refusesAMissingOrMalformedSignature() {
        assertThat(RequestSignature.verify(signingKey, AGENT, TIMESTAMP, BODY, null)).isFalse();
        assertThat(RequestSignature.verify(signingKey, AGENT, TIMESTAMP, BODY, "")).isFalse();
        assertThat(RequestSignature.verify(signingKey, AGENT, TIMESTAMP, BODY, BODY_SIGNATURE.substring(1))).isFalse();
    }
}
