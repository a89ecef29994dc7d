package dev.quarry.agent.tool;

import dev.langchain4j.agent.tool.ToolSpecification;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The tools of an agent, by name, in registration order. Immutable. */
public final class ToolRegistry {

    private final Map<String, Tool> tools;

    public ToolRegistry(Collection<? extends Tool> tools) {
        Map<String, Tool> byName = new LinkedHashMap<>();
        for (Tool tool : tools) {
            String name = tool.name();
            if (name == null || !name.matches("[a-zA-Z0-9_-]{1,64}")) {
                throw new IllegalArgumentException(
                        "tool name '" + name + "' must be 1-64 letters, digits, '_' or '-' (a Bedrock requirement)");
            }
            if (byName.putIfAbsent(name, tool) != null) {
                throw new IllegalArgumentException("two tools are named '" + name + "'; tool names must be unique"
                        + " (rename one, or give one tool source a prefix, as McpTools.Builder.prefix does)");
            }
        }
        this.tools = Collections.unmodifiableMap(byName);
    }

    /** The tool with this name, if there is one. */
    public Optional<Tool> find(String name) {
        return Optional.ofNullable(name).map(tools::get);
    }

    /** Tool names, in registration order. */
    public Set<String> names() {
        return tools.keySet();
    }

    /** The specifications to send to the model, in registration order. */
    public List<ToolSpecification> specifications() {
        return tools.values().stream().map(Tool::specification).toList();
    }

    /** Only the named tools (a per-run allowlist); unknown names are an error. */
    public ToolRegistry restrictTo(Set<String> allowed) {
        for (String name : allowed) {
            if (!tools.containsKey(name)) {
                throw new IllegalArgumentException(
                        "allowlist names unknown tool '" + name + "'; known: " + tools.keySet());
            }
        }
        return new ToolRegistry(
                tools.values().stream().filter(t -> allowed.contains(t.name())).toList());
    }
}
