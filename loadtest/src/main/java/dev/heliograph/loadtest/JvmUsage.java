package dev.heliograph.loadtest;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * What this JVM used over a window: CPU ({@code OperatingSystemMXBean.getProcessCpuTime}), heap
 * used (sampled by {@link #sampleHeap()}), and GC pauses (from the collectors' notifications; the
 * concurrent cycles of ZGC and Shenandoah, beans named {@code "... Cycles"}, are not pauses and are
 * left out; G1's three beans all report pauses). Listens from {@link #start()} to {@link #close()}.
 * Thread-safe.
 */
public final class JvmUsage implements AutoCloseable {
    /** A point to measure from ({@link #mark()}). */
    public record Mark(long wallNanos, long cpuNanos, long runQueueNanos) {
    }

    /**
     * Use over one window.
     *
     * @param seconds       wall time of the window
     * @param cpuCores      CPU time ÷ wall time (1.0 = one core busy)
     * @param heapUsedMb    heap used at the end, MiB
     * @param heapMaxMb     most heap used seen by a sample in the window, MiB
     * @param gcPauses      pauses that ended in the window
     * @param gcPauseMs     their total, ms
     * @param gcPauseMaxMs  the longest, ms (0 without pauses)
     * @param runQueueCores time this JVM's threads were ready to run but waited for a CPU, ÷ wall time
     *                      (from {@code /proc/self/task/<tid>/schedstat}; how much other work on the
     *                      machine held it back; NaN where that file is missing)
     */
    public record Window(double seconds, double cpuCores, long heapUsedMb, long heapMaxMb, long gcPauses,
                         double gcPauseMs, double gcPauseMaxMs, double runQueueCores) {
        /** CPU seconds used in the window. */
        public double cpuSeconds() {
            return cpuCores * seconds;
        }
    }

    private record Pause(long atNanos, double ms) {
    }

    private record HeapSample(long atNanos, long bytes) {
    }

    private final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final ConcurrentLinkedQueue<Pause> pauses = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<HeapSample> heap = new ConcurrentLinkedQueue<>();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener = this::onGc;

    private JvmUsage() {
    }

    /** Starts listening to every garbage collector of this JVM. */
    public static JvmUsage start() {
        JvmUsage usage = new JvmUsage();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter && !gc.getName().endsWith("Cycles")) {
                emitter.addNotificationListener(usage.listener, null, null);
                usage.emitters.add(emitter);
            }
        }
        return usage;
    }

    /** Now, as a start of a window. */
    public Mark mark() {
        sampleHeap();
        return new Mark(System.nanoTime(), os.getProcessCpuTime(), runQueueNanos());
    }

    /** Records the heap used now; call it every few hundred ms while a window runs. */
    public void sampleHeap() {
        heap.add(new HeapSample(System.nanoTime(), memory.getHeapMemoryUsage().getUsed()));
    }

    /** Use from {@code from} until now. */
    public Window since(Mark from) {
        sampleHeap();
        long now = System.nanoTime();
        double seconds = (now - from.wallNanos()) / 1e9;
        double cores = (os.getProcessCpuTime() - from.cpuNanos()) / (double) (now - from.wallNanos());
        long count = 0;
        double total = 0;
        double max = 0;
        for (Pause pause : pauses) {
            if (pause.atNanos() >= from.wallNanos()) {
                count++;
                total += pause.ms();
                max = Math.max(max, pause.ms());
            }
        }
        long heapMax = 0;
        for (HeapSample sample : heap) {
            if (sample.atNanos() >= from.wallNanos()) {
                heapMax = Math.max(heapMax, sample.bytes());
            }
        }
        long runQueue = runQueueNanos();
        double waited = runQueue < 0 || from.runQueueNanos() < 0 ? Double.NaN
                : Math.max(0, runQueue - from.runQueueNanos()) / (double) (now - from.wallNanos());
        return new Window(seconds, cores, memory.getHeapMemoryUsage().getUsed() >> 20, heapMax >> 20, count, total, max, waited);
    }

    /** Nanoseconds this JVM's live threads spent waiting on a run queue (schedstat's 2nd field), or -1. */
    private static long runQueueNanos() {
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            long sum = 0;
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    sum += Long.parseLong(Files.readString(task.resolve("schedstat")).trim().split(" ")[1]);
                } catch (IOException | RuntimeException gone) {
                    // the thread ended while we listed them
                }
            }
            return sum;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private void onGc(Notification notification, Object handback) {
        if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
            pauses.add(new Pause(System.nanoTime(), info.getGcInfo().getDuration()));
        }
    }

    /** Stops listening. */
    @Override
    public void close() {
        for (NotificationEmitter emitter : emitters) {
            try {
                emitter.removeNotificationListener(listener);
            } catch (ListenerNotFoundException ignored) {
                // already gone
            }
        }
    }
}
