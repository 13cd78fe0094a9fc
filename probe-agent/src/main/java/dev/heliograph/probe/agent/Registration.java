package dev.heliograph.probe.agent;

import dev.heliograph.probe.agent.protocol.RegisterRequest;
import dev.heliograph.probe.agent.protocol.RegisterResponse;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trades the registration token of {@link AgentSettings#token} for an {@link AgentIdentity}. While
 * the control plane cannot be reached, or answers 503 (its gate is closed), it tries again: after
 * {@code Retry-After} plus up to 1 s of jitter when given, else with backoff from 1 s doubling to
 * 15 s. A refused or rejected token fails with {@link AgentFatalException}, and so does a token for
 * another region than {@link AgentSettings#region}: the control plane has then registered an agent
 * that will never run, which the message names so the operator can delete it. A control plane whose
 * certificate or CA fails the first-contact checks of {@link AgentClient#register} is fatal too.
 */
final class Registration {
    private static final Logger LOG = LoggerFactory.getLogger(Registration.class);

    private final Vertx vertx;
    private final AgentSettings settings;
    private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(15));
    private final Promise<Enrolled> done = Promise.promise();

    private Registration(Vertx vertx, AgentSettings settings) {
        this.vertx = vertx;
        this.settings = settings;
    }

    /** A new identity and the CA to pin ({@code null} over plain {@code http}). */
    record Enrolled(AgentIdentity identity, PinnedCa ca) {
    }

    /** Registers with the control plane of {@code settings}, which must hold a token and a region; completes with the new identity. */
    static Future<Enrolled> register(Vertx vertx, AgentSettings settings) {
        Registration registration = new Registration(vertx, settings);
        registration.attempt();
        return registration.done.future();
    }

    private void attempt() {
        RegisterRequest request = new RegisterRequest(settings.token(), settings.name(), ProbeAgent.VERSION);
        AgentClient.register(vertx, settings, request).onComplete(answer -> {
            if (answer.succeeded()) {
                accept(answer.result().response(), answer.result().ca());
            } else if (answer.cause() instanceof AgentCallException e && e.untrusted()) {
                done.fail(new AgentFatalException(e.getMessage(), e));
            } else if (answer.cause() instanceof AgentCallException e && e.kind() == AgentCallException.Kind.TRANSIENT) {
                long delayMs = e.retryAfter() != null ? Backoff.jittered(e.retryAfter(), Duration.ofSeconds(1)) : backoff.next();
                LOG.warn("cannot register with {} yet: {}; trying again in {} ms", settings.controlPlane(), e.getMessage(),
                        delayMs);
                vertx.setTimer(delayMs, id -> attempt());
            } else if (answer.cause() instanceof AgentCallException e && e.kind() == AgentCallException.Kind.REFUSED) {
                done.fail(new AgentFatalException("the control plane refused the registration token (unknown, used, "
                        + "expired or revoked: create a new one): " + e.getMessage(), e));
            } else {
                done.fail(new AgentFatalException("the control plane rejected the registration: "
                        + answer.cause().getMessage(), answer.cause()));
            }
        });
    }

    private void accept(RegisterResponse response, PinnedCa ca) {
        AgentIdentity identity;
        try {
            identity = new AgentIdentity(response.agentId(), response.agentKey(), response.region(),
                    settings.controlPlane().toString());
        } catch (RuntimeException e) {
            done.fail(new AgentFatalException("the control plane's registration answer is incomplete: " + e.getMessage(), e));
            return;
        }
        if (!identity.regionId().equals(settings.region())) {
            done.fail(new AgentFatalException("token is for region " + identity.region() + ", not " + settings.region()
                    + "; the control plane registered agent " + identity.agentId() + " all the same and this agent "
                    + "did not keep it: delete it (DELETE /api/v1/agents/" + identity.agentId() + ")", null));
            return;
        }
        if (response.pollHoldS() > settings.pollHold().toSeconds()) {
            LOG.warn("the control plane holds polls {} s, longer than the {} s this agent expects", response.pollHoldS(),
                    settings.pollHold().toSeconds());
        }
        done.complete(new Enrolled(identity, ca));
    }
}
