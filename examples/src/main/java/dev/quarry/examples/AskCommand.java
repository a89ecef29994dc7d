package dev.quarry.examples;

import dev.quarry.index.LuceneIndex;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code quarry ask <question>}: an agent answers from the index, with citations. */
@Command(
        mixinStandardHelpOptions = true,
        name = "ask",
        description = "Answer a question from the index with an agent, citing sources.")
final class AskCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "the question")
    String question;

    @Mixin
    AgentOptions options;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (LuceneIndex index = options.openIndexed(out)) {
            options.run(index, question, List.of(), out);
            return 0;
        }
    }
}
