package dev.quarry.examples;

import dev.langchain4j.model.chat.ChatModel;
import dev.quarry.agent.Agent;
import dev.quarry.agent.AgentResult;
import dev.quarry.agent.AgentSession;
import dev.quarry.agent.LookAhead;
import dev.quarry.agent.RunEvent;
import dev.quarry.agent.Speculation;
import dev.quarry.agent.SubAgentRun;
import dev.quarry.agent.bedrock.ClaudeOnBedrock;
import dev.quarry.agent.plan.Planner;
import dev.quarry.agent.schedule.ApprovalHandler;
import dev.quarry.agent.tool.Citation;
import dev.quarry.agent.tool.Tool;
import dev.quarry.index.LuceneIndex;
import dev.quarry.offline.OfflineModel;
import dev.quarry.offline.OfflineStreamingModel;
import dev.quarry.tools.ReadTools;
import dev.quarry.tools.SearchTool;
import dev.quarry.tools.SummariseTool;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options of the commands that run an agent: model, planner, streaming, trace, and first-run indexing. */
final class AgentOptions {

    @Mixin
    IndexOptions index;

    @Option(
            names = "--model",
            defaultValue = "auto",
            description = "offline, bedrock:<model-id>, or auto: Bedrock when AWS credentials and a region are"
                    + " set, offline otherwise (default: ${DEFAULT-VALUE})")
    String model;

    @Option(
            names = "--planner",
            defaultValue = "tool-use",
            description = "tool-use or graph (default: ${DEFAULT-VALUE})")
    String planner;

    @Option(names = "--stream", description = "stream model output and dispatch each tool call as it completes")
    boolean stream;

    @Option(
            names = "--speculate",
            description = "start a search for each sub-question of the task with the run, before the model asks;"
                    + " the model's identical searches are served from them (speculative look-ups)")
    boolean speculate;

    @Option(
            names = "--one-turn",
            description = "run a search for each sub-question of the task first and show the model the results,"
                    + " so it can answer in one turn (look-ahead; a wrong guess costs its search and the tokens"
                    + " of its result)")
    boolean oneTurn;

    @Option(names = "--trace", description = "write the run's HTML timeline to this file")
    Path trace;

    @Option(
            names = "--docs",
            defaultValue = "${sys:quarry.docs:-docs}",
            description = "folder indexed on first use when the index is empty (default: ${DEFAULT-VALUE})")
    Path docs;

    /**
     * Runs {@code task} with an agent over the index and the built-in tools plus {@code extraTools}, and
     * prints the answer, its sources and the run's figures.
     */
    void run(LuceneIndex luceneIndex, String task, List<Tool> extraTools, PrintWriter out) throws IOException {
        run(luceneIndex, task, builder -> builder.tools(extraTools), out);
    }

    /** Runs {@code task} with the agent {@code configure} completes, and prints what it did. */
    AgentResult run(LuceneIndex luceneIndex, String task, Consumer<Agent.Builder> configure, PrintWriter out)
            throws IOException {
        Agent.Builder builder = builder(luceneIndex);
        configure.accept(builder);
        return run(builder.build(), task, out);
    }

    /** Runs {@code task} with {@code agent}, and prints what it did. */
    AgentResult run(Agent agent, String task, PrintWriter out) throws IOException {
        return run(onEvent -> agent.stream(task, onEvent), out);
    }

    /** Runs {@code task} in a conversation, and prints what it did. */
    AgentResult run(AgentSession session, String task, PrintWriter out) throws IOException {
        return run(onEvent -> session.stream(task, onEvent), out);
    }

    /** Runs a streamed run, printing the model's text as it comes and then the answer and its figures. */
    private AgentResult run(Function<Consumer<RunEvent>, AgentResult> streamedRun, PrintWriter out) throws IOException {
        checkTracePath();
        Map<String, StringBuilder> streamed = new java.util.concurrent.ConcurrentHashMap<>();
        AgentResult result = streamedRun.apply(event -> {
            // the model's text is printed as it is written, then the answer once it is complete; a
            // sub-agent's text is its answer to the coordinator, not to the user
            if (event instanceof RunEvent.Text text && !text.fromSubAgent()) {
                streamed.computeIfAbsent(text.modelCallId(), id -> new StringBuilder())
                        .append(text.text());
                out.print(TerminalText.clean(text.text()));
                out.flush();
            }
        });
        boolean answerStreamed = streamed.values().stream()
                .anyMatch(text -> text.toString().strip().equals(result.answer().strip()));
        if (!streamed.isEmpty()) {
            out.println();
        }
        report(result, out, !answerStreamed && !result.waitingForApproval());
        return result;
    }

    /** An agent builder over the index with the chosen model and planner and the built-in read tools. */
    Agent.Builder builder(LuceneIndex luceneIndex) {
        return agent(luceneIndex, resolvedModel(System.getenv()), System.getenv());
    }

    /** A --trace file that cannot be written is refused before the run, not after it. */
    void checkTracePath() {
        if (trace == null) {
            return;
        }
        Path parent = trace.toAbsolutePath().getParent();
        if (Files.isDirectory(trace)) {
            throw new IllegalArgumentException(
                    "--trace " + trace + " is a folder; give a file name such as trace.html");
        }
        if (parent == null || !Files.isDirectory(parent) || !Files.isWritable(parent)) {
            throw new IllegalArgumentException(
                    "--trace " + trace + ": the folder " + parent + " does not exist or cannot be written");
        }
    }

    private String resolvedModel(Map<String, String> environment) {
        if (!model.equals("auto")) {
            return model;
        }
        boolean region = environment.containsKey("AWS_REGION") || environment.containsKey("AWS_DEFAULT_REGION");
        boolean credentials = environment.containsKey("AWS_ACCESS_KEY_ID") || environment.containsKey("AWS_PROFILE");
        return region && credentials ? "bedrock:" + ClaudeOnBedrock.DEFAULT_MODEL_ID : "offline";
    }

    /** A builder with the chosen model and planner and no tools: a coordinator of sub-agents starts so. */
    Agent.Builder coordinator() {
        return modelled(resolvedModel(System.getenv()), System.getenv());
    }

    private Agent.Builder agent(LuceneIndex luceneIndex, String chosen, Map<String, String> environment) {
        Agent.Builder builder = modelled(chosen, environment)
                .tool(new SearchTool(index.retriever(luceneIndex)))
                .tools(ReadTools.over(luceneIndex))
                .tool(new SummariseTool(luceneIndex))
                .systemPrompt("Answer from the indexed documents and cite passages by their [labels].");
        if (speculate) {
            builder.speculate(Speculation.withArgument("search", "query", OfflineModel::subQuestions));
        }
        if (oneTurn) {
            builder.lookAhead(LookAhead.withArgument("search", "query", OfflineModel::subQuestions));
        }
        return builder;
    }

    /** The chosen model alone, for a judge of answers: the offline model, or Claude on Bedrock. */
    ChatModel judgeModel() {
        Map<String, String> environment = System.getenv();
        String chosen = resolvedModel(environment);
        if (!chosen.startsWith("bedrock:")) {
            return new OfflineModel();
        }
        String region =
                environment.getOrDefault("AWS_REGION", environment.getOrDefault("AWS_DEFAULT_REGION", "us-east-1"));
        return ClaudeOnBedrock.builder()
                .modelId(chosen.substring("bedrock:".length()))
                .region(region)
                .build()
                .chatModel();
    }

    private Agent.Builder modelled(String chosen, Map<String, String> environment) {
        Agent.Builder builder = Agent.builder()
                .planner(
                        switch (planner) {
                            case "tool-use" -> Planner.toolUse();
                            case "graph" -> Planner.graph();
                            default ->
                                throw new IllegalArgumentException(
                                        "--planner must be tool-use or graph, not " + planner);
                        });
        if (chosen.equals("offline")) {
            builder.model(new OfflineModel());
            if (stream) {
                builder.streamingModel(new OfflineStreamingModel());
            }
        } else if (chosen.startsWith("bedrock:")) {
            String region =
                    environment.getOrDefault("AWS_REGION", environment.getOrDefault("AWS_DEFAULT_REGION", "us-east-1"));
            ClaudeOnBedrock claude = ClaudeOnBedrock.builder()
                    .modelId(chosen.substring("bedrock:".length()))
                    .region(region)
                    .cacheSharedPrefix()
                    .build();
            builder.model(claude.chatModel());
            if (stream) {
                builder.streamingModel(claude.streamingChatModel());
            }
        } else {
            throw new IllegalArgumentException("--model must be offline, auto or bedrock:<model-id>, not " + chosen);
        }
        return builder;
    }

    /**
     * Opens the index to read, first indexing {@code --docs} when there is no index yet or it is empty (the
     * only write an agent command makes).
     */
    LuceneIndex openIndexed(PrintWriter out) {
        if (LuceneIndex.exists(index.index)) {
            LuceneIndex opened = index.openForReading();
            if (opened.stats().documents() > 0) {
                return opened;
            }
            opened.close();
        }
        try (LuceneIndex writable = index.open()) {
            out.println("The index is empty; indexing " + docs + " first.");
            IndexCommand.Ingest.folder(writable, docs, List.of(), List.of(), out, false);
        }
        return index.openForReading();
    }

    /** Prints the answer (when asked), its sources, what waits for approval and the run's figures. */
    void report(AgentResult result, PrintWriter out, boolean printAnswer) throws IOException {
        String modelName = resolvedModel(System.getenv());
        if (printAnswer) {
            out.println(TerminalText.clean(result.answer()));
        }
        for (ApprovalHandler.Request waiting : result.waiting()) {
            out.println("Waiting for approval: run " + result.runId() + ", step " + TerminalText.clean(waiting.stepId())
                    + ": " + waiting.tool() + " "
                    + TerminalText.clean(waiting.arguments().toString()));
            out.println("  approve with: quarry approve " + result.runId() + " (or --refuse <reason>)");
        }
        if (!result.citations().isEmpty()) {
            out.println();
            out.println("Sources:");
            for (Citation citation : result.citations()) {
                out.println("  [" + TerminalText.clean(citation.label()) + "] " + TerminalText.clean(citation.title()));
            }
        }
        out.println();
        out.printf(
                "model %s, planner %s: wall %d ms, %d model calls, %d steps, parallelism %.2f%n",
                modelName,
                planner,
                result.trace().wallTime().toMillis(),
                result.usage().modelCalls(),
                result.steps().size(),
                result.trace().parallelism());
        for (SubAgentRun child : result.subAgents()) {
            AgentResult run = child.result();
            out.printf(
                    "  sub-agent %s (run %s): %s, wall %d ms, %d model calls, %d steps%n",
                    child.agent(),
                    child.runId(),
                    child.error()
                            .map(e -> "failed: " + TerminalText.clean(e.getMessage()))
                            .orElse("answered"),
                    run.trace().wallTime().toMillis(),
                    run.usage().modelCalls(),
                    run.steps().size());
        }
        Speculation.Outcome speculation = result.speculation();
        if (speculation.predicted() > 0) {
            out.printf(
                    "speculation: %d searches predicted, %d used, %d wasted, %d not run%n",
                    speculation.predicted(), speculation.used(), speculation.wasted(), speculation.notRun());
        }
        if (trace != null) {
            Files.writeString(trace, result.trace().toHtml());
            out.println("trace written to " + trace);
        }
    }
}
