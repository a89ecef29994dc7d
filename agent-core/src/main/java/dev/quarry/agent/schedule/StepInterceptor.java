package dev.quarry.agent.schedule;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.agent.tool.Tool;

/**
 * Behaviour around every tool call of a run, in the style of OkHttp's interceptors: inspect or change the
 * call, answer it without running the tool (a refusal, a cached value), or proceed down the chain to the
 * tool.
 *
 * <p>The chain of a step, outermost first: deduplication (an identical call of the same run is answered by
 * the first), the approval gate (side-effecting tools), the users' interceptors in the order added, output
 * truncation, retry of idempotent tools, and the timeout stage, which holds the concurrency limits and runs
 * the tool on an isolated thread. A user's interceptor therefore sees each distinct, approved call once
 * (not each retry) and the truncated result. Steps that never reach a tool (a failed dependency, an unknown
 * tool, arguments that break the schema) do not enter the chain; {@link StepListener}s see every step.
 */
@FunctionalInterface
public interface StepInterceptor {

    /** Handles one step attempt: usually does its work around {@code chain.proceed(call)} and returns its result. */
    StepResult intercept(StepCall call, Chain chain) throws InterruptedException;

    /** The rest of the chain, ending in the tool call. */
    @FunctionalInterface
    interface Chain {
        /** Passes the call to the next interceptor, the tool at the end of the chain. */
        StepResult proceed(StepCall call) throws InterruptedException;
    }

    /**
     * A step about to run, with its references resolved and its arguments validated.
     *
     * @param runId the run
     * @param step the step with resolved arguments
     * @param tool the tool it calls
     * @param deadline the run's deadline
     */
    record StepCall(String runId, Step step, Tool tool, Deadline deadline) {
        /** The arguments the model gave the tool. */
        public ObjectNode arguments() {
            return step.arguments();
        }
    }
}
