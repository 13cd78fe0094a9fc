package dev.heliograph.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heliograph.probe.codec.Json;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The error answers of the OpenAPI document: every one is the error envelope
 * ({@link ApiSchemas.ErrorEnvelope}) with an example per error code, and the answers that whole
 * kinds of routes share (bad pages, bad bodies, keys, {@code Idempotency-Key}, 500) are added by
 * themselves, once, under {@code #/components/responses}.
 */
final class ErrorAnswers {
    /** {@code "A, B or C: message"}: error codes, then the message of their example. */
    private static final Pattern CODES = Pattern.compile("([A-Z][A-Z0-9_]+(?:(?:, | or | and )[A-Z][A-Z0-9_]+)*): *(.*)",
            Pattern.DOTALL);
    private static final Pattern CODE = Pattern.compile("[A-Z][A-Z0-9_]+");
    /** Where a description names further codes: {@code "A: text; B: text"}. */
    private static final String NEXT_CODES = "; (?=[A-Z][A-Z0-9_]+(?:, | or | and |: ))";
    private static final String FORBIDDEN = "FORBIDDEN: the key's role is below the one the route needs (x-required-role)";
    private static final String OPERATOR_ONLY = "OPERATOR_ONLY: the key is not of the operator org";
    private static final String EXAMPLE_REQUEST_ID = "4f0c2a9e-2b1d-4c8e-9a57-0e6f1b3d2c10";

    private final SchemaResolver schemas;
    private final Schema<?> envelope;

    ErrorAnswers(SchemaResolver schemas) {
        this.schemas = schemas;
        this.envelope = schemas.of(ApiSchemas.ErrorEnvelope.class);
    }

    /**
     * An error answer described by {@code description}, with one example per code it starts with:
     * {@code "A: text"}, {@code "A or B: text"}, or {@code "A: text; B: other text"} for a message per code.
     */
    ApiResponse error(String description) {
        MediaType media = new MediaType().schema(envelope);
        Map<String, Example> examples = new LinkedHashMap<>();
        for (String part : description.split(NEXT_CODES)) {
            Matcher codes = CODES.matcher(part);
            if (codes.matches()) {
                CODE.matcher(codes.group(1)).results().map(MatchResult::group).forEach(code ->
                        examples.put(code, new Example().value(envelope(code, codes.group(2)))));
            }
        }
        if (!examples.isEmpty()) {
            media.examples(examples);
        }
        return new ApiResponse().description(description).content(new Content().addMediaType(SchemaResolver.JSON, media));
    }

    /**
     * Adds to {@code byCode} the errors every route of its kind has, where the route documents none
     * for that status: 400 for a paged route or one with a body, 413 and 415 with a body, 401 and
     * (when it can happen) 403 unless the route is open, 500 always. An idempotent route's
     * {@code Idempotency-Key} errors are added to whatever 400, 409 and 422 already say.
     */
    void addCommon(Map<String, ApiResponse> byCode, ApiRoute route, boolean paged, boolean hasBody) {
        if (paged) {
            byCode.putIfAbsent("400", shared("InvalidPage", "INVALID_PARAMETER: limit or cursor is not valid"));
        }
        if (hasBody) {
            byCode.putIfAbsent("400", shared("MalformedBody", "MALFORMED_JSON, UNKNOWN_FIELD or INVALID_FIELD_TYPE: the body "
                    + "is not JSON, names a field that does not exist, or has a value of the wrong type (details.field)"));
            byCode.putIfAbsent("413", shared("BodyTooLarge", "BODY_TOO_LARGE: the body is larger than api.max_body_bytes"));
            byCode.putIfAbsent("415", shared("UnsupportedMediaType", "UNSUPPORTED_MEDIA_TYPE: the body must be sent as "
                    + "application/json"));
        }
        if (!route.open()) {
            byCode.putIfAbsent("401", shared("Unauthenticated", "UNAUTHENTICATED: no Authorization: Bearer hg_key_... header, "
                    + "or the key is unknown, expired or revoked"));
            boolean roleMatters = route.role() != Role.VIEWER;
            if (roleMatters && route.operatorOnly()) {
                byCode.putIfAbsent("403", shared("ForbiddenOrOperatorOnly", FORBIDDEN + "; " + OPERATOR_ONLY));
            } else if (roleMatters) {
                byCode.putIfAbsent("403", shared("Forbidden", FORBIDDEN));
            } else if (route.operatorOnly()) {
                byCode.putIfAbsent("403", shared("OperatorOnly", OPERATOR_ONLY));
            }
        }
        if (route.idempotent()) {
            addTo(byCode, "400", "INVALID_IDEMPOTENCY_KEY: Idempotency-Key is not 1..255 printable ASCII characters, "
                    + "or was sent twice");
            addTo(byCode, "409", "IDEMPOTENCY_KEY_IN_PROGRESS: a request with this Idempotency-Key is still running "
                    + "after api.idempotency_wait_s; retry after Retry-After seconds");
            addTo(byCode, "422", "IDEMPOTENCY_KEY_REUSED: this Idempotency-Key was used for another request");
        }
        byCode.putIfAbsent("500", shared("Internal", "INTERNAL: an unexpected failure; the message quotes the request id"));
    }

    /** Adds the error {@code "CODE: message"} to the answer of {@code status}, which may already document others. */
    private void addTo(Map<String, ApiResponse> byCode, String status, String codeAndMessage) {
        ApiResponse existing = byCode.get(status);
        String ref = existing == null ? null : existing.get$ref();
        if (ref != null) {
            existing = schemas.components().getResponses().get(ref.substring(ref.lastIndexOf('/') + 1));
        }
        byCode.put(status, error(existing == null ? codeAndMessage : existing.getDescription() + "; " + codeAndMessage));
    }

    /** A reference to the error answer {@code name} of the components, defined there on first use. */
    private ApiResponse shared(String name, String description) {
        schemas.defineResponse(name, error(description));
        return new ApiResponse().$ref("#/components/responses/" + name);
    }

    private static JsonNode envelope(String code, String message) {
        ObjectNode error = Json.MAPPER.createObjectNode();
        error.put("code", code).put("message", message);
        error.putObject("details");
        error.put("request_id", EXAMPLE_REQUEST_ID);
        ObjectNode envelope = Json.MAPPER.createObjectNode();
        envelope.set("error", error);
        return envelope;
    }
}
