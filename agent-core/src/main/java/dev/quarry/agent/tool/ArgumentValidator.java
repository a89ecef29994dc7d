package dev.quarry.agent.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.model.chat.request.json.JsonAnyOfSchema;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonBooleanSchema;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonNullSchema;
import dev.langchain4j.model.chat.request.json.JsonNumberSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Checks tool-call arguments against the tool's langchain4j JSON schema: required properties, types,
 * enum values, array items, nested objects and, where the schema forbids them, unknown properties. Each
 * violation is a sentence the model can act on, naming the JSON path.
 */
public final class ArgumentValidator {

    private ArgumentValidator() {}

    /** The violations, empty when the arguments are valid; a tool without parameters accepts any object. */
    public static List<String> validate(ObjectNode arguments, JsonObjectSchema schema) {
        List<String> violations = new ArrayList<>();
        if (schema != null) {
            checkObject("arguments", arguments, schema, violations);
        }
        return violations;
    }

    private static void check(String path, JsonNode value, JsonSchemaElement schema, List<String> violations) {
        switch (schema) {
            case JsonStringSchema s -> expect(value.isTextual(), path, "a string", value, violations);
            case JsonIntegerSchema s -> expect(value.isIntegralNumber(), path, "an integer", value, violations);
            case JsonNumberSchema s -> expect(value.isNumber(), path, "a number", value, violations);
            case JsonBooleanSchema s -> expect(value.isBoolean(), path, "true or false", value, violations);
            case JsonNullSchema s -> expect(value.isNull(), path, "null", value, violations);
            case JsonEnumSchema e -> {
                if (!value.isTextual() || !e.enumValues().contains(value.asText())) {
                    violations.add(path + " must be one of " + e.enumValues() + ", got " + value);
                }
            }
            case JsonArraySchema a -> {
                if (expect(value.isArray(), path, "an array", value, violations) && a.items() != null) {
                    for (int i = 0; i < value.size(); i++) {
                        check(path + "[" + i + "]", value.get(i), a.items(), violations);
                    }
                }
            }
            case JsonObjectSchema o -> {
                if (expect(value.isObject(), path, "an object", value, violations)) {
                    checkObject(path, (ObjectNode) value, o, violations);
                }
            }
            case JsonAnyOfSchema any -> {
                boolean matched = any.anyOf().stream().anyMatch(option -> {
                    List<String> nested = new ArrayList<>();
                    check(path, value, option, nested);
                    return nested.isEmpty();
                });
                if (!matched) {
                    violations.add(path + " matches none of the allowed shapes, got " + value);
                }
            }
            default -> {
                // references and raw schemas are accepted as given: the tool validates them itself
            }
        }
    }

    private static void checkObject(String path, ObjectNode value, JsonObjectSchema schema, List<String> violations) {
        Map<String, JsonSchemaElement> properties = schema.properties() == null ? Map.of() : schema.properties();
        if (schema.required() != null) {
            for (String required : schema.required()) {
                if (!value.has(required) || value.get(required).isNull()) {
                    violations.add(path + "." + required + " is required but missing");
                }
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonSchemaElement property = properties.get(field.getKey());
            if (property != null) {
                if (!field.getValue().isNull()) {
                    check(path + "." + field.getKey(), field.getValue(), property, violations);
                }
            } else if (Boolean.FALSE.equals(schema.additionalProperties())) {
                violations.add(
                        path + "." + field.getKey() + " is not a known parameter; known: " + properties.keySet());
            }
        }
    }

    private static boolean expect(boolean ok, String path, String expected, JsonNode value, List<String> violations) {
        if (!ok) {
            violations.add(path + " must be " + expected + ", got " + value);
        }
        return ok;
    }
}
