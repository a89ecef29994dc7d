package dev.quarry.examples;

import dev.quarry.index.Hit;
import dev.quarry.index.LuceneIndex;
import dev.quarry.index.SearchMode;
import dev.quarry.index.SearchRequest;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code quarry search <query>}: the index's hits with citations and snippets, no model involved. */
@Command(mixinStandardHelpOptions = true, name = "search", description = "Search the index and print cited hits.")
final class SearchCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "the query, in plain words")
    String query;

    @Option(names = "--mode", description = "bm25, vector or hybrid (default: hybrid, or bm25 for a BM25-only index)")
    SearchMode mode;

    @Option(
            names = {"-k", "--top"},
            defaultValue = "5",
            description = "number of hits (default: ${DEFAULT-VALUE})")
    int k;

    @Mixin
    IndexOptions options;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (LuceneIndex index = options.openForReading()) {
            SearchMode chosen = mode != null ? mode : index.supportsVectors() ? SearchMode.HYBRID : SearchMode.BM25;
            List<Hit> hits =
                    index.search(SearchRequest.builder(query).mode(chosen).k(k).build());
            if (hits.isEmpty()) {
                out.println("no hits");
                return 1;
            }
            for (Hit hit : hits) {
                out.printf(
                        "%.4f  [%s] %s%n        %s%n",
                        hit.score(),
                        TerminalText.clean(hit.citation()),
                        TerminalText.clean(hit.title()),
                        TerminalText.clean(hit.snippet().replace('\n', ' ')));
            }
            return 0;
        }
    }
}
