package dev.quarry.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.internal.Json;
import dev.langchain4j.internal.JsonSchemaElementUtils;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.quarry.agent.error.ConfigurationException;
import dev.quarry.agent.error.InvalidAnswerException;
import dev.quarry.agent.plan.PlanningContext;
import java.util.ArrayList;
import java.util.List;

/**
 * An answer of a given type: the JSON schema the model is asked to follow (generated from the type by
 * langchain4j, as {@code AiServices} does), and the check of what it replied: one JSON object that gives
 * every field of the schema and converts to the type with langchain4j's JSON codec. A reply that does not is sent back with what is wrong, a bounded
 * number of times, and then the run ends with {@link InvalidAnswerException} quoting the reply.
 */
final class TypedAnswer<T> {

    /** Corrections asked for before the run gives up. */
    static final int MAX_CORRECTIONS = 2;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Class<T> type;
    private final JsonObjectSchema schema;
    private final String schemaJson;

    private TypedAnswer(Class<T> type, JsonObjectSchema schema, String schemaJson) {
        this.type = type;
        this.schema = schema;
        this.schemaJson = schemaJson;
    }

    /** @throws ConfigurationException when the type is not one a JSON object can describe */
    static <T> TypedAnswer<T> of(Class<T> type) {
        JsonSchemaElement element;
        try {
            element = JsonSchemaElementUtils.jsonSchemaElementFrom(type);
        } catch (RuntimeException e) {
            throw new ConfigurationException(
                    "no JSON schema can be made for " + type.getName() + ": " + e.getMessage(), e);
        }
        if (!(element instanceof JsonObjectSchema object)) {
            throw new ConfigurationException("a typed answer must be a record or a class with fields, not "
                    + type.getName() + "; wrap it in a record");
        }
        try {
            return new TypedAnswer<>(type, object, JSON.writeValueAsString(JsonSchemaElementUtils.toMap(object)));
        } catch (JsonProcessingException e) {
            throw new ConfigurationException("the JSON schema of " + type.getName() + " cannot be written", e);
        }
    }

    /** The type's JSON schema, as the model is shown it. */
    String schemaJson() {
        return schemaJson;
    }

    /** What the task is given so the model answers in the type's shape. */
    String instructions() {
        return "\n\nGive your final answer as one JSON object and nothing else, matching this JSON schema:\n"
                + schemaJson;
    }

    /**
     * An answer that fits the type: {@code answer} itself, or the model's correction of it, asked for through
     * the run's model chain; a correction becomes the conversation's last answer.
     */
    String conform(PlanningContext run, String answer) {
        String reply = answer;
        for (int correction = 0; ; correction++) {
            List<String> problems = new ArrayList<>();
            convert(reply, problems);
            if (problems.isEmpty()) {
                return reply;
            }
            if (correction == MAX_CORRECTIONS) {
                throw new InvalidAnswerException("the model's answer is not a " + type.getSimpleName() + " after "
                        + MAX_CORRECTIONS + " corrections (" + String.join("; ", problems) + "); it replied: "
                        + abbreviate(reply));
            }
            run.conversation()
                    .add(UserMessage.from("That answer does not match the required JSON schema: "
                            + String.join("; ", problems) + ". Reply with the corrected JSON object only."));
            AiMessage corrected = run.stream(
                            "format",
                            ChatRequest.builder()
                                    .messages(List.copyOf(run.conversation()))
                                    .build(),
                            (id, call) -> {},
                            (id, text) -> {})
                    .response()
                    .aiMessage();
            run.conversation().add(corrected);
            reply = corrected.text() == null ? "" : corrected.text();
        }
    }

    /** The answer of a run that went through {@link #conform}, as the type. */
    T value(AgentResult result) {
        List<String> problems = new ArrayList<>();
        T value = convert(result.answer(), problems);
        if (!problems.isEmpty()) {
            throw new InvalidAnswerException(
                    "the answer is not a " + type.getSimpleName() + ": " + String.join("; ", problems));
        }
        return value;
    }

    private T convert(String reply, List<String> problems) {
        int start = reply.indexOf('{');
        int end = reply.lastIndexOf('}');
        if (start < 0 || end < start) {
            problems.add("the reply holds no JSON object");
            return null;
        }
        String json = reply.substring(start, end + 1);
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            problems.add("the JSON object does not parse: " + e.getOriginalMessage());
            return null;
        }
        if (!(node instanceof ObjectNode object)) {
            problems.add("the reply is not a JSON object");
            return null;
        }
        // every field of the type must be given (langchain4j's schema lists none as required, and a missing
        // number would silently become 0); the types are checked by converting, as langchain4j's codec reads
        // some values (dates) in more than one form
        schema.properties().keySet().stream()
                .filter(name -> !object.hasNonNull(name))
                .forEach(name -> problems.add("answer." + name + " is missing"));
        if (!problems.isEmpty()) {
            return null;
        }
        try {
            return Json.fromJson(json, type);
        } catch (RuntimeException e) {
            problems.add("it does not convert to " + type.getSimpleName() + ": " + e.getMessage());
            return null;
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 500 ? text : text.substring(0, 500) + "... (" + text.length() + " characters)";
    }
}
