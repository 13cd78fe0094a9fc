package dev.heliograph.controlplane.api;

import static io.swagger.v3.oas.annotations.media.Schema.RequiredMode.NOT_REQUIRED;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import dev.heliograph.probe.codec.Json;
import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverter;
import io.swagger.v3.core.converter.ModelConverterContext;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.core.converter.ResolvedSchema;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.core.util.AnnotationsUtils;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.JsonSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns Java types and swagger {@code @Schema}/{@code @Content} annotations into OpenAPI 3.1
 * schemas, collecting named ones in {@link Components}. Types are read by swagger-core's
 * {@link ModelResolver} over a copy of our own mapper ({@link Json#MAPPER}: snake_case, RFC 3339
 * times, enums as written), so a schema shows the fields exactly as Jackson writes them.
 *
 * <p>Rules of ours on top: every property of a Java record is {@code required} unless its
 * component says {@code @Schema(requiredMode = NOT_REQUIRED)} (our mapper omits null record fields,
 * so a field that can be null must say so); a property whose types include {@code "null"} has no
 * {@code format}; and a {@link JsonNode} is any JSON value.
 */
final class SchemaResolver {
    static final String JSON = "application/json";
    private static final String REF_PREFIX = "#/components/schemas/";

    private final Components components;
    private final ObjectMapper mapper = Json.MAPPER.copy(); // ModelResolver registers its introspector on the mapper it gets
    private final ModelConverters converters = new ModelConverters(true);

    SchemaResolver(Components components) {
        this.components = components;
        if (components.getSchemas() == null) {
            components.setSchemas(new java.util.TreeMap<>());
        }
        for (ModelConverter converter : new ArrayList<>(converters.getConverters())) {
            converters.removeConverter(converter);
        }
        converters.addConverter(new ModelResolver(mapper).openapi31(true));
        converters.addConverter(new RecordRules()); // added last, asked first
    }

    /** The schema of {@code type}: a {@code $ref} for named (object) types, which land in the components. */
    Schema<?> of(Type type) {
        ResolvedSchema resolved = converters.resolveAsResolvedSchema(new AnnotatedType(type).resolveAsRef(true));
        if (resolved.referencedSchemas != null) {
            resolved.referencedSchemas.forEach((name, schema) -> components.getSchemas().putIfAbsent(name, schema));
        }
        return resolved.schema;
    }

    /** The schema a {@code @Schema} annotation describes: its {@code implementation}, or its own attributes; {@code null} when empty. */
    Schema<?> of(io.swagger.v3.oas.annotations.media.Schema annotation) {
        if (annotation == null) {
            return null;
        }
        requireTypes(annotation, "@Schema");
        if (annotation.implementation() != Void.class) {
            return of(annotation.implementation());
        }
        return AnnotationsUtils.getSchemaFromAnnotation(annotation, components, null, true).orElse(null);
    }

    /** The schema an {@code @ArraySchema} describes, or {@code null} when it names no items. */
    Schema<?> of(io.swagger.v3.oas.annotations.media.ArraySchema array) {
        Schema<?> items = of(array.schema());
        if (items == null) {
            items = of(array.items());
        }
        return items == null ? null : new JsonSchema().types(Set.of("array")).items(items);
    }

    /**
     * Throws {@link IllegalArgumentException} for {@code @Schema(type = ...)}, which swagger-core
     * drops without a word in 3.1 mode: {@code types = ...} is the attribute that works.
     */
    static void requireTypes(io.swagger.v3.oas.annotations.media.Schema annotation, String where) {
        if (!annotation.type().isBlank() && annotation.types().length == 0) {
            throw new IllegalArgumentException(where + " uses type = \"" + annotation.type()
                    + "\", which OpenAPI 3.1 ignores; write types = \"" + annotation.type() + "\"");
        }
    }

    /** Adds {@code schema} to the components as {@code name}, unless that name is taken. */
    void define(String name, Schema<?> schema) {
        components.getSchemas().putIfAbsent(name, schema);
    }

    /** Adds {@code response} to the components' responses as {@code name}, unless that name is taken. */
    void defineResponse(String name, io.swagger.v3.oas.models.responses.ApiResponse response) {
        if (components.getResponses() == null || !components.getResponses().containsKey(name)) {
            components.addResponses(name, response);
        }
    }

    /** The components that schemas and responses are collected in. */
    Components components() {
        return components;
    }

    /** A {@code $ref} to the component {@code name}. */
    static Schema<?> ref(String name) {
        return new JsonSchema().$ref(REF_PREFIX + name);
    }

    /**
     * The content that {@code @Content} annotations describe; the media type defaults to
     * {@value #JSON}. Examples are JSON text, parsed so that the document holds them as values.
     * {@code null} when there are no annotations.
     */
    Content content(io.swagger.v3.oas.annotations.media.Content[] annotations) {
        if (annotations.length == 0) {
            return null;
        }
        Content content = new Content();
        for (io.swagger.v3.oas.annotations.media.Content annotation : annotations) {
            MediaType media = new MediaType();
            Schema<?> schema = of(annotation.array());
            media.schema(schema != null ? schema : of(annotation.schema()));
            Map<String, Example> examples = new LinkedHashMap<>();
            for (io.swagger.v3.oas.annotations.media.ExampleObject example : annotation.examples()) {
                String name = example.name().isBlank() ? "example" + (examples.isEmpty() ? "" : examples.size() + 1) : example.name();
                examples.put(name, example(example.value(), example.summary(), example.description()));
            }
            if (!examples.isEmpty()) {
                media.examples(examples);
            }
            content.addMediaType(annotation.mediaType().isBlank() ? JSON : annotation.mediaType(), media);
        }
        return content;
    }

    /** An example whose value is the parsed {@code json}; throws {@link IllegalArgumentException} when it is not JSON. */
    static Example example(String json, String summary, String description) {
        Example example = new Example().value(parse(json));
        if (!summary.isBlank()) {
            example.summary(summary);
        }
        if (!description.isBlank()) {
            example.description(description);
        }
        return example;
    }

    /** {@code json} as a tree; throws {@link IllegalArgumentException} naming the text when it does not parse. */
    static JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("example is not JSON: " + e.getOriginalMessage() + " in " + json, e);
        }
    }

    /** Applies our two rules (see the class comment) around swagger-core's resolution. */
    private final class RecordRules implements ModelConverter {
        @Override
        public Schema resolve(AnnotatedType type, ModelConverterContext context, Iterator<ModelConverter> chain) {
            JavaType javaType = mapper.constructType(type.getType());
            if (JsonNode.class.isAssignableFrom(javaType.getRawClass())) {
                return new JsonSchema().description("any JSON value");
            }
            Schema<?> resolved = chain.hasNext() ? chain.next().resolve(type, context, chain) : null;
            if (resolved != null && javaType.getRawClass().isRecord()) {
                Schema<?> model = resolved.get$ref() == null ? resolved
                        : context.getDefinedModels().get(resolved.get$ref().substring(REF_PREFIX.length()));
                if (model != null && model.getProperties() != null) {
                    requireComponents(javaType, model);
                    nullableWithoutFormat(model);
                }
            }
            return resolved;
        }

        @Override
        public boolean isOpenapi31() {
            return true;
        }

        /**
         * Drops the numeric {@code format} (int32, double, ...) of properties that may be null: JSON
         * Schema validators such as Vert.x's apply it to the null too and refuse it.
         */
        private static void nullableWithoutFormat(Schema<?> model) {
            for (Schema<?> property : model.getProperties().values()) {
                if (property.getTypes() != null && property.getTypes().contains("null")) {
                    property.setFormat(null);
                }
            }
        }

        private void requireComponents(JavaType type, Schema<?> model) {
            List<BeanPropertyDefinition> properties = mapper.getSerializationConfig().introspect(type).findProperties();
            for (RecordComponent component : type.getRawClass().getRecordComponents()) {
                io.swagger.v3.oas.annotations.media.Schema annotation =
                        component.getAccessor().getAnnotation(io.swagger.v3.oas.annotations.media.Schema.class);
                if (annotation != null) {
                    requireTypes(annotation, "@Schema of " + type.getRawClass().getSimpleName() + "." + component.getName());
                }
                if (annotation != null && annotation.requiredMode() == NOT_REQUIRED) {
                    continue;
                }
                properties.stream().filter(p -> p.getInternalName().equals(component.getName())).findFirst()
                        .map(BeanPropertyDefinition::getName)
                        .filter(name -> model.getProperties().containsKey(name))
                        .filter(name -> model.getRequired() == null || !model.getRequired().contains(name))
                        .ifPresent(model::addRequiredItem);
            }
        }
    }
}
