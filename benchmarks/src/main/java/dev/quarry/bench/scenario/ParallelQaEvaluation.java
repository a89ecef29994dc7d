package dev.quarry.bench.scenario;

import dev.quarry.agent.Agent;
import dev.quarry.agent.bedrock.ClaudeOnBedrock;
import dev.quarry.agent.plan.Planner;
import dev.quarry.eval.EvalCase;
import dev.quarry.eval.EvalReport;
import dev.quarry.eval.EvalRunner;
import dev.quarry.testkit.BedrockSimulator;
import dev.quarry.testkit.LatencyProfile;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * {@code ./bench eval-parallelqa}: the ParallelQA tasks as an agent evaluation. Each task becomes an
 * {@link EvalCase} whose expected calls are the task's dependency graph of look-ups and calculations, with
 * the arguments the scenario world resolves them to (a calculation's argument holds the values its inputs
 * returned), matched exactly and in any order, and whose answer is the world's answer. Quarry's graph planner
 * and its tool-use planner run them on the simulated Bedrock (the scenario oracle plays a model that plans
 * correctly), through the scenario's own tools, so the trajectory scorer is exercised on real dependency
 * graphs. Reported per planner: the evaluation's Markdown summary.
 */
public final class ParallelQaEvaluation {

    private ParallelQaEvaluation() {}

    /** The cases of a scenario's tasks: expected calls with the world's arguments, and the world's answer. */
    static List<EvalCase> cases(Scenario scenario, ScenarioOracle oracle) {
        List<EvalCase> cases = new ArrayList<>();
        for (Scenario.Task task : scenario.tasks()) {
            ScenarioWorld.Resolved resolved = oracle.expected(task);
            List<EvalCase.ExpectedCall> calls = new ArrayList<>();
            for (Scenario.Call call : task.calls()) {
                String parameter = call.tool().equals(ScenarioTools.SEARCH) ? "query" : "expression";
                calls.add(new EvalCase.ExpectedCall(
                        call.tool(),
                        Map.of(
                                parameter,
                                new EvalCase.ArgumentMatcher.Equals(
                                        com.fasterxml.jackson.databind.node.TextNode.valueOf(
                                                resolved.arguments().get(call.id()))))));
            }
            cases.add(new EvalCase(
                    task.id(),
                    task.question(),
                    new EvalCase.AnswerCheck.Contains(List.of(resolved.answer())),
                    calls,
                    false,
                    true,
                    Set.of(),
                    EvalCase.CaseLimits.NONE,
                    "",
                    Set.of("levels-" + task.levels()),
                    0));
        }
        return cases;
    }

    /** Evaluates the scenario's tasks with each of Quarry's planners; the reports by planner. */
    static Map<String, EvalReport> evaluate(Scenario scenario) {
        ScenarioWorld world = new ScenarioWorld(scenario, 7);
        ScenarioOracle oracle = new ScenarioOracle(world, scenario.tasks(), 0);
        List<EvalCase> cases = cases(scenario, oracle);
        Map<String, Scenario.Task> tasks = new LinkedHashMap<>();
        scenario.tasks().forEach(t -> tasks.put(t.id(), t));
        Map<String, EvalReport> reports = new LinkedHashMap<>();
        try (BedrockSimulator simulator = BedrockSimulator.builder()
                        .script(oracle.script(ScenarioOracle.Protocol.ALL_READY_CALLS_PER_TURN))
                        .latency(LatencyProfile.INSTANT)
                        .serverThreads(32)
                        .start();
                ClaudeOnBedrock claude = ClaudeOnBedrock.builder()
                        .region("us-east-1")
                        .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDBENCH", "bench")))
                        .endpointOverride(simulator.endpoint())
                        .timeout(Duration.ofMinutes(1))
                        .build()) {
            for (Map.Entry<String, Planner> planner : Map.of(
                            "GraphPlanner", Planner.graph(), "ToolUsePlanner", Planner.toolUse())
                    .entrySet()) {
                EvalReport report = EvalRunner.perCase(evalCase -> Agent.builder()
                                .model(claude.chatModel())
                                .planner(planner.getValue())
                                .toolsFrom(new ScenarioTools(tasks.get(evalCase.id()), world, 0))
                                .build())
                        .parallelism(8)
                        .build()
                        .run(cases);
                reports.put(planner.getKey(), report);
            }
        }
        return reports;
    }

    public static void main(String[] args) throws IOException {
        Path file = args.length > 0 ? Path.of(args[0]) : ParallelQa.DEFAULT_PATH;
        Scenario scenario = Shapes.named("parallelqa", ParallelQa.load(file));
        for (Map.Entry<String, EvalReport> report : new java.util.TreeMap<>(evaluate(scenario)).entrySet()) {
            String markdown = report.getValue().toMarkdown(Optional.empty());
            System.out.println("## " + report.getKey() + "\n");
            System.out.println(markdown.substring(markdown.indexOf('\n') + 1, markdown.indexOf("\n## Cases")));
        }
    }
}
