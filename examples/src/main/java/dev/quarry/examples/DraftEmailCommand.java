package dev.quarry.examples;

import dev.quarry.agent.schedule.ApprovalHandler;
import dev.quarry.index.LuceneIndex;
import dev.quarry.tools.EmailTools;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code quarry draft-email --to a@b.c <topic>}: researches the topic in the index and writes a cited
 * e-mail draft ({@code .eml}) to the outbox. With {@code --send} the agent also sends it, but only after a
 * person approves: the run is journaled and stops waiting for approval; {@code quarry pending} lists what
 * waits and {@code quarry approve <run>} sends it (in a later process, hours later if need be).
 */
@Command(
        mixinStandardHelpOptions = true,
        name = "draft-email",
        description = "Research a topic and write a cited e-mail draft to the outbox; with --send, send it after"
                + " `quarry approve`.")
final class DraftEmailCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "what the e-mail is about")
    String topic;

    @Option(
            names = "--to",
            required = true,
            split = ",",
            description = "recipient address(es); the draft may go to no one else")
    List<String> to;

    @Option(
            names = "--send",
            description = "send the draft once approved: the run waits for `quarry approve` in the journal")
    boolean send;

    @Mixin
    EmailOptions email;

    @Mixin
    AgentOptions options;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        EmailTools tools = email.tools(to);
        String recipients = String.join(", ", to);
        try (LuceneIndex index = options.openIndexed(out)) {
            if (send) {
                options.run(
                        index,
                        "Draft and send an e-mail to " + recipients + " about " + topic,
                        agent -> agent.tools(tools.tools())
                                .journal(email.journal())
                                .approvalHandler(ApprovalHandler.suspendRun()),
                        out);
            } else {
                options.run(
                        index,
                        "Draft an e-mail to " + recipients + " about " + topic,
                        List.of(tools.draftEmail()),
                        out);
            }
            out.println("outbox: " + email.outbox.toAbsolutePath());
            return 0;
        }
    }
}
