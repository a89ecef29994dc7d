package dev.quarry.agent.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.internal.JsonSchemaElementUtils;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.quarry.agent.error.InvalidPlanException;
import dev.quarry.agent.error.LimitExceededException;
import dev.quarry.agent.model.ModelRouting;
import dev.quarry.agent.schedule.References;
import dev.quarry.agent.schedule.Step;
import dev.quarry.agent.schedule.StepResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * LLMCompiler-style planning: one model call writes the whole task as a dependency graph, one step per
 * line; the scheduler runs every step whose inputs are ready at once; then either the plan's own answer
 * line is filled in from the results (no further model call), or a joiner call reads the results and
 * answers or asks for a new plan (bounded).
 *
 * <p>Plan format, one JSON object per line:
 *
 * <pre>{@code
 * {"id": 1, "tool": "search", "args": {"query": "population of Lyon"}}
 * {"id": 2, "tool": "search", "args": {"query": "population of Nice"}}
 * {"id": 3, "tool": "calculate", "args": {"expression": "$1 + $2"}}
 * {"answer": "Together they have $3 inhabitants."}
 * }</pre>
 *
 * A string argument may refer to an earlier step's result as {@code $id}; that makes the step depend on it
 * ({@code "after": [ids]} adds dependencies without a reference). With a streaming model each line is
 * dispatched as soon as it is complete, while the model writes the rest of the plan. Invalid plans
 * (unparsable lines, unknown tools, references to missing steps, cycles) are sent back to the model for
 * correction, up to {@code maxPlanAttempts} times.
 *
 * <p>Every request starts with the same system message, {@link #sharedInstructions}: the agent's system prompt
 * and the tool descriptions, identical for every plan and join call of an agent. The instructions for the
 * call's role (planning or joining) follow in a second system message. A provider's prompt cache can then keep
 * the shared part from one call to the next (see {@code ClaudeOnBedrock.Builder.cacheSharedPrefix}); a model
 * or test recognises the role with {@link #isPlanRequest} and {@link #isJoinRequest}.
 */
public final class GraphPlanner implements Planner {

    /** First line of the system message every plan and join request starts with. */
    public static final String AGENT_HEADER = "You are a tool-using agent.";

    /** First line of the planning instructions (the second system message of a planning request). */
    public static final String PLAN_HEADER = "You are the planner of a tool-using agent.";

    /** First line of the joining instructions (the second system message of a join request). */
    public static final String JOIN_HEADER = "You are the joiner of a tool-using agent.";

    /**
     * Longest answer an answer line may expand to; a longer one (a line repeating a reference thousands of
     * times) is not built, and the joiner answers from the results instead.
     */
    public static final int MAX_ANSWER_CHARS = 100_000;

    /** A joiner reply that starts with this asks for a new plan. */
    public static final String REPLAN = "REPLAN:";

    private final int maxPlanAttempts;
    private final int maxReplans;

    private GraphPlanner(Builder builder) {
        this.maxPlanAttempts = builder.maxPlanAttempts;
        this.maxReplans = builder.maxReplans;
    }

    /** A builder with the defaults: 3 plan attempts, 2 replans. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Optional<String> round(PlanningContext context) {
        List<ChatMessage> feedback = new ArrayList<>();
        Map<String, String> knownIds = new HashMap<>();
        int invalidPlans = 0;
        int replans = 0;
        for (int planNumber = 1; ; planNumber++) {
            PlanExecution plan = new PlanExecution(context, "p" + planNumber + "-", knownIds);
            PlanParser parser = new PlanParser();
            PlanningContext.ModelTurn turn = context.stream(
                    ModelRouting.PLAN,
                    planRequest(context, feedback),
                    (modelCallId, call) -> {},
                    (modelCallId, text) -> plan.accept(parser.feed(text), modelCallId));
            plan.accept(parser.finish(), turn.id());
            plan.complete(turn.id());
            String planText = turn.response().aiMessage().text();

            if (plan.nothingToRun() && !plan.errors().isEmpty()) {
                invalidPlans++;
                if (invalidPlans >= maxPlanAttempts) {
                    throw new InvalidPlanException("the model wrote " + invalidPlans + " invalid plans in a row; last"
                            + " problems: " + String.join("; ", plan.errors()));
                }
                feedback.add(AiMessage.from(planText == null ? "" : planText));
                feedback.add(UserMessage.from("That plan cannot be run: " + String.join("; ", plan.errors())
                        + ". Reply with a corrected complete plan, one JSON object per line."));
                continue;
            }
            List<StepResult> results = context.await(plan.futures());
            Map<String, String> outputs = new HashMap<>();
            for (int i = 0; i < results.size(); i++) {
                outputs.put(plan.localIds().get(i), results.get(i).text());
            }
            boolean allSucceeded = results.stream().allMatch(r -> r.status().succeeded());
            Optional<String> filled = plan.answerTemplate() != null
                            && allSucceeded
                            && plan.errors().isEmpty()
                    ? References.fill(plan.answerTemplate(), outputs, MAX_ANSWER_CHARS)
                    : Optional.empty();
            if (filled.isPresent()) {
                return finish(context, filled.get());
            }
            String joined = context.stream(
                            ModelRouting.JOIN, joinRequest(context, plan, results), (id, call) -> {}, (id, text) -> {})
                    .response()
                    .aiMessage()
                    .text();
            joined = joined == null ? "" : joined.strip();
            if (!joined.startsWith(REPLAN)) {
                return finish(context, joined);
            }
            if (replans >= maxReplans) {
                throw new LimitExceededException(
                        "the joiner asked for a new plan more than " + maxReplans + " times; last reason: "
                                + joined.substring(REPLAN.length()).strip());
            }
            replans++;
            feedback.add(AiMessage.from(planText == null ? "" : planText));
            feedback.add(UserMessage.from(describeResults(plan, results) + "\nThese results are not enough: "
                    + joined.substring(REPLAN.length()).strip()
                    + ". Plan only the missing steps; you may refer to the results above by their ids."));
        }
    }

    /** Whether this request is one of this planner's planning calls. */
    public static boolean isPlanRequest(ChatRequest request) {
        return roleInstructions(request).startsWith(PLAN_HEADER);
    }

    /** Whether this request is one of this planner's join calls. */
    public static boolean isJoinRequest(ChatRequest request) {
        return roleInstructions(request).startsWith(JOIN_HEADER);
    }

    private static String roleInstructions(ChatRequest request) {
        return request.messages().stream()
                .filter(m -> m instanceof SystemMessage)
                .map(m -> ((SystemMessage) m).text())
                .skip(1)
                .findFirst()
                .orElse("");
    }

    private static Optional<String> finish(PlanningContext context, String answer) {
        context.conversation().add(AiMessage.from(answer));
        return Optional.of(answer);
    }

    private static ChatRequest planRequest(PlanningContext context, List<ChatMessage> feedback) {
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(SystemMessage.from(sharedInstructions(context)));
        messages.add(SystemMessage.from(PLAN_INSTRUCTIONS));
        context.conversation().stream()
                .filter(m -> !(m instanceof SystemMessage))
                .forEach(messages::add);
        messages.addAll(feedback);
        return ChatRequest.builder().messages(messages).build();
    }

    private static final String PLAN_INSTRUCTIONS = PLAN_HEADER + "\n" + """
            Reply with a plan only: one JSON object per line, no other text.
            A step: {"id": <number>, "tool": "<tool name>", "args": {<arguments>}}
            Steps run in parallel. To use an earlier step's result, write "$<id>" inside a string argument; \
            the step then waits for that result. Make independent look-ups separate steps.
            Optional last line: {"answer": "<final answer, may use $<id>>"} when the answer follows \
            directly from the results; leave it out to see the results before answering.
            """;

    private static final String JOIN_INSTRUCTIONS = JOIN_HEADER + "\n"
            + "Answer the task from the step results in the last message. If they are not enough, reply with one"
            + " line: " + REPLAN + " <what is missing>.";

    /**
     * The first system message of every request: {@link #AGENT_HEADER}, the agent's system prompt and the
     * tools. It depends only on the agent's configuration, so it is the same for all of an agent's calls.
     */
    static String sharedInstructions(PlanningContext context) {
        StringBuilder prompt = new StringBuilder(AGENT_HEADER).append('\n');
        if (!context.systemPrompt().isBlank()) {
            prompt.append(context.systemPrompt().strip()).append('\n');
        }
        prompt.append("Tools:\n");
        for (ToolSpecification tool : context.tools().specifications()) {
            prompt.append("- ")
                    .append(tool.name())
                    .append(": ")
                    .append(tool.description() == null ? "" : tool.description());
            prompt.append(" Arguments schema: ").append(schemaJson(tool)).append('\n');
        }
        return prompt.toString();
    }

    private static String schemaJson(ToolSpecification tool) {
        if (tool.parameters() == null) {
            return "{}";
        }
        try {
            return ToolCalls.JSON.writeValueAsString(JsonSchemaElementUtils.toMap(tool.parameters()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("tool schema is not serialisable", e);
        }
    }

    private static ChatRequest joinRequest(PlanningContext context, PlanExecution plan, List<StepResult> results) {
        String input = "Task: " + context.task() + "\n" + describeResults(plan, results);
        return ChatRequest.builder()
                .messages(
                        SystemMessage.from(sharedInstructions(context)),
                        SystemMessage.from(JOIN_INSTRUCTIONS),
                        UserMessage.from(input))
                .build();
    }

    private static String describeResults(PlanExecution plan, List<StepResult> results) {
        StringBuilder text = new StringBuilder("Step results:\n");
        for (int i = 0; i < results.size(); i++) {
            StepResult result = results.get(i);
            text.append('$')
                    .append(plan.localIds().get(i))
                    .append(" ")
                    .append(result.tool())
                    .append(" [")
                    .append(result.status())
                    .append("]: ")
                    .append(result.text())
                    .append('\n');
        }
        if (!plan.errors().isEmpty()) {
            text.append("Problems with the plan: ")
                    .append(String.join("; ", plan.errors()))
                    .append('\n');
        }
        return text.toString();
    }

    /** One plan being dispatched: validates each line and submits each step once its dependencies are known. */
    private static final class PlanExecution {
        private final PlanningContext context;
        private final String prefix;
        private final Map<String, String> knownIds;
        private final Map<String, String> planIds = new LinkedHashMap<>();
        private final List<PlanLine.StepLine> waiting = new ArrayList<>();
        private final List<String> localIds = new ArrayList<>();
        private final List<CompletableFuture<StepResult>> futures = new ArrayList<>();
        private final List<String> errors = new ArrayList<>();
        private String answerTemplate;

        PlanExecution(PlanningContext context, String prefix, Map<String, String> knownIds) {
            this.context = context;
            this.prefix = prefix;
            this.knownIds = knownIds;
        }

        synchronized void accept(List<PlanLine> lines, String modelCallId) {
            for (PlanLine line : lines) {
                switch (line) {
                    case PlanLine.Invalid invalid ->
                        errors.add("line '" + abbreviate(invalid.line()) + "' is " + invalid.reason());
                    case PlanLine.AnswerLine answer -> answerTemplate = answer.template();
                    case PlanLine.StepLine step -> {
                        if (planIds.containsKey(step.id())
                                || waiting.stream().anyMatch(w -> w.id().equals(step.id()))) {
                            errors.add("step id " + step.id() + " is used twice");
                        } else if (context.tools().find(step.tool()).isEmpty()) {
                            errors.add("step " + step.id() + " uses unknown tool '" + step.tool() + "' (available: "
                                    + context.tools().names() + ")");
                        } else {
                            waiting.add(step);
                        }
                    }
                }
            }
            dispatchReady(modelCallId);
        }

        private void dispatchReady(String modelCallId) {
            boolean progress = true;
            while (progress) {
                progress = false;
                for (PlanLine.StepLine step : List.copyOf(waiting)) {
                    if (step.dependsOn().stream().allMatch(this::known)) {
                        waiting.remove(step);
                        dispatch(step, modelCallId);
                        progress = true;
                    }
                }
            }
        }

        private boolean known(String localId) {
            return planIds.containsKey(localId) || knownIds.containsKey(localId);
        }

        private String global(String localId) {
            return planIds.containsKey(localId) ? planIds.get(localId) : knownIds.get(localId);
        }

        private void dispatch(PlanLine.StepLine line, String modelCallId) {
            String id = prefix + line.id();
            planIds.put(line.id(), id);
            Step step = new Step(
                    id,
                    line.tool(),
                    References.rename(line.args(), this::global),
                    line.dependsOn().stream().map(this::global).toList());
            localIds.add(line.id());
            futures.add(context.submit(step, modelCallId));
        }

        /** Called when the plan text is complete: whatever still waits has a missing or circular dependency. */
        synchronized void complete(String modelCallId) {
            dispatchReady(modelCallId);
            if (!waiting.isEmpty()) {
                Map<String, PlanLine.StepLine> byId =
                        waiting.stream().collect(Collectors.toMap(PlanLine.StepLine::id, s -> s, (a, b) -> a));
                for (PlanLine.StepLine step : waiting) {
                    List<String> missing = step.dependsOn().stream()
                            .filter(d -> !known(d) && !byId.containsKey(d))
                            .toList();
                    errors.add(
                            missing.isEmpty()
                                    ? "step " + step.id() + " is part of a dependency cycle"
                                    : "step " + step.id() + " refers to missing step(s) " + missing);
                }
                waiting.clear();
            }
            if (answerTemplate != null) {
                for (String ref : References.inText(answerTemplate)) {
                    if (!known(ref)) {
                        errors.add("the answer refers to missing step " + ref);
                    }
                }
            }
            knownIds.putAll(planIds);
        }

        boolean nothingToRun() {
            return futures.isEmpty() && answerTemplate == null;
        }

        List<String> errors() {
            return errors;
        }

        List<String> localIds() {
            return localIds;
        }

        List<CompletableFuture<StepResult>> futures() {
            return futures;
        }

        String answerTemplate() {
            return answerTemplate;
        }

        private static String abbreviate(String line) {
            return line.length() <= 80 ? line : line.substring(0, 77) + "...";
        }
    }

    /** Configures a {@link GraphPlanner}. */
    public static final class Builder {
        private int maxPlanAttempts = 3;
        private int maxReplans = 2;

        private Builder() {}

        /** How many invalid plans in a row end the run with {@link InvalidPlanException}; default 3. */
        public Builder maxPlanAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("maxPlanAttempts must be >= 1");
            }
            this.maxPlanAttempts = attempts;
            return this;
        }

        /** How many times the joiner may ask for a new plan; default 2. */
        public Builder maxReplans(int replans) {
            if (replans < 0) {
                throw new IllegalArgumentException("maxReplans must be >= 0");
            }
            this.maxReplans = replans;
            return this;
        }

        /** The planner. */
        public GraphPlanner build() {
            return new GraphPlanner(this);
        }
    }
}
