package dev.heliograph.controlplane.api;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * Serves the API's documentation, without an API key:
 * <ul>
 *   <li>{@code GET /api/openapi.json}: the {@link OpenApiDocument} built at start-up;</li>
 *   <li>{@code GET /docs/}: Swagger UI from the {@code org.webjars:swagger-ui} JAR, with its
 *       {@code swagger-initializer.js} replaced by ours, which loads {@code /api/openapi.json};
 *       {@code /docs} redirects there (301).</li>
 * </ul>
 */
public final class DocsHandler {
    /** Where the document is served. */
    public static final String DOCUMENT_PATH = "/api/openapi.json";
    /** Where Swagger UI is served. */
    public static final String UI_PATH = "/docs/";

    private static final String INITIALIZER = """
            window.onload = function () {
              window.ui = SwaggerUIBundle({
                url: "%s",
                dom_id: "#swagger-ui",
                deepLinking: true,
                persistAuthorization: true,
                presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
                plugins: [SwaggerUIBundle.plugins.DownloadUrl],
                layout: "StandaloneLayout"
              });
            };
            """.formatted(DOCUMENT_PATH);

    private DocsHandler() {
    }

    /** Adds the document and Swagger UI routes to {@code router}. */
    public static void mount(Router router, OpenApiDocument document) {
        String json = document.json();
        router.get(DOCUMENT_PATH).handler(ctx -> ctx.response()
                .putHeader("content-type", "application/json; charset=utf-8")
                .end(json));
        // A route on /docs matches /docs/ too: redirect only the path without the slash.
        router.get("/docs").handler(ctx -> {
            if (ctx.request().path().equals("/docs")) {
                ctx.response().setStatusCode(301).putHeader("location", UI_PATH).end();
            } else {
                ctx.next();
            }
        });
        router.get(UI_PATH + "swagger-initializer.js").handler(ctx -> ctx.response()
                .putHeader("content-type", "text/javascript; charset=utf-8")
                .end(INITIALIZER));
        router.get(UI_PATH + "*").handler(StaticHandler.create("META-INF/resources/webjars/swagger-ui/" + swaggerUiVersion()));
    }

    /** The version of the swagger-ui webjar on the class path, from its Maven metadata (the folder its files are in). */
    static String swaggerUiVersion() {
        try (InputStream in = DocsHandler.class.getResourceAsStream("/META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("org.webjars:swagger-ui is not on the class path");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
