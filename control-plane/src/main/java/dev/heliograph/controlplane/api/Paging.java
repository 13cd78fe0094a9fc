package dev.heliograph.controlplane.api;

import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * Cursor paging of list endpoints: {@code limit} 1..500 (default 50) and an opaque
 * {@code cursor}, which is base64url text the server made; clients pass {@code next_cursor} back.
 */
public final class Paging {
    /** Default page size. */
    public static final int DEFAULT_LIMIT = 50;
    /** Largest page size. */
    public static final int MAX_LIMIT = 500;

    private Paging() {
    }

    /** The {@code limit} parameter; throws {@link ApiException} 400 when it is not 1..500. */
    public static int limit(RoutingContext ctx) {
        String text = ctx.request().getParam("limit");
        if (text == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ApiException.badParameter("limit", "limit must be a whole number between 1 and " + MAX_LIMIT);
    }

    /**
     * Answers one page from {@code fetched}, which holds up to {@code limit + 1} rows in order (the
     * extra row only tells that more follow): the first {@code limit} rows as {@code view} shows them,
     * and a {@code next_cursor} made from the last row shown by {@code cursorOf}, or {@code null}.
     */
    public static <T> void respond(RoutingContext ctx, List<T> fetched, int limit, Function<T, ?> view,
                                   Function<T, String> cursorOf) {
        boolean more = fetched.size() > limit;
        List<T> page = more ? fetched.subList(0, limit) : fetched;
        Responses.page(ctx, page.stream().map(view).toList(), more ? encode(cursorOf.apply(page.getLast())) : null);
    }

    /** Wraps cursor state into the opaque form. */
    public static String encode(String state) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(state.getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor state, or {@code null} without a cursor; throws 400 when it is not one of ours. */
    public static String decode(RoutingContext ctx) {
        String text = ctx.request().getParam("cursor");
        if (text == null || text.isEmpty()) {
            return null;
        }
        String state;
        try {
            state = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.badParameter("cursor", "cursor is not valid; pass next_cursor back unchanged");
        }
        if (state.chars().anyMatch(Character::isISOControl)) { // never in our cursors; Postgres refuses a NUL in text
            throw ApiException.badParameter("cursor", "cursor is not valid; pass next_cursor back unchanged");
        }
        return state;
    }
}
