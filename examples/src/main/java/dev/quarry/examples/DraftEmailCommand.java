package dev.quarry.examples;

import dev.quarry.index.LuceneIndex;
import dev.quarry.tools.EmailTools;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code quarry draft-email --to a@b.c <topic>}: researches the topic in the index and writes a cited
 * e-mail draft ({@code .eml}) to the outbox. Nothing is sent: the command line offers no approval.
 */
@Command(
        mixinStandardHelpOptions = true,
        name = "draft-email",
        description = "Research a topic and write a cited e-mail draft to the outbox.")
final class DraftEmailCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "what the e-mail is about")
    String topic;

    @Option(
            names = "--to",
            required = true,
            split = ",",
            description = "recipient address(es); the draft may go to no one else")
    List<String> to;

    @Option(names = "--from", defaultValue = "quarry@localhost", description = "sender (default: ${DEFAULT-VALUE})")
    String from;

    @Option(
            names = "--outbox",
            defaultValue = "quarry-outbox",
            description = "drafts folder (default: ${DEFAULT-VALUE})")
    Path outbox;

    @Mixin
    AgentOptions options;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        EmailTools email = new EmailTools(outbox, from, new Properties(), to);
        try (LuceneIndex index = options.openIndexed(out)) {
            options.run(
                    index,
                    "Draft an e-mail to " + String.join(", ", to) + " about " + topic,
                    List.of(email.draftEmail()),
                    out);
            out.println("outbox: " + outbox.toAbsolutePath());
            return 0;
        }
    }
}
