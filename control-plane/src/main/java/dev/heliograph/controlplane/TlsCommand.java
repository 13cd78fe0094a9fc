package dev.heliograph.controlplane;

import dev.heliograph.controlplane.config.HeliographConfig;
import dev.heliograph.controlplane.tls.ServerTls;
import dev.heliograph.controlplane.tls.TlsSetupException;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code heliograph tls}: the agent server's certificates (see {@code rotate}). */
@Command(name = "tls", mixinStandardHelpOptions = true, description = "Manage the agent server's TLS certificates.",
        subcommands = TlsCommand.RotateCommand.class)
final class TlsCommand extends CommandGroup {
    /**
     * {@code heliograph tls rotate [--config FILE] [--set key=value]...}: re-issues the self-signed
     * server certificate in {@code tls.dir} with the same CA, so pinned agents keep working, and prints
     * the new certificate's expiry and the CA fingerprint. A running control plane uses it after a
     * restart. Exit codes: 0 done, 1 failed (one line), 2 bad configuration, custom mode, or usage.
     */
    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = "Re-issue the agent server certificate with the same CA (restart the control plane to use it).")
    static final class RotateCommand implements Callable<Integer> {
        @CommandLine.Mixin
        ConfigOptions options;

        @Override
        public Integer call() {
            HeliographConfig cfg = options.loadOrReport();
            if (cfg == null) {
                return 2;
            }
            if (HeliographConfig.Tls.CUSTOM.equals(cfg.tls().mode())) {
                System.err.println("heliograph: tls rotate: tls.mode is custom: replace tls.cert_file and tls.key_file and restart");
                return 2;
            }
            try {
                ServerTls tls = ServerTls.rotate(cfg.tls(), Clock.systemUTC());
                System.out.println("server certificate re-issued, valid until " + tls.serverExpiry());
                System.out.println("CA fingerprint sha256:" + tls.caFingerprint());
                return 0;
            } catch (TlsSetupException e) {
                System.err.println("heliograph: tls rotate: " + e.getMessage());
                return 1;
            }
        }
    }
}
