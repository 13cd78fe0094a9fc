package dev.heliograph.controlplane;

import picocli.CommandLine.Command;

/**
 * {@code heliograph targets}: config as code for targets over the REST API ({@link ConfigFileCommands}).
 * {@code export} prints the org's targets as a file, {@code apply} makes the org's targets equal to a
 * file and prints the plan.
 */
@Command(name = "targets", mixinStandardHelpOptions = true,
        description = "Export and apply an org's targets as a YAML or JSON file (config as code), over the REST API.",
        subcommands = {TargetsCommand.ExportCommand.class, TargetsCommand.ApplyCommand.class})
final class TargetsCommand extends CommandGroup {
    /** The target file: {@code /api/v1/targets:export} and {@code :apply}. */
    static final ConfigFileCommands.Kind KIND = new ConfigFileCommands.Kind("targets", "/api/v1/targets", "target", false);

    /** {@code heliograph targets export [--format yaml|json]}: every target of the key's org, secrets masked as {@code ***}. */
    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Print the org's targets as a target file (secrets masked as ***): heliograph targets export > targets.yaml")
    static final class ExportCommand extends ConfigFileCommands.Export {
        @Override
        ConfigFileCommands.Kind kind() {
            return KIND;
        }
    }

    /** {@code heliograph targets apply FILE [--dry-run] [--prune]} (or {@code -f FILE}). */
    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = "Make the org's targets equal to a target file, matched by key, and print the plan.")
    static final class ApplyCommand extends ConfigFileCommands.Apply {
        @Override
        ConfigFileCommands.Kind kind() {
            return KIND;
        }
    }
}
