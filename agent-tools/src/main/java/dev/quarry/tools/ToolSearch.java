package dev.quarry.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.quarry.agent.AgentPlugin;
import dev.quarry.agent.schedule.StepScheduler;
import dev.quarry.agent.tool.Tool;
import dev.quarry.agent.tool.ToolContext;
import dev.quarry.agent.tool.ToolPolicy;
import dev.quarry.agent.tool.ToolRegistry;
import dev.quarry.agent.tool.ToolResult;
import dev.quarry.index.Document;
import dev.quarry.index.Hit;
import dev.quarry.index.LuceneIndex;
import dev.quarry.index.SearchMode;
import dev.quarry.index.SearchRequest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tool search for agents with large tool catalogs (several MCP servers can bring hundreds of tools): when a
 * run may use more tools than the threshold, the model is shown only a small always-on set and
 * {@code search_tools}, which finds tools by what they do in a Lucene BM25 index over their names,
 * descriptions and parameters (no model download). The tools it finds join the model's next call. Works
 * with MCP tools and {@code @Tool} methods alike, and with both planners: a graph plan may only name tools
 * shown to it, so it names only tools found.
 *
 * <pre>{@code
 * Agent.builder().toolsFrom(...).plugin(ToolSearch.builder().alwaysOn("search").build())
 * }</pre>
 */
public final class ToolSearch implements AgentPlugin {

    /** The name of the search tool. */
    public static final String TOOL_NAME = "search_tools";

    private final int threshold;
    private final Set<String> alwaysOn;
    private final int maxResults;
    private final Map<String, RunFinds> runs = new ConcurrentHashMap<>();
    private final Map<Set<String>, LuceneIndex> catalogs = new ConcurrentHashMap<>();
    private final Tool searchTool;

    private ToolSearch(Builder builder) {
        this.threshold = builder.threshold;
        this.alwaysOn = Set.copyOf(builder.alwaysOn);
        this.maxResults = builder.maxResults;
        this.searchTool = Tool.of(
                ToolSpecification.builder()
                        .name(TOOL_NAME)
                        .description("Find tools for what you need to do next. Only a few tools are shown to you;"
                                + " this searches all of them by name, description and parameters. The tools"
                                + " found are yours to call from your next step.")
                        .parameters(JsonObjectSchema.builder()
                                .addStringProperty("query", "what the tool should do, in plain words")
                                .required("query")
                                .build())
                        .build(),
                ToolPolicy.readOnly(),
                this::search);
    }

    /** A builder: threshold 30 tools, no always-on tools, 5 results a search. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public List<Tool> tools() {
        return List.of(searchTool);
    }

    @Override
    public List<String> problems(ToolRegistry tools, StepScheduler scheduler) {
        List<String> problems = new ArrayList<>();
        for (String name : alwaysOn) {
            if (tools.find(name).isEmpty()) {
                problems.add("ToolSearch keeps tool '" + name + "' always on, but the agent has no such tool");
            }
        }
        return problems;
    }

    @Override
    public Optional<RunPart> startRun(RunStart run) {
        Set<String> catalog = new LinkedHashSet<>(run.tools().names());
        catalog.remove(TOOL_NAME);
        RunFinds finds = new RunFinds(run.runId(), catalog);
        runs.put(run.runId(), finds);
        return Optional.of(finds);
    }

    private ToolResult search(ObjectNode arguments, ToolContext context) {
        RunFinds finds = runs.get(context.runId());
        if (finds == null) {
            return ToolResult.error("search_tools works only inside a run of the agent it was added to.");
        }
        String query = arguments.get("query").asText();
        LuceneIndex catalog = finds.index;
        if (catalog == null) {
            return ToolResult.error("search_tools is not needed in this run: every tool is shown already.");
        }
        List<Hit> hits = catalog.search(SearchRequest.builder(query)
                .mode(SearchMode.BM25)
                .k(maxResults * 3)
                .build());
        Set<String> found = new LinkedHashSet<>();
        for (Hit hit : hits) {
            if (found.size() < maxResults) {
                found.add(hit.documentId());
            }
        }
        if (found.isEmpty()) {
            return ToolResult.of("No tool matches \"" + query + "\". Try other words for what you need to do.");
        }
        finds.add(found);
        StringBuilder text = new StringBuilder("Found " + found.size() + " tool(s); call them from your next step:\n");
        ToolRegistry all = finds.registry;
        for (String name : found) {
            ToolSpecification spec =
                    all == null ? null : all.find(name).map(Tool::specification).orElse(null);
            text.append("- ").append(name);
            if (spec != null && spec.description() != null) {
                text.append(": ").append(spec.description());
            }
            text.append('\n');
        }
        return ToolResult.of(text.toString().strip());
    }

    /** The BM25 index over the catalog's tools, built once per distinct catalog (a per-run allowlist makes another). */
    private LuceneIndex index(Set<String> names, ToolRegistry tools) {
        return catalogs.computeIfAbsent(Set.copyOf(names), key -> {
            LuceneIndex index = LuceneIndex.builder().open();
            List<Document> documents = new ArrayList<>();
            for (String name : names) {
                tools.find(name).ifPresent(tool -> documents.add(document(tool.specification())));
            }
            index.upsertAll(documents);
            index.commit();
            return index;
        });
    }

    private static Document document(ToolSpecification spec) {
        StringBuilder text = new StringBuilder(words(spec.name()));
        if (spec.description() != null) {
            text.append(". ").append(spec.description());
        }
        if (spec.parameters() != null) {
            spec.parameters().properties().forEach((parameter, schema) -> {
                text.append(". ").append(words(parameter));
                String description = schema.description();
                if (description != null && !description.isBlank()) {
                    text.append(": ").append(description);
                }
            });
        }
        return new Document(spec.name(), text.toString(), spec.name(), "", Map.of());
    }

    /** {@code get_weatherForecast} as {@code get weather Forecast}: BM25 then matches its words. */
    static String words(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1 $2").replaceAll("[_\\-.]+", " ");
    }

    /** One run's part: the tools found so far, and which the planner sees. */
    private final class RunFinds implements RunPart {
        private final String runId;
        private final Set<String> catalog;
        private final Set<String> found = ConcurrentHashMap.newKeySet();
        private volatile ToolRegistry registry;
        private volatile LuceneIndex index;

        RunFinds(String runId, Set<String> catalog) {
            this.runId = runId;
            this.catalog = catalog;
        }

        void add(Set<String> names) {
            found.addAll(names);
        }

        @Override
        public ToolRegistry visibleTools(ToolRegistry tools) {
            if (catalog.size() <= threshold) {
                Set<String> all = new LinkedHashSet<>(tools.names());
                all.remove(TOOL_NAME);
                return tools.restrictTo(all);
            }
            if (registry == null) {
                index = index(catalog, tools);
                registry = tools;
            }
            Set<String> shown = new LinkedHashSet<>();
            for (String name : tools.names()) {
                if (name.equals(TOOL_NAME) || alwaysOn.contains(name) || found.contains(name)) {
                    shown.add(name);
                }
            }
            return tools.restrictTo(shown);
        }

        @Override
        public void beforeResult() {
            runs.remove(runId);
        }
    }

    /** Configures a {@link ToolSearch}. */
    public static final class Builder {
        private int threshold = 30;
        private final Set<String> alwaysOn = new LinkedHashSet<>();
        private int maxResults = 5;

        private Builder() {}

        /** Tool search takes over when a run may use more tools than this (default 30); fewer, all are shown. */
        public Builder threshold(int tools) {
            if (tools < 1) {
                throw new IllegalArgumentException("threshold must be >= 1, was " + tools);
            }
            this.threshold = tools;
            return this;
        }

        /** Tools always shown to the model, found or not (the ones almost every task needs). */
        public Builder alwaysOn(String... names) {
            alwaysOn.addAll(List.of(names));
            return this;
        }

        /** Tools one search returns and adds (1-20, default 5). */
        public Builder maxResults(int results) {
            if (results < 1 || results > 20) {
                throw new IllegalArgumentException("maxResults must be 1-20, was " + results);
            }
            this.maxResults = results;
            return this;
        }

        /** The plugin. */
        public ToolSearch build() {
            return new ToolSearch(this);
        }
    }
}
