package dev.quarry.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.internal.JsonSchemaElementJsonUtils;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.quarry.agent.tool.Tool;
import dev.quarry.agent.tool.ToolContext;
import dev.quarry.agent.tool.ToolPolicy;
import dev.quarry.agent.tool.ToolResult;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;
import java.util.stream.Collectors;

/** One tool of an MCP server as a Quarry {@link Tool}: its schema, its policy, a call over the connection. */
final class McpTool implements Tool {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private final String server;
    private final McpSchema.Tool tool;
    private final ToolSpecification specification;
    private final ToolPolicy policy;
    private final McpConnection connection;

    McpTool(String server, String prefix, McpSchema.Tool tool, ToolPolicy policy, McpConnection connection) {
        this.server = server;
        this.tool = tool;
        this.policy = policy;
        this.connection = connection;
        this.specification = ToolSpecification.builder()
                .name(name(prefix + tool.name()))
                .description(tool.description() == null ? tool.name() : tool.description())
                .parameters(schema(tool.inputSchema()))
                .build();
    }

    /** Model providers accept letters, digits, '_' and '-' in tool names, at most 64 of them. */
    static String name(String wanted) {
        String name = wanted.replaceAll("[^A-Za-z0-9_-]", "_");
        return name.length() > 64 ? name.substring(0, 64) : name;
    }

    private static JsonObjectSchema schema(Map<String, Object> inputSchema) {
        if (inputSchema == null || inputSchema.isEmpty()) {
            return JsonObjectSchema.builder().build();
        }
        JsonSchemaElement element = JsonSchemaElementJsonUtils.fromMap(inputSchema);
        if (element instanceof JsonObjectSchema object) {
            return object;
        }
        throw new IllegalArgumentException("the input schema of MCP tool " + inputSchema + " is not an object schema");
    }

    @Override
    public ToolSpecification specification() {
        return specification;
    }

    @Override
    public ToolPolicy policy() {
        return policy;
    }

    @Override
    public ToolResult execute(ObjectNode arguments, ToolContext context) throws Exception {
        McpSchema.CallToolResult result = connection.call(tool.name(), Json.MAPPER.convertValue(arguments, MAP));
        String text = text(result);
        return Boolean.TRUE.equals(result.isError()) ? ToolResult.error(text) : ToolResult.of(text);
    }

    /** The result's text blocks; other content is named, structured content is JSON when there is no text. */
    private String text(McpSchema.CallToolResult result) throws JsonProcessingException {
        String text = result.content() == null
                ? ""
                : result.content().stream().map(McpTool::describe).collect(Collectors.joining("\n"));
        if (text.isEmpty() && result.structuredContent() != null) {
            return Json.MAPPER.writeValueAsString(result.structuredContent());
        }
        return text.isEmpty() ? "(the MCP server " + server + " returned no content)" : text;
    }

    private static String describe(McpSchema.Content content) {
        return switch (content) {
            case McpSchema.TextContent text -> text.text();
            case McpSchema.ImageContent image -> "[image, " + image.mimeType() + "]";
            case McpSchema.AudioContent audio -> "[audio, " + audio.mimeType() + "]";
            case McpSchema.ResourceLink link -> "[resource " + link.uri() + "]";
            case McpSchema.EmbeddedResource resource ->
                resource.resource() instanceof McpSchema.TextResourceContents text
                        ? text.text()
                        : "[resource " + resource.resource().uri() + "]";
            default -> "[" + content.type() + " content]";
        };
    }
}
