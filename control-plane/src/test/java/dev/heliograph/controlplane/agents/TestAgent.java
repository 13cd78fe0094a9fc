package dev.heliograph.controlplane.agents;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.controlplane.ApiClient;
import dev.heliograph.probe.agent.protocol.AgentProtocol;
import dev.heliograph.probe.agent.protocol.RequestSignature;
import dev.heliograph.probe.codec.Json;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * A hand-driven agent for protocol tests: registers with a token, then sends signed requests whose
 * clock, body and signature a test may tamper with.
 */
final class TestAgent {
    final ApiClient http;
    final String id;
    final String key;
    final String region;
    long clockOffsetS;

    private TestAgent(ApiClient http, String id, String key, String region) {
        this.http = http;
        this.id = id;
        this.key = key;
        this.region = region;
    }

    /** Registers with {@code token}; throws when the server refuses. */
    static TestAgent register(ApiClient http, String token, String name) {
        ApiClient.Answer answer = http.post(AgentProtocol.REGISTER,
                "{\"token\":\"" + token + "\",\"name\":\"" + name + "\",\"version\":\"test\"}");
        if (answer.status() != 200) {
            throw new IllegalStateException("registration refused: " + answer.status() + " " + answer.text());
        }
        JsonNode body = answer.json();
        return new TestAgent(http, body.path("agent_id").asText(), body.path("agent_key").asText(), body.path("region").asText());
    }

    HttpRequest.Builder signed(String method, String path, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        long ts = System.currentTimeMillis() / 1000 + clockOffsetS;
        String signature = RequestSignature.sign(RequestSignature.signingKey(key), id, ts, bytes);
        return HttpRequest.newBuilder(URI.create(http.base() + path))
                .header(AgentProtocol.AGENT_HEADER, id)
                .header(AgentProtocol.TIMESTAMP_HEADER, Long.toString(ts))
                .header(AgentProtocol.SIGNATURE_HEADER, signature)
                .header("content-type", "application/json")
                .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(bytes));
    }

    ApiClient.Answer poll(long version) {
        return http.send(signed("GET", AgentProtocol.WORK + "?version=" + version, ""));
    }

    CompletableFuture<ApiClient.Answer> pollAsync(long version) {
        return CompletableFuture.supplyAsync(() -> poll(version));
    }

    ApiClient.Answer results(String batchJson) {
        return http.send(signed("POST", AgentProtocol.RESULTS, batchJson));
    }

    /** A batch of {@code count} up results of {@code target} (of {@code org}), numbered from {@code first}. */
    String batch(long first, int count, int attempt, String target, String org) throws Exception {
        java.util.List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(java.util.UUID.randomUUID().toString());
        }
        return batch(first, ids, attempt, target, org);
    }

    /** A batch of up results with the given result ids, numbered from {@code first}. */
    String batch(long first, java.util.List<String> resultIds, int attempt, String target, String org) throws Exception {
        StringBuilder results = new StringBuilder();
        long now = System.currentTimeMillis();
        for (int i = 0; i < resultIds.size(); i++) {
            if (i > 0) {
                results.append(',');
            }
            results.append(Json.MAPPER.writeValueAsString(java.util.Map.ofEntries(
                    java.util.Map.entry("seq", first + i), java.util.Map.entry("result_id", resultIds.get(i)),
                    java.util.Map.entry("target_id", target), java.util.Map.entry("org_id", org),
                    java.util.Map.entry("region", region), java.util.Map.entry("agent_id", id),
                    java.util.Map.entry("kind", "http"), java.util.Map.entry("scheduled_at_ms", now - 1000 + i),
                    java.util.Map.entry("started_at_ms", now - 1000 + i), java.util.Map.entry("status", "up"),
                    java.util.Map.entry("http_status", 200), java.util.Map.entry("error", ""),
                    java.util.Map.entry("dns_ms", 0.1), java.util.Map.entry("connect_ms", 0.2),
                    java.util.Map.entry("tls_ms", 0.0), java.util.Map.entry("ttfb_ms", 0.3), java.util.Map.entry("total_ms", 1.0))));
        }
        return "{\"first_seq\":" + first + ",\"last_seq\":" + (first + resultIds.size() - 1) + ",\"attempt\":" + attempt
                + ",\"dropped\":0,\"results\":[" + results + "]}";
    }
}
