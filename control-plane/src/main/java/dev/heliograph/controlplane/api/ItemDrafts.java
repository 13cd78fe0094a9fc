package dev.heliograph.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heliograph.domain.CheckSpec;
import dev.heliograph.domain.RegionId;
import dev.heliograph.domain.TargetDraft;
import dev.heliograph.probe.net.AddressGuard;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Turns the target bodies of a bulk request or config file into drafts with the same rules as
 * {@code POST /api/v1/targets}, recording each item's problems in {@link ItemErrors} instead of
 * failing at the first.
 */
final class ItemDrafts {
    private final RegionId defaultRegion;
    private final Supplier<AddressGuard> guard;
    private final Predicate<RegionId> regionExists;
    private final BooleanSupplier canStoreSecrets;

    /**
     * @param guard           the SSRF guard in force now
     * @param regionExists    whether a region a target names exists
     * @param canStoreSecrets whether {@code secret.key} is set
     */
    ItemDrafts(RegionId defaultRegion, Supplier<AddressGuard> guard, Predicate<RegionId> regionExists, BooleanSupplier canStoreSecrets) {
        this.defaultRegion = defaultRegion;
        this.guard = guard;
        this.regionExists = regionExists;
        this.canStoreSecrets = canStoreSecrets;
    }

    /** Item {@code index} bound as a target body; {@code null} (with its errors recorded) when it does not bind. */
    TargetRequest bind(JsonNode item, int index, ItemErrors errors) {
        return bind(item, index, TargetRequest.class, errors);
    }

    /**
     * Item {@code index} of a list bound to {@code type} as a request body is ({@link JsonBody#bind}:
     * unknown and mistyped fields refused); {@code null} (with its errors recorded) when it does not bind.
     */
    static <T> T bind(JsonNode item, int index, Class<T> type, ItemErrors errors) {
        if (!item.isObject()) {
            errors.add(index, "", "INVALID_FIELD_TYPE", "each item must be a JSON object");
            return null;
        }
        try {
            return JsonBody.bind(item, type, "");
        } catch (ApiException e) {
            errors.add(index, e);
            return null;
        }
    }

    /**
     * The validated draft of item {@code index}; {@code null} (with its errors recorded) when invalid.
     *
     * @param stored the stored spec of the target the item replaces, whose secrets {@code "***"} keeps;
     *               {@code null} for a new target
     */
    TargetDraft draft(TargetRequest request, int index, CheckSpec stored, ItemErrors errors) {
        try {
            TargetRequest.Validated validated = request.validate(defaultRegion, guard.get(), regionExists, stored,
                    canStoreSecrets.getAsBoolean());
            errors.addAll(index, validated.errors());
            return validated.draft();
        } catch (ApiException e) {
            errors.add(index, e);
            return null;
        }
    }
}
