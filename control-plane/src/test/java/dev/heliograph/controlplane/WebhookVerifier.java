package dev.heliograph.controlplane;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Checks a received webhook's Standard Webhooks signature with code independent of ours: a few lines of
 * Python ({@code hmac}, {@code hashlib}, {@code base64}) run as a separate process over the exact
 * bytes and headers the receiver recorded.
 */
public final class WebhookVerifier {
    private static final String VERIFIER = """
            import sys, hmac, hashlib, base64
            secret, msg_id, timestamp, path, header = sys.argv[1:6]
            key = base64.b64decode(secret[len("whsec_"):])
            body = open(path, "rb").read()
            signed = msg_id.encode() + b"." + timestamp.encode() + b"." + body
            expected = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
            print("ok" if any(hmac.compare_digest(expected, s) for s in header.split(" ")) else "mismatch " + expected)
            """;

    private WebhookVerifier() {
    }

    /** {@code ok} when the signature of {@code received} is right for {@code secret} ({@code whsec_...}), else {@code mismatch ...}. */
    public static String verify(String secret, AlertReceiver.Received received) throws Exception {
        Path body = Files.createTempFile("webhook-body", ".json");
        try {
            Files.write(body, received.body());
            Process python = new ProcessBuilder("python3", "-c", VERIFIER, secret, received.headers().get("webhook-id"),
                    received.headers().get("webhook-timestamp"), body.toString(), received.headers().get("webhook-signature"))
                    .redirectErrorStream(true).start();
            String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!python.waitFor(30, TimeUnit.SECONDS)) {
                python.destroyForcibly();
                return "timeout";
            }
            return output;
        } finally {
            Files.deleteIfExists(body);
        }
    }
}
