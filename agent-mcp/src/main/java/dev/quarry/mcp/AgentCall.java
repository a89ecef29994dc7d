package dev.quarry.mcp;

import dev.quarry.agent.AgentResult;
import dev.quarry.agent.RunEvent;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One served agent run, subscribed to its event stream: each finished step and model call becomes an MCP
 * progress notification when the client asked for progress, the final event becomes the call's result, and
 * cancelling cancels the subscription and so the run and every step in it.
 */
final class AgentCall implements Flow.Subscriber<RunEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(AgentCall.class);

    private final McpSyncServerExchange exchange;
    private final Object progressToken;
    private final CompletableFuture<McpSchema.CallToolResult> outcome = new CompletableFuture<>();
    private final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
    private volatile boolean cancelled;
    private int progress;

    AgentCall(McpSyncServerExchange exchange, Object progressToken) {
        this.exchange = exchange;
        this.progressToken = progressToken;
    }

    CompletableFuture<McpSchema.CallToolResult> outcome() {
        return outcome;
    }

    /** Cancels the run; the outcome completes as cancelled. */
    void cancel() {
        cancelled = true;
        Flow.Subscription current = subscription.get();
        if (current != null) {
            current.cancel();
        }
        outcome.cancel(true);
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription.set(subscription);
        if (cancelled) {
            subscription.cancel();
            return;
        }
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(RunEvent event) {
        switch (event) {
            case RunEvent.StepFinished finished ->
                progress("ran " + finished.result().tool());
            case RunEvent.ModelCallFinished called ->
                progress("model call " + called.usage().id());
            case RunEvent.Finished finished -> outcome.complete(answer(finished.result()));
            case RunEvent.Failed failed ->
                outcome.complete(McpServing.error(failed.error().getMessage()));
            default -> {}
        }
    }

    private static McpSchema.CallToolResult answer(AgentResult result) {
        if (result.waitingForApproval()) {
            return McpServing.error("the run " + result.runId() + " waits for approval of "
                    + result.waiting().stream().map(w -> w.tool()).toList());
        }
        return McpServing.cited(result.answer(), result.citations());
    }

    private void progress(String message) {
        if (progressToken == null || outcome.isDone()) {
            return;
        }
        progress++;
        try {
            exchange.progressNotification(new McpSchema.ProgressNotification(progressToken, progress, null, message));
        } catch (RuntimeException e) {
            LOG.debug(
                    "could not send progress to the MCP client",
                    e); // the client's stream is gone; the watch ends the run
        }
    }

    @Override
    public void onError(Throwable error) {
        outcome.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        outcome.complete(McpServing.error("the run ended without an answer"));
    }
}
