package dev.quarry.examples;

import dev.quarry.index.LuceneIndex;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code quarry summarise <doc-id>...}: a cited map-reduce summary of indexed documents. */
@Command(
        mixinStandardHelpOptions = true,
        name = "summarise",
        aliases = "summarize",
        description = "Summarise indexed documents by id.")
final class SummariseCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", description = "document ids, as printed by search (e.g. agent-core.md)")
    List<String> documentIds;

    @Mixin
    AgentOptions options;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (LuceneIndex index = options.openIndexed(out)) {
            for (String id : documentIds) {
                if (index.document(id).isEmpty()) {
                    spec.commandLine().getErr().println("error: no document '" + id + "' in the index");
                    return 1;
                }
            }
            options.run(index, "Summarise the documents: " + String.join(", ", documentIds), List.of(), out);
            return 0;
        }
    }
}
