package dev.heliograph.controlplane.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heliograph.probe.codec.Json;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.swagger.v3.core.util.AnnotationsUtils;
import io.swagger.v3.oas.annotations.enums.Explode;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.JsonSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads one {@link ApiRoute} method and its swagger annotations into an OpenAPI operation, adding
 * what every route of that kind has (path parameters, paging, the error answers of bodies and
 * keys). The rules are listed in {@link OpenApiDocument}; whatever breaks them is added to the
 * problem list instead of failing.
 */
final class OperationReader {
    /** Name of the security scheme for {@code Authorization: Bearer hg_key_...}. */
    static final String BEARER = "api_key";
    private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([A-Za-z][A-Za-z0-9]*)}");

    private final SchemaResolver schemas;
    private final ErrorAnswers errors;
    private final List<String> problems;

    OperationReader(SchemaResolver schemas, List<String> problems) {
        this.schemas = schemas;
        this.errors = new ErrorAnswers(schemas);
        this.problems = problems;
    }

    /** The operation of {@code declared}; adds a line to the problem list for each rule it breaks. */
    Operation read(ApiRoutes.Declared declared) {
        Method method = declared.method();
        ApiRoute route = declared.route();
        io.swagger.v3.oas.annotations.Operation annotation = method.getAnnotation(io.swagger.v3.oas.annotations.Operation.class);
        Operation operation = new Operation();
        if (annotation == null || annotation.summary().isBlank()) {
            problems.add(declared.name() + ": no @Operation(summary = ...)");
        }
        if (annotation != null) {
            operation.summary(blankToNull(annotation.summary())).description(blankToNull(annotation.description()));
            if (annotation.deprecated()) {
                operation.deprecated(true);
            }
        }
        operation.operationId(annotation != null && !annotation.operationId().isBlank()
                ? annotation.operationId() : operationId(method));
        operation.tags(annotation != null && annotation.tags().length > 0
                ? List.of(annotation.tags()) : List.of(tag(route.path())));
        PagedResponse paged = method.getAnnotation(PagedResponse.class);
        operation.parameters(parameters(declared, annotation, paged));
        RequestBody body = requestBody(method, annotation);
        operation.requestBody(body);
        operation.responses(responses(declared, annotation, paged, body != null));
        secure(operation, route);
        if (!hasExample(operation)) {
            problems.add(declared.name() + ": no example (an @ExampleObject in the request body or a 2xx answer, "
                    + "or a parameter example)");
        }
        return operation;
    }

    private List<Parameter> parameters(ApiRoutes.Declared declared, io.swagger.v3.oas.annotations.Operation annotation,
                                       PagedResponse paged) {
        List<String> pathNames = PATH_PARAMETER.matcher(declared.route().path()).results().map(m -> m.group(1)).toList();
        Map<String, Parameter> explicit = new LinkedHashMap<>();
        Stream.concat(annotation == null ? Stream.empty() : Arrays.stream(annotation.parameters()),
                        Arrays.stream(declared.method().getAnnotationsByType(io.swagger.v3.oas.annotations.Parameter.class)))
                .filter(p -> !p.hidden())
                .forEach(p -> explicit.put(p.name(), parameter(p, pathNames)));
        List<Parameter> all = new ArrayList<>();
        for (String name : pathNames) {
            Parameter given = explicit.remove(name);
            all.add(given != null ? given : new Parameter().name(name).in("path").required(true).schema(string()));
        }
        explicit.values().stream().filter(p -> "path".equals(p.getIn()))
                .forEach(p -> problems.add(declared.name() + ": path parameter " + p.getName() + " is not in the path"));
        if (declared.route().idempotent()) {
            explicit.putIfAbsent(IdempotentRequest.HEADER, new Parameter().name(IdempotentRequest.HEADER).in("header")
                    .description("makes a retry safe: the same key with the same request within api.idempotency_ttl_h "
                            + "gets the first answer again (with Idempotent-Replayed: true) and nothing runs twice; "
                            + "1..255 printable ASCII characters, e.g. a UUID")
                    .schema(new JsonSchema().types(Set.of("string")).minLength(1).maxLength(255))
                    .example("5f0c8a9e-2b1d-4c8e-9a57-0e6f1b3d2c10"));
        }
        if (paged != null) {
            explicit.putIfAbsent("limit", new Parameter().name("limit").in("query")
                    .description("items per page, 1.." + Paging.MAX_LIMIT)
                    .schema(new JsonSchema().types(Set.of("integer")).minimum(java.math.BigDecimal.ONE)
                            .maximum(java.math.BigDecimal.valueOf(Paging.MAX_LIMIT))._default(Paging.DEFAULT_LIMIT))
                    .example(20));
            explicit.putIfAbsent("cursor", new Parameter().name("cursor").in("query")
                    .description("next_cursor of the previous page, passed back unchanged; absent for the first page")
                    .schema(string()));
        }
        all.addAll(explicit.values());
        return all.isEmpty() ? null : all;
    }

    private Parameter parameter(io.swagger.v3.oas.annotations.Parameter annotation, List<String> pathNames) {
        String in = annotation.in() == ParameterIn.DEFAULT
                ? (pathNames.contains(annotation.name()) ? "path" : "query") : annotation.in().toString();
        Schema<?> schema = schemas.of(annotation.array());
        if (schema == null) {
            schema = schemas.of(annotation.schema());
        }
        if (schema == null) {
            schema = string();
        }
        Parameter parameter = new Parameter().name(annotation.name()).in(in).required("path".equals(in) || annotation.required())
                .description(blankToNull(annotation.description())).schema(schema);
        if (!annotation.example().isBlank()) {
            parameter.example(value(annotation.example(), schema));
        }
        if (annotation.explode() != Explode.DEFAULT) {
            parameter.explode(annotation.explode() == Explode.TRUE);
        }
        if (annotation.deprecated()) {
            parameter.deprecated(true);
        }
        return parameter;
    }

    private RequestBody requestBody(Method method, io.swagger.v3.oas.annotations.Operation operation) {
        io.swagger.v3.oas.annotations.parameters.RequestBody annotation =
                method.getAnnotation(io.swagger.v3.oas.annotations.parameters.RequestBody.class);
        if (annotation == null && operation != null && operation.requestBody().content().length > 0) {
            annotation = operation.requestBody();
        }
        if (annotation == null) {
            return null;
        }
        return new RequestBody().description(blankToNull(annotation.description())).required(annotation.required())
                .content(schemas.content(annotation.content()));
    }

    private ApiResponses responses(ApiRoutes.Declared declared, io.swagger.v3.oas.annotations.Operation operation,
                                   PagedResponse paged, boolean hasBody) {
        Map<String, ApiResponse> byCode = new TreeMap<>();
        Stream.concat(operation == null ? Stream.empty() : Arrays.stream(operation.responses()),
                        Arrays.stream(declared.method().getAnnotationsByType(io.swagger.v3.oas.annotations.responses.ApiResponse.class)))
                .forEach(a -> byCode.put(a.responseCode(), response(a)));
        if (paged != null) {
            byCode.putIfAbsent("200", new ApiResponse().description(paged.description()).content(page(paged)));
        }
        errors.addCommon(byCode, declared.route(), paged != null, hasBody);
        if (byCode.keySet().stream().noneMatch(code -> code.startsWith("2"))) {
            problems.add(declared.name() + ": no 2xx @ApiResponse (or @PagedResponse)");
        }
        ApiResponses responses = new ApiResponses();
        byCode.forEach(responses::addApiResponse);
        return responses;
    }

    private ApiResponse response(io.swagger.v3.oas.annotations.responses.ApiResponse annotation) {
        int status = Integer.parseInt(annotation.responseCode());
        if (status >= 400 && annotation.content().length == 0) {
            return errors.error(annotation.description());
        }
        ApiResponse response = new ApiResponse()
                .description(annotation.description().isBlank()
                        ? HttpResponseStatus.valueOf(status).reasonPhrase() : annotation.description())
                .content(schemas.content(annotation.content()));
        AnnotationsUtils.getHeaders(annotation.headers(), schemas.components(), null, true).ifPresent(response::headers);
        return response;
    }

    private Content page(PagedResponse paged) {
        Schema<?> item = schemas.of(paged.value());
        String ref = item.get$ref();
        String name = (ref == null ? paged.value().getSimpleName() : ref.substring(ref.lastIndexOf('/') + 1)) + "Page";
        schemas.define(name, new JsonSchema().types(Set.of("object"))
                .description("one page of a list; next_cursor is null on the last page")
                .addProperty("items", new JsonSchema().types(Set.of("array")).items(item))
                .addProperty("next_cursor", new JsonSchema().types(Set.of("string", "null"))
                        .description("pass it back as cursor for the next page; null on the last page"))
                .required(List.of("items", "next_cursor")));
        ObjectNode example = Json.MAPPER.createObjectNode();
        example.putArray("items").add(SchemaResolver.parse(paged.itemExample()));
        example.putNull("next_cursor");
        return new Content().addMediaType(SchemaResolver.JSON, new MediaType().schema(SchemaResolver.ref(name))
                .examples(Map.of("page", new Example().value(example))));
    }

    /** Bearer key on every route that is not open; the role it needs as {@code x-required-role} and in the description. */
    private static void secure(Operation operation, ApiRoute route) {
        if (route.open()) {
            operation.description(join(operation.getDescription(), "No API key needed."));
            return;
        }
        operation.addSecurityItem(new SecurityRequirement().addList(BEARER));
        operation.addExtension("x-required-role", route.role().wire());
        if (route.operatorOnly()) {
            operation.addExtension("x-operator-only", true);
        }
        operation.description(join(operation.getDescription(), "Needs an API key with role `" + route.role().wire()
                + "` or higher" + (route.operatorOnly() ? " of the operator org (shared infrastructure)." : ".")));
    }

    private static boolean hasExample(Operation operation) {
        boolean inParameters = operation.getParameters() != null
                && operation.getParameters().stream().anyMatch(p -> p.getExample() != null);
        boolean inBody = operation.getRequestBody() != null && hasExample(operation.getRequestBody().getContent());
        boolean inAnswers = operation.getResponses().entrySet().stream()
                .anyMatch(e -> e.getKey().startsWith("2") && hasExample(e.getValue().getContent()));
        return inParameters || inBody || inAnswers;
    }

    private static boolean hasExample(Content content) {
        return content != null && content.values().stream().anyMatch(m -> m.getExamples() != null && !m.getExamples().isEmpty());
    }

    /** A parameter example as the type its schema has: numbers and booleans parsed, one text as an array of it, anything else text. */
    private static Object value(String example, Schema<?> schema) {
        Set<String> types = schema.getTypes();
        if (types != null && types.contains("array")) {
            return example.startsWith("[") ? SchemaResolver.parse(example) : List.of(example);
        }
        boolean scalar = types != null && (types.contains("integer") || types.contains("number") || types.contains("boolean"));
        return scalar ? SchemaResolver.parse(example) : example;
    }

    /** {@code TargetHandler.create} → {@code targetCreate}. */
    private static String operationId(Method method) {
        String type = method.getDeclaringClass().getSimpleName().replaceFirst("Handler$", "");
        String name = method.getName();
        return Character.toLowerCase(type.charAt(0)) + type.substring(1) + Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    /** {@code /api/v1/targets/{id}/results} and {@code /api/v1/targets:bulk} → {@code targets}. */
    static String tag(String path) {
        String rest = path.replaceFirst("^/api/v1/?", "");
        return rest.split("[/:]", 2)[0].toLowerCase(Locale.ROOT);
    }

    private static Schema<?> string() {
        return new JsonSchema().types(Set.of("string"));
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    private static String join(String description, String sentence) {
        return description == null ? sentence : description + "\n\n" + sentence;
    }
}
