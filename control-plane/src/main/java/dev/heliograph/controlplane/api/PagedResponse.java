package dev.heliograph.controlplane.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Documents a list route that answers with {@link Paging}: the 200 answer is the page envelope
 * {@code {"items": [<value>...], "next_cursor": string|null}} (component {@code <Value>Page}), and
 * the route takes the query parameters {@code limit} (1..500, default 50) and {@code cursor}, which
 * answer 400 {@code INVALID_PARAMETER} when bad. Put it beside {@link ApiRoute} and the swagger
 * {@code @Operation}; see {@link OpenApiDocument}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface PagedResponse {
    /** The type of one item, as serialized (e.g. {@code TargetView.class}). */
    Class<?> value();

    /** JSON of one item; the document's example page holds it (use a constant of {@link ApiExamples}). */
    String itemExample();

    /** Description of the 200 answer. */
    String description() default "one page; pass next_cursor back as cursor for the next one (null on the last page)";
}
