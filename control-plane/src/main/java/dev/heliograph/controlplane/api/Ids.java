package dev.heliograph.controlplane.api;

import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/** Ids taken from requests: the path's {@code {id}} and id-valued query parameters and cursors. */
final class Ids {
    private Ids() {
    }

    /**
     * The path parameter {@code id} as a UUID. Text that is not one answers like an id that does not
     * exist: {@code notFound} of the text is thrown, so a malformed id and an unknown one look alike.
     */
    static UUID path(RoutingContext ctx, Function<String, ApiException> notFound) {
        String text = ctx.pathParam("id");
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw notFound.apply(text);
        }
    }

    /**
     * {@code text} (a query parameter, or a decoded cursor) as a UUID, {@code null} when absent. Throws
     * 400 {@code INVALID_PARAMETER} naming {@code name} when it is not one.
     */
    static UUID parameter(String text, String name) {
        try {
            return text == null ? null : UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.badParameter(name, name.equals("cursor") ? "cursor is not valid; pass next_cursor back unchanged"
                    : name + " must be an id (a UUID)");
        }
    }

    /** The 404 of an unknown id: {@code code} (e.g. {@code INCIDENT_NOT_FOUND}), "no {@code what} with id ...", {@code details.id}. */
    static ApiException notFound(String code, String what, String id) {
        return new ApiException(404, code, "no " + what + " with id " + id, Map.of("id", id));
    }
}
