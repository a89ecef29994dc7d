package dev.quarry.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.quarry.agent.tool.Tool;
import dev.quarry.agent.tool.ToolPolicy;
import dev.quarry.agent.tool.ToolResult;

/** Small real tools for tests: a tool is a name, a schema with one string parameter, and a body. */
final class TestTools {

    interface Body {
        ToolResult run(ObjectNode arguments) throws Exception;
    }

    static Tool tool(String name, ToolPolicy policy, Body body) {
        return contextTool(name, policy, (arguments, context) -> body.run(arguments));
    }

    /** A tool whose body also gets the {@link dev.quarry.agent.tool.ToolContext}. */
    static Tool contextTool(String name, ToolPolicy policy, Tool.Body body) {
        ToolSpecification specification = ToolSpecification.builder()
                .name(name)
                .description("test tool " + name)
                .parameters(JsonObjectSchema.builder()
                        .addStringProperty("q", "the input")
                        .required("q")
                        .build())
                .build();
        return Tool.of(specification, policy, body);
    }

    static Tool echo(String name) {
        return tool(
                name,
                ToolPolicy.readOnly(),
                args -> ToolResult.of(name + ":" + args.get("q").asText()));
    }

    private TestTools() {}
}
