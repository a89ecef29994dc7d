package dev.quarry.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.quarry.agent.model.ModelCall;
import dev.quarry.agent.model.ModelInterceptor;
import dev.quarry.agent.model.ModelResponse;
import dev.quarry.agent.schedule.Step;
import dev.quarry.agent.schedule.StepResult;
import dev.quarry.agent.tool.Citation;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

/**
 * The {@link LookAhead} of one run: its steps and, as a model interceptor, the wait for them before the first
 * planner call and their results appended to the task's message of every planner call.
 */
final class RunLookAhead implements AgentPlugin.RunPart, ModelInterceptor {

    private final List<Step> steps = new ArrayList<>();
    private volatile List<CompletableFuture<StepResult>> futures = List.of();
    private volatile String context;

    RunLookAhead(String toolName, List<ObjectNode> predictions, UnaryOperator<String> uniqueStepId) {
        for (ObjectNode arguments : predictions) {
            steps.add(Step.of(uniqueStepId.apply(LookAhead.STEP_PREFIX + (steps.size() + 1)), toolName, arguments));
        }
    }

    @Override
    public List<Step> steps() {
        return steps;
    }

    @Override
    public void submitted(List<CompletableFuture<StepResult>> submitted) {
        this.futures = List.copyOf(submitted);
    }

    @Override
    public java.util.Optional<ModelInterceptor> modelInterceptor() {
        return java.util.Optional.of(this);
    }

    @Override
    public ModelResponse intercept(ModelCall call, Chain chain) {
        if (call.toolStep().isPresent()) {
            return chain.proceed(call);
        }
        String text = context(call);
        return chain.proceed(text.isEmpty() ? call : call.withRequest(withContext(call.request(), text)));
    }

    /** The predictions' results, once all have ended (waited for by the first planner call, never past the deadline). */
    private synchronized String context(ModelCall call) {
        if (context != null) {
            return context;
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < steps.size() && i < futures.size(); i++) {
            StepResult result = await(futures.get(i), call.deadline().remainingNanos());
            if (result != null && result.status().succeeded()) {
                Step step = steps.get(i);
                text.append(step.tool())
                        .append(' ')
                        .append(step.arguments())
                        .append(":\n")
                        .append(result.text().strip())
                        .append("\n\n");
            }
        }
        context = text.isEmpty()
                ? ""
                : LookAhead.CONTEXT_HEADING + " (predicted from the task: use what answers it and cite it by its"
                        + " labels; call tools for anything missing):\n\n"
                        + text.toString().strip();
        return context;
    }

    private static StepResult await(CompletableFuture<StepResult> future, long nanos) {
        try {
            return future.get(nanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The request with the context appended to its first user message (the task), or after it if none has text. */
    private static ChatRequest withContext(ChatRequest request, String text) {
        List<ChatMessage> messages = new ArrayList<>(request.messages());
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i) instanceof UserMessage user && user.hasSingleText()) {
                messages.set(i, UserMessage.from(user.singleText() + "\n\n" + text));
                return request.toBuilder().messages(messages).build();
            }
        }
        messages.add(UserMessage.from(text));
        return request.toBuilder().messages(messages).build();
    }

    /** A prediction's citations count only when the answer names them. */
    @Override
    public boolean keepsCitation(StepResult step, Citation citation, String answer) {
        return steps.stream().noneMatch(s -> s.id().equals(step.stepId())) || RunSteps.namedIn(answer, citation);
    }
}
