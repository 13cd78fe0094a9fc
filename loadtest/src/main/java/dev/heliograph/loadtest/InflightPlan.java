package dev.heliograph.loadtest;

/**
 * How the in-flight benchmark spreads its checks over processes. Every check in flight holds one
 * socket, so one file descriptor in the engine process that runs it and one in the slow-server
 * process that holds its request. A process may open at most its hard open-files limit (the soft
 * one can be raised that far, and a JVM on Linux does so at start); {@link #margin} of it is kept
 * for the JVM's own files (JARs, epoll, pipes). When the rest is below the number of targets, the
 * checks are split evenly over {@code ceil(targets / budget)} engine processes, and the connections
 * likewise over as many slow-server processes.
 *
 * @param targets       checks held in flight at once, at least 1
 * @param hardLimit     the open-files hard limit the plan was made for
 * @param budget        sockets one process may hold: {@code hardLimit - margin(hardLimit)}
 * @param engineShards  engine processes (each a whole probe engine in its own JVM)
 * @param serverShards  slow-server processes
 * @param forced        whether the limit (not {@code --shards}) chose more than one process
 */
public record InflightPlan(int targets, long hardLimit, long budget, int engineShards, int serverShards, boolean forced) {
    /** The fewest descriptors kept free for the JVM itself in each process. */
    static final int MIN_MARGIN = 1_000;

    /**
     * The plan for {@code targets} checks under the open-files hard limit {@code hardLimit}; with
     * {@code shards > 0}, that many engine and server processes instead (the limit is still shown).
     *
     * @throws IllegalArgumentException targets below 1, or a limit so low that no socket fits
     */
    public static InflightPlan of(int targets, long hardLimit, int shards) {
        if (targets < 1) {
            throw new IllegalArgumentException("targets must be at least 1, was " + targets);
        }
        long budget = hardLimit - margin(hardLimit);
        if (budget < 1) {
            throw new IllegalArgumentException("the open-files hard limit " + hardLimit + " leaves no room for sockets");
        }
        int needed = (int) Math.min(Integer.MAX_VALUE, (targets + budget - 1) / budget);
        int processes = shards > 0 ? shards : needed;
        return new InflightPlan(targets, hardLimit, budget, processes, processes, shards <= 0 && needed > 1);
    }

    /** Descriptors kept for the JVM in a process whose limit is {@code hardLimit}: 5 %, at least {@link #MIN_MARGIN}. */
    static long margin(long hardLimit) {
        return Math.max(MIN_MARGIN, hardLimit / 20);
    }

    /** How many of the targets engine shard {@code shard} (0-based) runs; the shares differ by at most one. */
    public int shareOf(int shard) {
        return targets / engineShards + (shard < targets % engineShards ? 1 : 0);
    }

    /** The index of engine shard {@code shard}'s first target among all targets (0-based). */
    public int firstOf(int shard) {
        return shard * (targets / engineShards) + Math.min(shard, targets % engineShards);
    }

    /** One line for the report: how many processes, and what chose that number. */
    public String describe() {
        String limit = hardLimit == Long.MAX_VALUE ? "unlimited" : String.valueOf(hardLimit);
        String why = forced ? "forced by the open-files hard limit " + limit + " (" + budget + " sockets per process after a margin of "
                + margin(hardLimit) + ")"
                : engineShards == 1 ? "the open-files hard limit " + limit + " allows " + budget + " sockets per process"
                : "set by --shards (the open-files hard limit " + limit + " allows " + budget + " sockets per process)";
        return engineShards + " engine JVMs × ≤ " + shareOf(0) + " checks, " + serverShards + " slow-server JVMs × ≤ "
                + (targets + serverShards - 1) / serverShards + " connections: " + why;
    }
}
