package dev.quarry.bench.scenario;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.quarry.agent.tool.ToolContext;
import dev.quarry.agent.tool.ToolException;
import dev.quarry.agent.tool.ToolModels;
import dev.quarry.index.Document;
import dev.quarry.index.LuceneIndex;
import dev.quarry.index.eval.SmartFormat;
import dev.quarry.index.eval.TestCollection;
import dev.quarry.tools.SearchTool;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;

/**
 * Quarry's real {@code search} tool ({@link SearchTool}, hybrid, 5 passages) over an in-memory
 * {@link LuceneIndex} with the in-process BGE model: in a scenario that uses it, every look-up's time and
 * result are what Quarry itself delivers, not a simulated draw. The same query always returns the same text.
 */
final class LocalSearch implements UnaryOperator<String>, AutoCloseable {

    private final LuceneIndex index;
    private final SearchTool tool;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    /** Indexes {@code documents} (embedding them with BGE small: about a minute for Cranfield here). */
    LocalSearch(List<Document> documents) {
        this.index = LuceneIndex.builder().defaultEmbeddingModel().open();
        index.upsertAll(documents);
        index.commit();
        this.tool = new SearchTool(index);
    }

    /** The Cranfield collection under {@code folder} ({@code cran.all.1400}, {@code cran.qry}, {@code cranqrel}). */
    static TestCollection cranfield(Path folder) {
        return SmartFormat.read(
                folder.resolve("cran.all.1400"),
                folder.resolve("cran.qry"),
                folder.resolve("cranqrel"),
                SmartFormat.Grades.CRANFIELD,
                SmartFormat.QueryIds.POSITION);
    }

    /** What the search tool returns for {@code query}. */
    @Override
    public String apply(String query) {
        try {
            return tool.execute(
                            JsonNodeFactory.instance.objectNode().put("query", query),
                            ToolContext.of("scenario", "search", ToolModels.NONE, executor))
                    .text();
        } catch (ToolException e) {
            throw new IllegalStateException("search failed for " + query + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        executor.close();
        index.close();
    }
}
