/**
 * The probe engine, used in-process by the control plane for its own region and by probe agents:
 * {@code schedule} (jittered per-target ticks), {@code pool} (bounded worker pool), {@code check}
 * (one executor per protocol) and {@code net} (name resolution, address policy).
 */
package dev.heliograph.probe;
