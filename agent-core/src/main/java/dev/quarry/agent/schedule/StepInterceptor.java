package dev.quarry.agent.schedule;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.agent.tool.Tool;

/**
 * Behaviour around a step, in the style of OkHttp's interceptors: inspect or change the call, answer it
 * without running the tool (a refusal, a cached value), or proceed down the chain to the tool. Approval of
 * side-effecting tools is one such interceptor; users add their own (redaction, auditing, quotas).
 */
@FunctionalInterface
public interface StepInterceptor {

    StepResult intercept(StepCall call, Chain chain) throws InterruptedException;

    /** The rest of the chain, ending in the tool call with timeouts and retries. */
    interface Chain {
        StepResult proceed(StepCall call) throws InterruptedException;
    }

    /**
     * A step about to run, with its references resolved and its arguments validated.
     *
     * @param runId the run
     * @param step the step with resolved arguments
     * @param tool the tool it calls
     */
    record StepCall(String runId, Step step, Tool tool) {
        public ObjectNode arguments() {
            return step.arguments();
        }
    }
}
