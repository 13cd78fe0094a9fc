package dev.heliograph.controlplane;

import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * A command that only groups subcommands ({@code heliograph tls}, {@code heliograph secrets}): run
 * without one, it prints its usage to standard error and exits 2.
 */
abstract class CommandGroup implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(System.err);
        return 2;
    }
}
