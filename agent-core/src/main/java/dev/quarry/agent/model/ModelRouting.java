package dev.quarry.agent.model;

import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.quarry.agent.error.ConfigurationException;
import java.util.Map;

/**
 * Sends the model calls of some purposes to another model of the same provider, by name: for example the
 * plan of a {@link dev.quarry.agent.plan.GraphPlanner} to a fast model while the joiner, which reads the
 * results and writes the answer, stays on the agent's main model. It sets the request's model name
 * ({@link dev.langchain4j.model.chat.request.ChatRequest#modelName()}), which the model must honour: the
 * langchain4j Bedrock models send it as the Converse model id (a model or inference profile id), as
 * OpenAI and Anthropic models send it as the model. A model that ignores it answers every call itself.
 *
 * <pre>{@code
 * Agent.builder()
 *         .model(claude.chatModel())                 // the main model: joins and answers
 *         .planner(Planner.graph())
 *         .modelInterceptor(ModelRouting.plansTo("us.anthropic.claude-haiku-4-5-20251001-v1:0"))
 *         .build();
 * }</pre>
 *
 * A routed call passes the rest of the chain (deadline, retry) as itself; usage records it under the
 * agent's call id like any other, so a price table keyed by the main model prices it at that model's rate.
 */
public final class ModelRouting implements ModelInterceptor {

    /** The purpose of a {@link dev.quarry.agent.plan.GraphPlanner}'s planning call. */
    public static final String PLAN = "plan";

    /** The purpose of a {@link dev.quarry.agent.plan.GraphPlanner}'s joining call. */
    public static final String JOIN = "join";

    private final Map<String, String> modelByPurpose;

    private ModelRouting(Map<String, String> modelByPurpose) {
        this.modelByPurpose = Map.copyOf(modelByPurpose);
    }

    /** Plans go to {@code modelName}; every other call to the agent's model. */
    public static ModelRouting plansTo(String modelName) {
        return byPurpose(Map.of(PLAN, modelName));
    }

    /**
     * Calls whose {@link ModelCall#purpose()} is a key go to the model named by its value ({@code turn},
     * {@code plan}, {@code join}, {@code format}, or {@code tool:<step id>}).
     */
    public static ModelRouting byPurpose(Map<String, String> modelNameByPurpose) {
        if (modelNameByPurpose.isEmpty()) {
            throw new ConfigurationException("model routing needs at least one purpose and model name");
        }
        modelNameByPurpose.forEach((purpose, name) -> {
            if (purpose == null || purpose.isBlank() || name == null || name.isBlank()) {
                throw new ConfigurationException(
                        "model routing needs a purpose and a model name, got " + purpose + " -> " + name);
            }
        });
        return new ModelRouting(modelNameByPurpose);
    }

    @Override
    public ModelResponse intercept(ModelCall call, Chain chain) {
        String modelName = modelByPurpose.get(call.purpose());
        if (modelName == null) {
            return chain.proceed(call);
        }
        ChatRequestParameters routed = call.request()
                .parameters()
                .overrideWith(
                        ChatRequestParameters.builder().modelName(modelName).build());
        return chain.proceed(
                call.withRequest(call.request().toBuilder().parameters(routed).build()));
    }
}
