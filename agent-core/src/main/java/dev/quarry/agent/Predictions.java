package dev.quarry.agent;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.agent.error.ConfigurationException;
import dev.quarry.agent.tool.Tool;
import dev.quarry.agent.tool.ToolRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Calls of one read-only tool predicted from a task, as {@link Speculation} and {@link LookAhead} make them:
 * the tool, the predictor, and the checks both need.
 *
 * @param feature what uses the predictions ("speculation", "look-ahead"), for messages
 * @param toolName the tool every prediction calls
 * @param predictedArguments the predictor: the arguments of each call it predicts for a task
 */
record Predictions(String feature, String toolName, Function<String, List<ObjectNode>> predictedArguments) {

    /** @throws ConfigurationException when the tool name is missing */
    Predictions {
        if (toolName == null || toolName.isBlank()) {
            throw new ConfigurationException("a " + feature + " needs the name of the tool to call");
        }
        Objects.requireNonNull(predictedArguments, "predictedArguments");
    }

    /** Predictions of the one string argument {@code parameter}. */
    static Predictions ofArgument(
            String feature, String toolName, String parameter, Function<String, List<String>> predictedValues) {
        Objects.requireNonNull(parameter, "parameter");
        Objects.requireNonNull(predictedValues, "predictedValues");
        return new Predictions(
                feature,
                toolName,
                task -> predictedValues.apply(task).stream()
                        .map(value -> JsonNodeFactory.instance.objectNode().put(parameter, value))
                        .toList());
    }

    /** The distinct predictions for a task, at most {@code max}. */
    List<ObjectNode> forTask(String task, int max) {
        List<ObjectNode> predictions = new ArrayList<>();
        List<ObjectNode> made = predictedArguments.apply(task);
        for (ObjectNode arguments : made == null ? List.<ObjectNode>of() : made) {
            if (arguments != null && !predictions.contains(arguments) && predictions.size() < max) {
                predictions.add(arguments);
            }
        }
        return predictions;
    }

    /** What is wrong with the tool on an agent: not registered, or not read-only. */
    List<String> problems(ToolRegistry tools, String readOnlyAdvice) {
        Optional<Tool> tool = tools.find(toolName);
        if (tool.isEmpty()) {
            return List.of("the " + feature + " calls tool '" + toolName + "', which is not registered; known: "
                    + tools.names());
        }
        return tool.get().policy().sideEffecting()
                ? List.of(
                        "the " + feature + " calls tool '" + toolName + "', which has side effects; " + readOnlyAdvice)
                : List.of();
    }
}
