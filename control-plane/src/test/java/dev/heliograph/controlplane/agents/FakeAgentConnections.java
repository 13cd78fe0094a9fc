package dev.heliograph.controlplane.agents;

import java.util.concurrent.atomic.AtomicInteger;

/** Held polls as a number: {@code disconnectOne()} takes one away; tests add agents as they like. */
public final class FakeAgentConnections implements AgentConnections {
    private final AtomicInteger held;
    private final AtomicInteger leaving = new AtomicInteger();
    private final AtomicInteger disconnectCalls = new AtomicInteger();

    public FakeAgentConnections(int held) {
        this.held = new AtomicInteger(held);
    }

    @Override
    public int connected() {
        return held.get() + leaving.get();
    }

    @Override
    public boolean disconnectOne() {
        disconnectCalls.incrementAndGet();
        return held.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    }

    /** Agents that connect (during a drain, say). */
    public void connect(int agents) {
        held.addAndGet(agents);
    }

    /**
     * Agents that {@code connected()} still counts but whose polls end on their own before the
     * drain reaches them: {@code disconnectOne()} never finds them.
     */
    public FakeAgentConnections leaving(int agents) {
        leaving.set(agents);
        return this;
    }

    /** Calls to {@code disconnectOne()} so far, including those that found nothing. */
    public int disconnectCalls() {
        return disconnectCalls.get();
    }
}
