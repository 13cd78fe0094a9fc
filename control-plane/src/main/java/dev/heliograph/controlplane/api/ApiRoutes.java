package dev.heliograph.controlplane.api;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Mounts the routes that handler objects declare with {@link ApiRoute}: authentication, the role
 * and operator checks, then the handler method. Every route is named {@code "METHOD /path"} (the
 * OpenAPI path), so tests can compare the router with the document.
 *
 * <p>Routes are matched by regular expression, because paths such as {@code /api/v1/targets:bulk}
 * carry a literal colon that Vert.x would read as a path parameter. Literal routes are mounted
 * before routes with parameters, so {@code /targets/test} is never taken for {@code /targets/{id}}.
 */
public final class ApiRoutes {
    private static final String CALLER = "caller";
    private static final Pattern PARAMETER = Pattern.compile("\\{([A-Za-z][A-Za-z0-9]*)}");

    /** One declared route: its annotation, the method, and the object it runs on. */
    public record Declared(ApiRoute route, Method method, Object handler) {
        /** {@code "GET /api/v1/targets/{id}"}. */
        public String name() {
            return route.method() + " " + route.path();
        }
    }

    private ApiRoutes() {
    }

    /** Every {@link ApiRoute} method of {@code handlers}, literal paths first, then in declaration order. */
    public static List<Declared> declared(List<?> handlers) {
        List<Declared> all = new ArrayList<>();
        for (Object handler : handlers) {
            for (Method method : handler.getClass().getDeclaredMethods()) {
                ApiRoute route = method.getAnnotation(ApiRoute.class);
                if (route != null) {
                    all.add(new Declared(route, method, handler));
                }
            }
        }
        all.sort(Comparator.comparingInt((Declared d) -> parameterCount(d.route().path()))
                .thenComparing(d -> d.route().path()).thenComparing(d -> d.route().method()));
        return all;
    }

    /** Mounts every declared route of {@code handlers} on {@code router}, behind {@code authenticator}. */
    public static void mount(Router router, Authenticator authenticator, List<?> handlers) {
        mount(router, authenticator, null, handlers);
    }

    /**
     * Like the other; routes declared {@link ApiRoute#idempotent()} run through {@code idempotency}
     * (throws {@link IllegalArgumentException} for such a route when it is {@code null}).
     */
    public static void mount(Router router, Authenticator authenticator, Idempotency idempotency, List<?> handlers) {
        for (Declared declared : declared(handlers)) {
            if (declared.route().idempotent() && idempotency == null) {
                throw new IllegalArgumentException(declared.name() + " is idempotent but no Idempotency was given");
            }
            MethodHandle invoke = handle(declared);
            ApiRoute spec = declared.route();
            Route route = router.routeWithRegex(HttpMethod.valueOf(spec.method()), regex(spec.path())).setName(declared.name());
            route.handler(ctx -> {
                if (spec.open()) {
                    run(invoke, declared.handler(), ctx);
                    return;
                }
                authenticator.authenticate(ctx.request().getHeader("authorization"))
                        .onComplete(done -> ApiServer.withRequestId(ctx, () -> {
                            if (done.failed()) {
                                ctx.fail(done.cause());
                                return;
                            }
                            Caller caller = done.result();
                            if (!caller.role().allows(spec.role())) {
                                ctx.fail(new ApiException(403, "FORBIDDEN", "this API key's role (" + caller.role().wire()
                                        + ") cannot do this; it needs " + spec.role().wire()));
                                return;
                            }
                            if (spec.operatorOnly() && !caller.operator()) {
                                ctx.fail(new ApiException(403, "OPERATOR_ONLY",
                                        "only API keys of the operator org manage shared infrastructure"));
                                return;
                            }
                            ctx.put(CALLER, caller);
                            try {
                                if (spec.idempotent()) {
                                    idempotency.run(ctx, declared.name(), () -> run(invoke, declared.handler(), ctx));
                                } else {
                                    run(invoke, declared.handler(), ctx);
                                }
                            } catch (RuntimeException e) {
                                ctx.fail(e);
                            }
                        }));
            });
        }
    }

    /** The authenticated caller of the request; throws {@link IllegalStateException} on an open route. */
    public static Caller caller(RoutingContext ctx) {
        Caller caller = ctx.get(CALLER);
        if (caller == null) {
            throw new IllegalStateException("no authenticated caller on " + ctx.request().path());
        }
        return caller;
    }

    /** The Vert.x regular expression of an OpenAPI path: literal text, {@code {name}} as a named group. */
    static String regex(String path) {
        Matcher m = PARAMETER.matcher(path);
        StringBuilder regex = new StringBuilder();
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(path.substring(last, m.start())));
            regex.append("(?<").append(m.group(1)).append(">[^/]+)");
            last = m.end();
        }
        regex.append(Pattern.quote(path.substring(last)));
        return regex.toString();
    }

    private static int parameterCount(String path) {
        return (int) PARAMETER.matcher(path).results().count();
    }

    private static MethodHandle handle(Declared declared) {
        try {
            Method method = declared.method();
            if (method.getParameterCount() != 1 || method.getParameterTypes()[0] != RoutingContext.class) {
                throw new IllegalArgumentException(declared.name() + ": handler must be void " + method.getName() + "(RoutingContext)");
            }
            return MethodHandles.privateLookupIn(method.getDeclaringClass(), MethodHandles.lookup())
                    .findVirtual(method.getDeclaringClass(), method.getName(), MethodType.methodType(void.class, RoutingContext.class));
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("cannot mount " + declared.name(), e);
        }
    }

    private static void run(MethodHandle invoke, Object handler, RoutingContext ctx) {
        try {
            invoke.invoke(handler, ctx);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
