package dev.heliograph.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ApiRoutesTest {
    @Test
    void pathsBecomeAnchoredRegexesWithNamedParameters() {
        Pattern route = Pattern.compile(ApiRoutes.regex("/api/v1/targets/{id}/check-now"));
        Matcher m = route.matcher("/api/v1/targets/abc-1/check-now");
        assertThat(m.matches()).isTrue();
        assertThat(m.group("id")).isEqualTo("abc-1");
        assertThat(route.matcher("/api/v1/targets/a/b/check-now").matches()).isFalse();
        Pattern bulk = Pattern.compile(ApiRoutes.regex("/api/v1/targets:bulk"));
        assertThat(bulk.matcher("/api/v1/targets:bulk").matches()).isTrue();
        assertThat(bulk.matcher("/api/v1/targetsXbulk").matches()).isFalse();
        assertThat(Pattern.compile(ApiRoutes.regex("/api/v1/a.b")).matcher("/api/v1/aXb").matches())
                .as("literal text is quoted").isFalse();
    }

    static final class Handlers {
        @ApiRoute(method = "GET", path = "/api/v1/things/{id}")
        private void one(RoutingContext ctx) {
        }

        @ApiRoute(method = "POST", path = "/api/v1/things/test", role = Role.EDITOR)
        private void test(RoutingContext ctx) {
        }

        @ApiRoute(method = "GET", path = "/api/v1/things")
        private void list(RoutingContext ctx) {
        }
    }

    @Test
    void literalRoutesAreDeclaredBeforeRoutesWithParameters() {
        assertThat(ApiRoutes.declared(List.of(new Handlers())).stream().map(ApiRoutes.Declared::name).toList())
                .containsExactly("GET /api/v1/things", "POST /api/v1/things/test", "GET /api/v1/things/{id}");
    }

    static final class Wrong {
        @ApiRoute(method = "GET", path = "/api/v1/wrong")
        private void wrong(String notAContext) {
        }
    }

    @Test
    void aHandlerWithTheWrongSignatureIsRefusedAtMount() {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            assertThatThrownBy(() -> ApiRoutes.mount(io.vertx.ext.web.Router.router(vertx), header -> null, List.of(new Wrong())))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("GET /api/v1/wrong");
        } finally {
            vertx.close();
        }
    }

    static final class Idempotent {
        @ApiRoute(method = "POST", path = "/api/v1/things:bulk", idempotent = true)
        private void bulk(RoutingContext ctx) {
        }
    }

    @Test
    void anIdempotentRouteNeedsAnIdempotencyToBeMounted() {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            assertThatThrownBy(() -> ApiRoutes.mount(io.vertx.ext.web.Router.router(vertx), header -> null, List.of(new Idempotent())))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("POST /api/v1/things:bulk is idempotent");
        } finally {
            vertx.close();
        }
    }

    @Test
    void rolesIncludeTheOnesBelow() {
        assertThat(Role.ADMIN.allows(Role.EDITOR)).isTrue();
        assertThat(Role.EDITOR.allows(Role.VIEWER)).isTrue();
        assertThat(Role.VIEWER.allows(Role.EDITOR)).isFalse();
        assertThat(Role.parse("editor")).isEqualTo(Role.EDITOR);
        assertThatThrownBy(() -> Role.parse("owner")).hasMessageContaining("admin, editor, viewer");
    }
}
