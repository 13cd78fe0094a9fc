package dev.heliograph.controlplane.alerting;

/** The kind-specific settings of an alert channel (URL, secret, recipients, ...). */
public interface ChannelSettings {
    /** The channel kind these settings belong to. */
    ChannelKind kind();
}
