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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Claude's native tool use: each model turn may ask for several tool calls, and all of them run at once as
 * independent steps. With a streaming model each call is dispatched the moment its arguments are complete
 * in the stream, while the model is still writing the rest of the turn. Results go back to the model in
 * the order it asked for them. The run ends when a turn asks for no tool.
 *
 * <p>Each call becomes a step whose id is the model's tool-call id, made unique within the run when the
 * model reuses an id (in a later turn, or twice in one turn): every call runs and gets its own result.
 */
public final class ToolUsePlanner implements Planner {

    @Override
    public Optional<String> round(PlanningContext context) {
        ChatRequest request = ChatRequest.builder()
                .messages(List.copyOf(context.conversation()))
                .toolSpecifications(context.tools().specifications())
                .build();
        TurnCalls dispatched = new TurnCalls(context);
        PlanningContext.ModelTurn turn = context.stream(
                "turn", request, (modelCallId, call) -> dispatched.streamed(call, modelCallId), (id, text) -> {});
        AiMessage message = turn.response().aiMessage();
        context.conversation().add(message);
        if (!message.hasToolExecutionRequests()) {
            return Optional.of(message.text() == null ? "" : message.text());
        }
        List<CompletableFuture<StepResult>> ordered = new ArrayList<>();
        int position = 0;
        for (ToolExecutionRequest call : message.toolExecutionRequests()) {
            ordered.add(dispatched.inResponse(call, ++position, turn.id()));
        }
        List<StepResult> results = context.await(ordered);
        for (int i = 0; i < results.size(); i++) {
            ToolExecutionRequest call = message.toolExecutionRequests().get(i);
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

    /**
     * The calls of one turn: those dispatched while streaming, matched in order to the calls of the final
     * response (by id, the n-th occurrence of an id to the n-th dispatch of it).
     */
    private static final class TurnCalls {
        private final PlanningContext context;
        private final Map<String, List<CompletableFuture<StepResult>>> streamed = new HashMap<>();
        private final Map<String, Integer> taken = new HashMap<>();

        TurnCalls(PlanningContext context) {
            this.context = context;
        }

        synchronized void streamed(ToolExecutionRequest call, String modelCallId) {
            if (call.id() != null && !call.id().isBlank()) {
                streamed.computeIfAbsent(call.id(), id -> new ArrayList<>())
                        .add(dispatch(context, call, call.id(), modelCallId));
            }
        }

        synchronized CompletableFuture<StepResult> inResponse(ToolExecutionRequest call, int position, String turnId) {
            boolean named = call.id() != null && !call.id().isBlank();
            String id = named ? call.id() : turnId + "-call-" + position;
            int index = taken.merge(id, 1, Integer::sum) - 1;
            List<CompletableFuture<StepResult>> early = streamed.getOrDefault(id, List.of());
            return index < early.size() ? early.get(index) : dispatch(context, call, id, turnId);
        }
    }

    private static CompletableFuture<StepResult> dispatch(
            PlanningContext context, ToolExecutionRequest call, String wantedId, String plannedBy) {
        String id = context.uniqueStepId(wantedId);
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
