package dev.quarry.examples;

import dev.quarry.agent.Agent;
import dev.quarry.index.LuceneIndex;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code quarry research <question>}: a coordinator agent hands each part of the question to a researcher
 * sub-agent over the index (the researchers run at once, each a whole agent run of its own), then answers
 * from what they found, citing the passages the researchers cited.
 */
@Command(
        mixinStandardHelpOptions = true,
        name = "research",
        description = "Answer a many-part question with a coordinator that fans out to researcher sub-agents"
                + " over the index, citing the passages they found.")
final class ResearchCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "the question")
    String question;

    @Option(
            names = "--max-depth",
            defaultValue = "3",
            description = "how deep sub-agents may nest (default: ${DEFAULT-VALUE})")
    int maxDepth;

    @Mixin
    AgentOptions options;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (LuceneIndex index = options.openIndexed(out)) {
            Agent researcher = options.builder(index)
                    .systemPrompt("Research one question in the indexed documents; answer briefly and cite"
                            + " passages by their [labels].")
                    .build();
            Agent coordinator = options.coordinator()
                    .systemPrompt("Split the question into its parts, give each part to the researcher, then"
                            + " answer from what they found, keeping their [labels].")
                    .subAgent(
                            "researcher",
                            "Researches one self-contained question in the indexed documents and answers it"
                                    + " with cited passages",
                            researcher)
                    .maxSubAgentDepth(maxDepth)
                    .build();
            options.run(coordinator, question, out);
            return 0;
        }
    }
}
