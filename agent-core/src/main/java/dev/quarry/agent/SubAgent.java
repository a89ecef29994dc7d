package dev.quarry.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.quarry.agent.error.QuarryException;
import dev.quarry.agent.tool.Tool;
import dev.quarry.agent.tool.ToolContext;
import dev.quarry.agent.tool.ToolPolicy;
import dev.quarry.agent.tool.ToolResult;
import java.time.Duration;
import java.util.Objects;

/**
 * Another {@link Agent} as a step of a run's plan: the planner sees a tool with one {@code task} argument,
 * and calling it runs a whole run of the child agent (its own planner, tools and chains) whose answer is the
 * step's result and whose citations join the parent's. Add one with {@link Agent.Builder#subAgent} or
 * {@link Agent.Builder#handoff}.
 *
 * <p>A sub-agent is a {@link Tool} so that everything that takes tools takes it (per-run allowlists, the
 * graph planner's {@code $id} references, concurrency limits, MCP serving), with no second kind of plan
 * line. Inside a parent run the step is bound to that run (see {@code docs/sub-agents.md}): the parent's
 * deadline bounds the child, the parent's model-call and token budgets are shared, cancelling the parent
 * cancels the child, its events reach the parent's stream and its trace nests under the step. Used
 * outside an agent run (a scheduler alone, an MCP server), it runs the child on its own.
 *
 * <p>A sub-agent step needs no approval itself: the side-effecting calls inside the child go to the
 * child's own approval handler. It is never retried (a child's model calls are not free to repeat).
 */
public final class SubAgent implements Tool {

    /** Extra time beyond the child's own deadline before the step is cut, so the child reports its own end. */
    private static final Duration GRACE = Duration.ofSeconds(5);

    private final ToolSpecification specification;
    private final Agent agent;
    private final boolean handoff;
    private final TypedAnswer<?> answer;

    private SubAgent(String name, String description, Agent agent, boolean handoff, TypedAnswer<?> answer) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(agent, "agent");
        if (description == null || description.isBlank()) {
            throw new IllegalArgumentException("sub-agent '" + name + "' needs a description: the planner reads"
                    + " it to decide when to call it");
        }
        this.agent = agent;
        this.handoff = handoff;
        this.answer = answer;
        this.specification = ToolSpecification.builder()
                .name(name)
                .description(
                        answer == null
                                ? description
                                : description + " It answers with one JSON object matching this JSON schema: "
                                        + answer.schemaJson())
                .parameters(JsonObjectSchema.builder()
                        .addStringProperty(
                                "task",
                                handoff
                                        ? "What the user asked, and everything " + name
                                                + " needs to answer them directly"
                                        : "A self-contained task for " + name
                                                + ": it sees nothing else of this conversation")
                        .required("task")
                        .build())
                .build();
    }

    /** A sub-agent whose answer the parent's model reads, as it reads any tool's result. */
    public static SubAgent of(String name, String description, Agent agent) {
        return new SubAgent(name, description, agent, false, null);
    }

    /**
     * A sub-agent whose answer is an instance of {@code answerType} (see {@link Agent#run(String, Class)}):
     * the planner is shown the type's JSON schema, the child's reply is corrected until it fits, and the
     * step's result is that JSON object.
     *
     * @throws dev.quarry.agent.error.ConfigurationException when no JSON object can describe the type
     */
    public static SubAgent typed(String name, String description, Agent agent, Class<?> answerType) {
        return new SubAgent(
                name, description, agent, false, TypedAnswer.of(Objects.requireNonNull(answerType, "answerType")));
    }

    /**
     * A specialist the parent hands the conversation to: when this step succeeds, its answer is the parent
     * run's answer, with no further model call of the parent ({@link AgentResult#answeredBy()} names it).
     */
    public static SubAgent handoff(String name, String description, Agent agent) {
        return new SubAgent(name, description, agent, true, null);
    }

    @Override
    public ToolSpecification specification() {
        return specification;
    }

    /** Read-only at this level (the child's own gate approves its side effects), never retried. */
    @Override
    public ToolPolicy policy() {
        return new ToolPolicy(false, false, agent.limits().deadline().plus(GRACE), Integer.MAX_VALUE);
    }

    /** The agent this step runs. */
    public Agent agent() {
        return agent;
    }

    /** The typed answer the child gives, or null when it answers in text. */
    TypedAnswer<?> answer() {
        return answer;
    }

    /** Whether the child's answer ends the parent's run. */
    public boolean isHandoff() {
        return handoff;
    }

    /** Outside an agent run: runs the child on its own; a failed child fails the call with its message. */
    @Override
    public ToolResult execute(ObjectNode arguments, ToolContext context) throws SubAgentException {
        String task = arguments.path("task").asText();
        try {
            AgentResult result = answer == null
                    ? agent.run(task)
                    : agent.run(task, java.util.List.of(), agent.tools(), RunEvents.NONE, answer)
                            .result();
            return ToolResult.of(result.answer(), result.citations());
        } catch (QuarryException e) {
            throw new SubAgentException(name(), e);
        }
    }

    /** This sub-agent as a tool whose every call runs nested in {@code run}. */
    Tool within(AgentRun run) {
        return Tool.of(
                specification,
                policy(),
                (arguments, context) ->
                        run.tree().runSubAgent(this, arguments.path("task").asText(), context.stepId()));
    }
}
