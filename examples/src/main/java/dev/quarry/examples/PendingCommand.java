package dev.quarry.examples;

import dev.quarry.agent.durable.FileJournal;
import dev.quarry.agent.durable.RunRecords;
import dev.quarry.agent.schedule.ApprovalHandler;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code quarry pending}: the tool calls journaled runs wait to have approved, with their arguments. */
@Command(
        mixinStandardHelpOptions = true,
        name = "pending",
        description = "List the tool calls that journaled runs wait to have approved.")
final class PendingCommand implements Callable<Integer> {

    @Option(
            names = "--journal",
            defaultValue = "quarry-journal",
            description = "folder of the run journal (default: ${DEFAULT-VALUE})")
    Path journal;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (!Files.isDirectory(journal)) {
            out.println("Nothing waits for approval (no journal at " + journal + ").");
            return 0;
        }
        FileJournal runs = FileJournal.in(journal);
        int waiting = 0;
        for (String runId : runs.runIds()) {
            RunRecords run = RunRecords.resume(runs, runId);
            for (ApprovalHandler.Request request : run.waiting()) {
                waiting++;
                out.println("run " + runId + ", step " + TerminalText.clean(request.stepId()) + ": " + request.tool()
                        + " " + TerminalText.clean(request.arguments().toString())
                        + (request.inDoubt() ? " (in doubt: it may have run already)" : ""));
                out.println("  task: " + TerminalText.clean(run.task()));
            }
        }
        out.println(waiting == 0 ? "Nothing waits for approval." : waiting + " call(s) wait: quarry approve <run>");
        return 0;
    }
}
