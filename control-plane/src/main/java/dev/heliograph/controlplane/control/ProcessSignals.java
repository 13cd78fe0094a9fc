package dev.heliograph.controlplane.control;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The process's POSIX signals, through {@code sun.misc.Signal} (module {@code jdk.unsupported}; the
 * one class that touches it):
 * <ul>
 *   <li>SIGHUP: reload the configuration;</li>
 *   <li>the first SIGINT or SIGTERM: stop gracefully;</li>
 *   <li>a second SIGINT or SIGTERM while stopping: log one line and halt at once with exit code
 *       128 + the signal's number (130, 143), skipping the rest of the graceful stop.</li>
 * </ul>
 * Handlers run on a JVM signal thread; the callbacks must return quickly.
 */
public final class ProcessSignals {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessSignals.class);

    private ProcessSignals() {
    }

    /**
     * Installs the handlers.
     *
     * @param onHangup called for each SIGHUP
     * @param onStop   called once, for the first SIGINT or SIGTERM
     * @return the signals that could not be handled here (e.g. when the JVM runs with {@code -Xrs});
     *         they keep the JVM's default behaviour
     */
    public static List<String> install(Runnable onHangup, Runnable onStop) {
        List<String> unhandled = new ArrayList<>();
        handle("HUP", signal -> {
            LOG.info("SIGHUP received: reloading the configuration");
            onHangup.run();
        }, unhandled);
        AtomicBoolean stopping = new AtomicBoolean();
        for (String name : List.of("INT", "TERM")) {
            handle(name, signal -> {
                if (stopping.compareAndSet(false, true)) {
                    LOG.info("SIG{} received: stopping gracefully (send it again to exit at once)", signal.getName());
                    onStop.run();
                } else {
                    LOG.error("second SIG{} while stopping: exiting at once, results not yet written may be lost",
                            signal.getName());
                    Runtime.getRuntime().halt(128 + signal.getNumber());
                }
            }, unhandled);
        }
        return unhandled;
    }

    private static void handle(String name, sun.misc.SignalHandler handler, List<String> unhandled) {
        try {
            Signal.handle(new Signal(name), handler);
        } catch (IllegalArgumentException e) {
            unhandled.add("SIG" + name);
        }
    }
}
