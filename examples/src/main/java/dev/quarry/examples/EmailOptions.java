package dev.quarry.examples;

import dev.quarry.agent.durable.FileJournal;
import dev.quarry.tools.EmailTools;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine.Option;

/** Options of the commands that draft and send e-mail: the outbox, the sender, the SMTP server, the journal. */
final class EmailOptions {

    @Option(names = "--from", defaultValue = "quarry@localhost", description = "sender (default: ${DEFAULT-VALUE})")
    String from;

    @Option(
            names = "--outbox",
            defaultValue = "quarry-outbox",
            description = "drafts folder; sent drafts move to its sent/ folder (default: ${DEFAULT-VALUE})")
    Path outbox;

    @Option(
            names = "--smtp-host",
            defaultValue = "localhost",
            description = "SMTP server that sends approved e-mail (default: ${DEFAULT-VALUE})")
    String smtpHost;

    @Option(names = "--smtp-port", defaultValue = "25", description = "SMTP port (default: ${DEFAULT-VALUE})")
    int smtpPort;

    @Option(
            names = "--journal",
            defaultValue = "quarry-journal",
            description = "folder of the run journal, where runs wait for approval (default: ${DEFAULT-VALUE})")
    Path journal;

    /** The e-mail tools; drafts and sends may go to {@code recipients} only (empty: to anyone). */
    EmailTools tools(List<String> recipients) {
        Properties smtp = new Properties();
        smtp.put("mail.smtp.host", smtpHost);
        smtp.put("mail.smtp.port", Integer.toString(smtpPort));
        return new EmailTools(outbox, from, smtp, recipients);
    }

    FileJournal journal() {
        return FileJournal.in(journal);
    }
}
