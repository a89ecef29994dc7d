package dev.quarry.agent.tool;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolSpecification;
import java.util.Objects;

/** The {@link Tool} built by {@link Tool#of}. */
record FunctionTool(ToolSpecification specification, ToolPolicy policy, Tool.Body body) implements Tool {

    FunctionTool {
        Objects.requireNonNull(specification, "specification");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(body, "body");
    }

    @Override
    public ToolResult execute(ObjectNode arguments, ToolContext context) throws Exception {
        return body.execute(arguments, context);
    }
}
