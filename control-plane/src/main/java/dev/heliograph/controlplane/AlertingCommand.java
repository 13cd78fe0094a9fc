package dev.heliograph.controlplane;

import picocli.CommandLine.Command;

/**
 * {@code heliograph alerting}: config as code for the org's alert channels, notification policies
 * and maintenance windows over the REST API ({@link ConfigFileCommands}). {@code export} prints them
 * as one file, {@code apply} makes them equal to a file and prints the plan, one line per item
 * ({@code + create alert_channel oncall}); a webhook secret generated for a new channel is printed
 * once, on a line of its own.
 */
@Command(name = "alerting", mixinStandardHelpOptions = true,
        description = "Export and apply an org's alert channels, notification policies and maintenance windows as a YAML or JSON "
                + "file (config as code), over the REST API.",
        subcommands = {AlertingCommand.ExportCommand.class, AlertingCommand.ApplyCommand.class})
final class AlertingCommand extends CommandGroup {
    /** The alerting file: {@code /api/v1/alerting:export} and {@code :apply}. */
    static final ConfigFileCommands.Kind KIND = new ConfigFileCommands.Kind("alerting", "/api/v1/alerting", "item", true);

    /** {@code heliograph alerting export [--format yaml|json]}: the key's org's alerting, channel secrets masked as {@code ***}. */
    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Print the org's alert channels, notification policies and maintenance windows as an alerting file "
                    + "(secrets masked as ***): heliograph alerting export > alerting.yaml")
    static final class ExportCommand extends ConfigFileCommands.Export {
        @Override
        ConfigFileCommands.Kind kind() {
            return KIND;
        }
    }

    /** {@code heliograph alerting apply FILE [--dry-run] [--prune]} (or {@code -f FILE}). */
    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = "Make the org's alert channels, notification policies and maintenance windows equal to an alerting file, "
                    + "matched by key, and print the plan.")
    static final class ApplyCommand extends ConfigFileCommands.Apply {
        @Override
        ConfigFileCommands.Kind kind() {
            return KIND;
        }
    }
}
