package dev.heliograph.controlplane.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares one REST route on a handler method {@code void name(RoutingContext)}. {@link ApiRoutes}
 * mounts the route from it and the OpenAPI document is built from it plus the method's swagger
 * {@code @Operation}, so the served routes and the document cannot drift.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ApiRoute {
    /** HTTP method in upper case: {@code GET}, {@code POST}, {@code PUT}, {@code DELETE}. */
    String method();

    /** The path in OpenAPI form, parameters in braces: {@code /api/v1/targets/{id}}. */
    String path();

    /** The least role a caller's API key needs. */
    Role role() default Role.VIEWER;

    /**
     * Only keys of the operator org (the default org) may call it: shared infrastructure such as
     * regions, registration tokens, agents and orgs. Other orgs get 403 {@code OPERATOR_ONLY}.
     */
    boolean operatorOnly() default false;

    /** No API key needed (health and readiness). */
    boolean open() default false;

    /**
     * The route honours {@code Idempotency-Key} ({@link Idempotency}): a repeat with the same key and
     * request gets the first answer without running the handler again. The handler must answer
     * through {@link Responses} or fail the context, so that its answer can be stored.
     */
    boolean idempotent() default false;
}
