package dev.quarry.examples;

import dev.quarry.agent.Agent;
import dev.quarry.agent.memory.ConversationMemory;
import dev.quarry.agent.memory.FileConversationStore;
import dev.quarry.index.LuceneIndex;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
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

    @Option(
            names = "--session",
            description = "continue the conversation with this id (kept in --sessions; the model sees the earlier"
                    + " questions and answers, compacted to --history-tokens)")
    String session;

    @Option(
            names = "--sessions",
            defaultValue = "quarry-sessions",
            description = "folder of the conversations --session continues (default: ${DEFAULT-VALUE})")
    Path sessions;

    @Option(
            names = "--history-tokens",
            defaultValue = "8000",
            description = "token budget of a conversation's history: older tool results are cleared, then older"
                    + " turns summarised, beyond it (default: ${DEFAULT-VALUE})")
    int historyTokens;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (session == null) {
            try (LuceneIndex index = options.openIndexed(out)) {
                options.run(index, question, List.of(), out);
                return 0;
            }
        }
        ConversationMemory memory = ConversationMemory.withTokenBudget(historyTokens);
        try (LuceneIndex index = options.openIndexed(out)) {
            Agent agent = options.builder(index)
                    .conversationStore(FileConversationStore.in(sessions))
                    .memory(memory)
                    .build();
            options.run(agent.session(session), question, out);
            return 0;
        }
    }
}
