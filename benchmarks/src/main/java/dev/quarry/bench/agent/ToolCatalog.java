package dev.quarry.bench.agent;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.quarry.agent.tool.Tool;
import dev.quarry.agent.tool.ToolPolicy;
import dev.quarry.agent.tool.ToolResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A generated catalog of tools the size several MCP servers bring: {@code size} tools over 30 services, each
 * with a one-sentence description and two to four described parameters (about 100 input tokens a tool, as
 * real MCP tool definitions run), plus the one tool the benchmark's task needs,
 * {@code weather_get_forecast}.
 */
final class ToolCatalog {

    static final String TARGET = "weather_get_forecast";

    private static final String[] SERVICES = {
        "github", "jira", "slack", "gmail", "calendar", "drive", "notion", "linear", "stripe", "shopify",
        "salesforce", "hubspot", "zendesk", "intercom", "aws", "gcp", "azure", "datadog", "pagerduty", "sentry",
        "postgres", "mongodb", "redis", "kafka", "s3", "docker", "kubernetes", "terraform", "figma", "twilio"
    };
    private static final String[] VERBS = {"list", "get", "create", "update", "delete", "search"};
    private static final String[] OBJECTS = {
        "issues", "pull_requests", "messages", "channels", "events", "files", "pages", "customers", "invoices",
        "orders", "tickets", "alerts", "deployments", "buckets", "records", "users", "comments", "labels"
    };

    private ToolCatalog() {}

    /** {@code size} tools (at least 2): the target and {@code size - 1} others, the same for a given seed. */
    static List<Tool> of(int size, long seed) {
        Random random = new Random(seed);
        List<Tool> tools = new ArrayList<>();
        tools.add(tool(
                TARGET,
                "Get the weather forecast for a city: temperature, rain and wind for the next days.",
                new String[] {"city", "days"},
                new String[] {"the city name, for example Lyon", "how many days ahead, 1 to 7"}));
        for (int i = 0; tools.size() < size; i++) {
            String service = SERVICES[i % SERVICES.length];
            String verb = VERBS[random.nextInt(VERBS.length)];
            String object = OBJECTS[random.nextInt(OBJECTS.length)];
            String name = service + "_" + verb + "_" + object + "_" + i;
            int parameters = 2 + random.nextInt(3);
            String[] names = new String[parameters];
            String[] descriptions = new String[parameters];
            for (int p = 0; p < parameters; p++) {
                names[p] = List.of("id", "query", "limit", "cursor", "owner", "status", "since", "fields")
                        .get((p + i) % 8);
                descriptions[p] =
                        "the " + names[p] + " of the " + object.replace('_', ' ') + " in " + service + " to " + verb;
            }
            tools.add(tool(
                    name,
                    capitalised(verb) + " " + object.replace('_', ' ') + " in " + service
                            + ": returns the matching records with their ids, owners, status and timestamps,"
                            + " paged by cursor.",
                    names,
                    descriptions));
        }
        return tools;
    }

    private static Tool tool(String name, String description, String[] parameters, String[] descriptions) {
        JsonObjectSchema.Builder schema = JsonObjectSchema.builder();
        for (int p = 0; p < parameters.length; p++) {
            schema.addStringProperty(parameters[p], descriptions[p]);
        }
        schema.required(parameters[0]);
        return Tool.of(
                ToolSpecification.builder()
                        .name(name)
                        .description(description)
                        .parameters(schema.build())
                        .build(),
                ToolPolicy.readOnly(),
                (arguments, context) ->
                        ToolResult.of(name.equals(TARGET) ? "Lyon: 14C, light rain, wind 10 km/h" : "no records"));
    }

    private static String capitalised(String word) {
        return Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }
}
