package dev.quarry.agent;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.quarry.agent.model.ModelCall;
import dev.quarry.agent.model.ModelInterceptor;
import dev.quarry.agent.model.ModelResponse;
import dev.quarry.agent.schedule.Step;
import dev.quarry.agent.schedule.StepResult;
import dev.quarry.agent.tool.Citation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link Prefetch} of one run: its step and, as a model interceptor, the offer of its result to every
 * planner call that starts after it succeeded (never waiting for it). It learns the result as a step
 * listener, which the scheduler tells before anyone else.
 */
final class RunPrefetch implements ModelInterceptor, AgentPlugin.RunPart {

    static final String STEP_ID = "prefetch";

    private final Step step;
    private volatile CompletableFuture<StepResult> future;
    private volatile StepResult finished;
    private volatile StepResult offered;

    RunPrefetch(Prefetch prefetch, String task, String stepId) {
        this.step = Step.of(stepId, prefetch.toolName(), prefetch.argumentsFor(task));
    }

    @Override
    public List<Step> steps() {
        return List.of(step);
    }

    @Override
    public void submitted(List<CompletableFuture<StepResult>> futures) {
        this.future = futures.getFirst();
    }

    @Override
    public Optional<ModelInterceptor> modelInterceptor() {
        return Optional.of(this);
    }

    /**
     * A run whose model calls were offered the result waits for the step's future, so its steps include it:
     * the scheduler tells listeners (the offer) before it completes the future.
     */
    @Override
    public void beforeResult() {
        if (wasOffered()) {
            future.join();
        }
    }

    /** The prefetch's citations count only when the answer names them. */
    @Override
    public boolean keepsCitation(StepResult result, Citation citation, String answer) {
        return !result.stepId().equals(step.id()) || usedBy(answer, citation);
    }

    @Override
    public void onFinish(String runId, Step finishedStep, StepResult result) {
        if (finishedStep.id().equals(step.id())) {
            finished = result;
        }
    }

    @Override
    public ModelResponse intercept(ModelCall call, Chain chain) {
        if (call.toolStep().isPresent()) {
            return chain.proceed(call);
        }
        StepResult done = finished;
        if (offered == null && done != null && done.status().succeeded()) {
            offered = done;
        }
        StepResult context = offered;
        return chain.proceed(context == null ? call : call.withRequest(withContext(call.request(), context)));
    }

    private ChatRequest withContext(ChatRequest request, StepResult context) {
        String text = Prefetch.CONTEXT_HEADING + " (" + step.tool() + " " + step.arguments()
                + "; use it if it helps, and cite what you use by its labels):\n" + context.text();
        List<ChatMessage> messages = new ArrayList<>(request.messages());
        int system = -1;
        for (int i = 0; i < messages.size() && system < 0; i++) {
            if (messages.get(i) instanceof SystemMessage) {
                system = i;
            }
        }
        if (system < 0) {
            messages.addFirst(SystemMessage.from(text));
        } else {
            messages.set(system, SystemMessage.from(((SystemMessage) messages.get(system)).text() + "\n\n" + text));
        }
        return request.toBuilder().messages(messages).build();
    }

    /** Whether a model call was given the result. */
    boolean wasOffered() {
        return offered != null;
    }

    /** Whether the answer rests on this citation of the prefetch: it was offered and the answer names it. */
    boolean usedBy(String answer, Citation citation) {
        return wasOffered() && RunSteps.namedIn(answer, citation);
    }
}
