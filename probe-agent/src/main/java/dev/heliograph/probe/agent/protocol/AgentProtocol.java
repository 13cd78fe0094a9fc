package dev.heliograph.probe.agent.protocol;

/**
 * Paths and headers of the agent protocol (DESIGN.md "Agent protocol"), shared by the control
 * plane's agent server and the agent. Every request but {@link #REGISTER} carries the three
 * signature headers (see {@link RequestSignature}).
 */
public final class AgentProtocol {
    /** {@code POST}: trades a registration token for an agent id and key ({@link RegisterRequest}). */
    public static final String REGISTER = "/agent/v1/register";
    /** {@code GET ?version=N}: long-poll for work ({@link WorkResponse}, or 204 at the hold timeout). */
    public static final String WORK = "/agent/v1/work";
    /** {@code POST}: a batch of results ({@link ResultBatch}), answered by a {@link BatchAck}. */
    public static final String RESULTS = "/agent/v1/results";
    /** {@code POST /agent/v1/jobs/{job_id}/result}: the result of an on-demand job ({@link JobResult}). */
    public static final String JOB_RESULT_PREFIX = "/agent/v1/jobs/";
    /** Header: the agent's id. */
    public static final String AGENT_HEADER = "X-Heliograph-Agent";
    /** Header: the request's time, Unix epoch seconds. */
    public static final String TIMESTAMP_HEADER = "X-Heliograph-Timestamp";
    /** Header: lower-case hex HMAC-SHA256, see {@link RequestSignature}. */
    public static final String SIGNATURE_HEADER = "X-Heliograph-Signature";
    /** Prefix of one-time registration tokens. */
    public static final String TOKEN_PREFIX = "hg_reg_";
    /** Prefix of agent keys. */
    public static final String KEY_PREFIX = "hg_agk_";

    private AgentProtocol() {
    }

    /** The path an on-demand job's result is posted to. */
    public static String jobResultPath(String jobId) {
        return JOB_RESULT_PREFIX + jobId + "/result";
    }
}
