package dev.quarry.bench.jmh;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.quarry.agent.schedule.Deadline;
import dev.quarry.agent.schedule.Step;
import dev.quarry.agent.schedule.StepResult;
import dev.quarry.agent.schedule.StepScheduler;
import dev.quarry.agent.tool.Tool;
import dev.quarry.agent.tool.ToolModels;
import dev.quarry.agent.tool.ToolPolicy;
import dev.quarry.agent.tool.ToolRegistry;
import dev.quarry.agent.tool.ToolResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the {@link StepScheduler} itself costs: steps whose tool does nothing, so every nanosecond measured
 * is scheduling (dependency tracking, virtual threads, limits, listeners, result capping).
 *
 * <ul>
 *   <li>{@code independentSteps}: 1,000 independent steps per run; the score is time per step.
 *   <li>{@code randomDag}: a 10,000-step random DAG (each step depends on up to three earlier ones, seeded),
 *       submitted and awaited end to end; the score is time per DAG.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SchedulerBenchmark {

    static final String NOOP = "noop";

    private static final Tool NOOP_TOOL = Tool.of(
            ToolSpecification.builder().name(NOOP).description("does nothing").build(),
            ToolPolicy.readOnly(),
            (arguments, context) -> ToolResult.of("ok"));

    @Param({"10000"})
    public int dagSteps;

    private StepScheduler scheduler;
    private ToolRegistry tools;
    private List<Step> independent;
    private List<Step> dag;

    @Setup
    public void setUp() {
        // deduplication off: identical no-op calls would otherwise be answered from the first
        scheduler = StepScheduler.builder().deduplicate(false).build();
        tools = new ToolRegistry(List.of(NOOP_TOOL));
        independent = independentSteps(1_000);
        dag = randomDag(dagSteps, 3, 42);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation(1_000)
    public List<StepResult> independentSteps() {
        return execute(independent);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public List<StepResult> randomDag() {
        return execute(dag);
    }

    private List<StepResult> execute(List<Step> steps) {
        try (StepScheduler.Run run =
                scheduler.open("bench", tools, Deadline.after(Duration.ofMinutes(5)), ToolModels.NONE, List.of())) {
            List<StepResult> results = run.execute(steps);
            if (!results.getLast().status().succeeded()) {
                throw new IllegalStateException("a no-op step failed: " + results.getLast());
            }
            return results;
        }
    }

    /** {@code count} steps with no dependencies. */
    static List<Step> independentSteps(int count) {
        List<Step> steps = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            steps.add(new Step("s" + i, NOOP, arguments(i), List.of()));
        }
        return steps;
    }

    /** A random DAG in topological order: step i depends on up to {@code fanIn} of the steps before it. */
    static List<Step> randomDag(int count, int fanIn, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Step> steps = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            List<String> dependsOn = new ArrayList<>();
            int parents = i == 0 ? 0 : random.nextInt(Math.min(fanIn, i) + 1);
            for (int p = 0; p < parents; p++) {
                String parent = "s" + random.nextInt(i);
                if (!dependsOn.contains(parent)) {
                    dependsOn.add(parent);
                }
            }
            steps.add(new Step("s" + i, NOOP, arguments(i), dependsOn));
        }
        return steps;
    }

    private static ObjectNode arguments(int i) {
        return JsonNodeFactory.instance.objectNode().put("n", i);
    }
}
