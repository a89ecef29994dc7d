package dev.quarry.agent.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * References from one step's arguments to earlier steps' results: {@code $id} or {@code ${id}} inside a
 * string. A string that is only a reference to a numeric result becomes a JSON number, so
 * {@code {"x": "$1"}} feeds a number parameter.
 */
public final class References {

    private static final Pattern REFERENCE = Pattern.compile("\\$(?:\\{([A-Za-z0-9_-]+)}|([0-9]+)\\b)");

    private References() {}

    /** Every id referenced anywhere in {@code arguments}, in order of appearance. */
    public static Set<String> in(JsonNode arguments) {
        Set<String> ids = new LinkedHashSet<>();
        collect(arguments, ids);
        return ids;
    }

    private static void collect(JsonNode node, Set<String> ids) {
        if (node.isTextual()) {
            Matcher m = REFERENCE.matcher(node.asText());
            while (m.find()) {
                ids.add(idOf(m));
            }
        } else {
            node.forEach(child -> collect(child, ids));
        }
    }

    /** A copy of {@code arguments} with every reference {@code $id} rewritten to {@code ${rename(id)}}. */
    public static ObjectNode rename(ObjectNode arguments, Function<String, String> rename) {
        return (ObjectNode) copyTexts(
                arguments,
                text -> JsonNodeFactory.instance.textNode(replaceEach(text, id -> "${" + rename.apply(id) + "}")));
    }

    /** {@code template} with references to the given results replaced by their text. */
    public static String fill(String template, Map<String, String> results) {
        return resolveText(template, results::get).asText();
    }

    /**
     * {@code template} with references replaced by the results' text, or empty when that would pass
     * {@code maxChars} (a template that repeats a reference thousands of times); checked before building it.
     */
    public static Optional<String> fill(String template, Map<String, String> results, int maxChars) {
        long length = template.length();
        Matcher m = REFERENCE.matcher(template);
        while (m.find()) {
            String value = results.get(idOf(m));
            length += value == null ? 0 : value.length() - m.group().length();
            if (length > maxChars) {
                return Optional.empty();
            }
        }
        return Optional.of(fill(template, results));
    }

    /** Every id referenced in a text. */
    public static Set<String> inText(String text) {
        return in(JsonNodeFactory.instance.textNode(text));
    }

    /** A copy of {@code arguments} with references to the given results replaced by their text. */
    public static ObjectNode resolve(ObjectNode arguments, Map<String, String> results) {
        return (ObjectNode) copyTexts(arguments, text -> resolveText(text, results::get));
    }

    /** A deep copy of {@code node} in which every string value is replaced by {@code onText} of it. */
    private static JsonNode copyTexts(JsonNode node, Function<String, JsonNode> onText) {
        if (node.isTextual()) {
            return onText.apply(node.asText());
        }
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            node.properties().forEach(e -> copy.set(e.getKey(), copyTexts(e.getValue(), onText)));
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            node.forEach(child -> copy.add(copyTexts(child, onText)));
            return copy;
        }
        return node;
    }

    private static JsonNode resolveText(String text, Function<String, String> results) {
        Matcher whole = REFERENCE.matcher(text.strip());
        if (whole.matches()) {
            String value = results.apply(idOf(whole));
            if (value != null) {
                try {
                    return JsonNodeFactory.instance.numberNode(new BigDecimal(value.strip()));
                } catch (NumberFormatException notANumber) {
                    return JsonNodeFactory.instance.textNode(value);
                }
            }
        }
        return JsonNodeFactory.instance.textNode(replaceEach(text, results));
    }

    /** {@code text} with each reference replaced by {@code replacement} of its id; kept as is where that is null. */
    private static String replaceEach(String text, Function<String, String> replacement) {
        Matcher m = REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = replacement.apply(idOf(m));
            m.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : m.group()));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String idOf(Matcher match) {
        return match.group(1) != null ? match.group(1) : match.group(2);
    }
}
