package dev.heliograph.controlplane.control;

import java.util.List;

/**
 * What a good reload did; the body of {@code 200} from {@code POST /-/reload}.
 *
 * @param applied         live keys whose new values are now in force (changed since the last good load)
 * @param restartRequired keys whose value in the file differs from the value the process started
 *                        with and that only a restart applies; listed at every reload until then
 */
public record ReloadResult(List<String> applied, List<String> restartRequired) {
    public ReloadResult {
        applied = List.copyOf(applied);
        restartRequired = List.copyOf(restartRequired);
    }
}
