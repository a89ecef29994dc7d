package dev.quarry.examples;

import dev.quarry.agent.error.QuarryException;
import dev.quarry.index.IndexException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code quarry} command line: index a folder, search it, and run agents that answer, summarise and
 * draft e-mails over it, offline or with Claude on Bedrock.
 *
 * <p>Exit codes: 0 success, 1 the command failed (the message says why), 2 bad usage.
 */
@Command(
        name = "quarry",
        mixinStandardHelpOptions = true,
        version = "quarry 0.1.0",
        description = "Agentic RAG over a Lucene index.",
        subcommands = {
            IndexCommand.class,
            SearchCommand.class,
            EvalCommand.class,
            AskCommand.class,
            ResearchCommand.class,
            SummariseCommand.class,
            DraftEmailCommand.class,
            PendingCommand.class,
            ApproveCommand.class,
            McpCommand.class
        })
public final class Quarry implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(
            names = "--verbose",
            scope = CommandLine.ScopeType.INHERIT,
            description = "show the libraries' log lines (warnings and progress) on standard error")
    boolean verbose;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Lucene logs through java.util.logging; the reference keeps the level from being collected away. */
    private static final java.util.logging.Logger LUCENE_LOG = java.util.logging.Logger.getLogger("org.apache.lucene");

    public static void main(String[] args) {
        // set before any logger exists: the embedding and Lucene libraries log at start-up
        boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "error");
        LUCENE_LOG.setLevel(verbose ? java.util.logging.Level.INFO : java.util.logging.Level.WARNING);
        System.exit(commandLine().execute(args));
    }

    /** The command line with Quarry's error handling: library errors print one line and exit 1. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Quarry()).setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setExecutionExceptionHandler((error, line, parsed) -> {
            PrintWriter err = line.getErr();
            if (error instanceof QuarryException
                    || error instanceof IndexException
                    || error instanceof IllegalArgumentException
                    || error instanceof IllegalStateException
                    || error instanceof java.io.UncheckedIOException) {
                err.println("error: " + error.getMessage());
            } else {
                err.println("error: " + error);
            }
            err.flush();
            return 1;
        });
        return commandLine;
    }
}
