package dev.quarry.agent.plan;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.quarry.agent.schedule.Step;
import dev.quarry.agent.schedule.StepResult;
import dev.quarry.agent.schedule.StepStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Claude's native tool use: each model turn may ask for several tool calls, and all of them run at once as
 * independent steps. With a streaming model each call is dispatched the moment its arguments are complete
 * in the stream, while the model is still writing the rest of the turn. Results go back to the model in
 * the order it asked for them. The run ends when a turn asks for no tool.
 */
public final class ToolUsePlanner implements Planner {

    @Override
    public Optional<String> round(PlanningContext context) {
        ChatRequest request = ChatRequest.builder()
                .messages(List.copyOf(context.conversation()))
                .toolSpecifications(context.tools().specifications())
                .build();
        Map<String, CompletableFuture<StepResult>> dispatched = new LinkedHashMap<>();
        PlanningContext.ModelTurn turn = context.stream(
                "turn",
                request,
                (modelCallId, call) -> {
                    if (call.id() != null && !call.id().isBlank()) {
                        synchronized (dispatched) {
                            dispatched.computeIfAbsent(call.id(), id -> dispatch(context, call, id, modelCallId));
                        }
                    }
                },
                (modelCallId, text) -> {});
        AiMessage message = turn.response().aiMessage();
        Optional<PlanningContext.Prefetch> prefetch =
                context.takePrefetch().filter(p -> message.hasToolExecutionRequests() && !asksFor(message, p.step()));
        if (!message.hasToolExecutionRequests()) {
            context.conversation().add(message);
            return Optional.of(message.text() == null ? "" : message.text());
        }
        List<CompletableFuture<StepResult>> ordered = new ArrayList<>();
        int position = 0;
        for (ToolExecutionRequest call : message.toolExecutionRequests()) {
            position++;
            boolean named = call.id() != null && !call.id().isBlank();
            String id = named ? call.id() : turn.id() + "-call-" + position;
            synchronized (dispatched) {
                ordered.add(dispatched.computeIfAbsent(id, ignored -> dispatch(context, call, id, turn.id())));
            }
        }
        List<ToolExecutionRequest> calls = new ArrayList<>(message.toolExecutionRequests());
        if (prefetch.isPresent()) {
            // Offer the prefetched search as if the model had asked for it in this turn: it already ran.
            ordered.add(prefetch.get().result());
            calls.add(ToolExecutionRequest.builder()
                    .id(prefetch.get().step().id())
                    .name(prefetch.get().step().tool())
                    .arguments(prefetch.get().step().arguments().toString())
                    .build());
        }
        List<StepResult> results = context.await(ordered);
        if (prefetch.isPresent() && !results.getLast().status().succeeded()) {
            results = results.subList(0, results.size() - 1);
            calls.removeLast();
        } else if (prefetch.isPresent()) {
            context.prefetchUsed();
        }
        context.conversation()
                .add(
                        calls.size() == message.toolExecutionRequests().size()
                                ? message
                                : message.text() == null
                                        ? AiMessage.from(calls)
                                        : AiMessage.from(message.text(), calls));
        for (int i = 0; i < results.size(); i++) {
            ToolExecutionRequest call = calls.get(i);
            StepResult result = results.get(i);
            context.conversation()
                    .add(ToolExecutionResultMessage.builder()
                            .id(call.id())
                            .toolName(call.name())
                            .text(result.text())
                            .isError(result.isError())
                            .build());
        }
        return Optional.empty();
    }

    /** Whether the turn already asks for the very call the prefetch made (deduplication then serves it). */
    private static boolean asksFor(AiMessage message, Step step) {
        return message.toolExecutionRequests().stream()
                .anyMatch(call -> call.name().equals(step.tool())
                        && ToolCalls.arguments(call)
                                .filter(step.arguments()::equals)
                                .isPresent());
    }

    private static CompletableFuture<StepResult> dispatch(
            PlanningContext context, ToolExecutionRequest call, String id, String plannedBy) {
        Optional<ObjectNode> arguments = ToolCalls.arguments(call);
        if (arguments.isEmpty()) {
            return context.reject(StepResult.rejected(
                    id,
                    call.name(),
                    StepStatus.INVALID_ARGUMENTS,
                    "The arguments of this call are not a JSON object: " + call.arguments()
                            + ". Call the tool again with a JSON object matching its schema."));
        }
        return context.submit(Step.of(id, call.name(), arguments.get()), plannedBy);
    }
}
