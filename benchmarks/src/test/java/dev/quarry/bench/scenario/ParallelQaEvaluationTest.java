package dev.quarry.bench.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.eval.EvalCase;
import dev.quarry.eval.EvalReport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ParallelQA-shaped tasks as an evaluation: trajectories scored on real dependency graphs. */
class ParallelQaEvaluationTest {

    private static final List<ParallelQa.Task> TASKS = List.of(
            new ParallelQa.Task("t2", "Which is longer after doubling, river A or river B?", "river A", 2),
            new ParallelQa.Task("t3", "Which of three towers is tallest if the first shrinks by half?", "tower C", 3),
            new ParallelQa.Task("t5", "Which of five lakes is deepest after a 10% drop?", "lake E", 5));

    @Test
    void bothPlannersMakeExactlyTheExpectedGraphOfCallsAndAnswer() {
        Scenario scenario = Shapes.named("parallelqa", TASKS);

        Map<String, EvalReport> reports = ParallelQaEvaluation.evaluate(scenario);

        assertThat(reports).containsOnlyKeys("GraphPlanner", "ToolUsePlanner");
        reports.forEach((planner, report) -> {
            assertThat(report.cases())
                    .as(planner)
                    .allSatisfy(c -> assertThat(c.passed())
                            .as("%s %s: %s", planner, c.evalCase().id(), c.failures())
                            .isTrue());
            assertThat(report.summary().get("trajectory_recall").mean()).isEqualTo(1.0);
            assertThat(report.summary().get("trajectory_precision").mean()).isEqualTo(1.0);
        });
        // the graph planner answers a template answer in one call; tool use needs a turn per level, then one
        assertThat(reports.get("GraphPlanner").summary().get("model_calls").mean())
                .isLessThan(reports.get("ToolUsePlanner")
                        .summary()
                        .get("model_calls")
                        .mean());
    }

    @Test
    void theExpectedCallsCarryTheResolvedArgumentsOfDependentSteps() {
        Scenario scenario = Shapes.named("parallelqa", TASKS);
        ScenarioWorld world = new ScenarioWorld(scenario, 7);
        List<EvalCase> cases = ParallelQaEvaluation.cases(scenario, new ScenarioOracle(world, scenario.tasks(), 0));

        EvalCase five = cases.get(2);
        assertThat(five.callsExactly()).isTrue();
        assertThat(five.calls()).hasSizeGreaterThan(5);
        assertThat(five.calls())
                .filteredOn(c -> c.tool().equals(ScenarioTools.CALCULATE))
                .allSatisfy(c -> assertThat(c.describe()).doesNotContain("$"));
    }
}
