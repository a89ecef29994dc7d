package dev.quarry.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.model.chat.ChatModel;
import dev.quarry.agent.Agent;
import dev.quarry.eval.EvalCase;
import dev.quarry.eval.EvalDataset;
import dev.quarry.eval.EvalReport;
import dev.quarry.eval.EvalRunner;
import dev.quarry.eval.JudgeScorer;
import dev.quarry.index.LuceneIndex;
import dev.quarry.offline.OfflineModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** {@code quarry eval --agent cases.jsonl}: the ask agent on a dataset of cases, scored and reported. */
final class AgentEvaluation {

    private final EvalCommand command;

    AgentEvaluation(EvalCommand command) {
        this.command = command;
    }

    /** Runs the evaluation, writes the report folder, prints the summary; 1 when a gate is missed. */
    int run(PrintWriter out) throws IOException {
        if (command.repeat < 1 || command.parallel < 1) {
            throw new IllegalArgumentException("--repeat and --parallel must be at least 1");
        }
        List<EvalReport.Threshold> thresholds =
                command.thresholds.stream().map(EvalReport.Threshold::parse).toList();
        List<EvalCase> cases = EvalDataset.read(command.agentCases);
        JsonNode baseline = command.baseline == null ? null : new ObjectMapper().readTree(command.baseline.toFile());
        try (LuceneIndex index = command.agentOptions.openIndexed(out)) {
            Agent.Builder builder = command.agentOptions.builder(index);
            Agent agent = builder.build();
            EvalRunner.Builder runner =
                    EvalRunner.builder(agent).repeats(command.repeat).parallelism(command.parallel);
            if (command.judge) {
                ChatModel judge = command.agentOptions.judgeModel();
                if (judge instanceof OfflineModel) {
                    throw new IllegalArgumentException("the offline model cannot judge answers: use --model"
                            + " bedrock:<model-id> (or AWS credentials) with --judge");
                }
                runner.scorer(JudgeScorer.on(judge));
            }
            EvalReport report = runner.build().run(cases);
            Optional<EvalReport.Comparison> comparison =
                    baseline == null ? Optional.empty() : Optional.of(report.compare(baseline));
            report.writeTo(command.reportFolder, comparison);
            String markdown = report.toMarkdown(comparison);
            out.print(markdown.substring(0, markdown.indexOf("\n## Cases")));
            out.printf(
                    Locale.ROOT,
                    "%nreport: %s (report.md, report.html, summary.json, traces/)%n",
                    command.reportFolder.resolve("report.html"));
            List<String> missed = report.missed(thresholds);
            missed.forEach(m -> out.println("threshold missed: " + m));
            boolean regressed = comparison.map(EvalReport.Comparison::regressed).orElse(false);
            if (regressed) {
                out.println("regression against " + command.baseline + ": see the report");
            }
            return !missed.isEmpty() || (regressed && command.failOnRegression) ? 1 : 0;
        }
    }
}
