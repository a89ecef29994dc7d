package dev.quarry.bench.scenario;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.quarry.agent.tool.Policy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The two tools of the scenario, as langchain4j {@code @Tool} methods so every contender uses the very same
 * objects: {@code search} looks up one fact, {@code calculate} combines facts. One instance serves one task
 * run and records when each call ran. What a call returns and how long it takes come from the
 * {@link ScenarioWorld}: the same for every contender, whatever order the calls run in.
 */
public final class ScenarioTools {

    public static final String SEARCH = "search";
    public static final String CALCULATE = "calculate";

    private final Scenario.Task task;
    private final ScenarioWorld world;
    private final double scale;
    private final List<ToolSpan> spans = Collections.synchronizedList(new ArrayList<>());

    /**
     * @param task the task these tools serve
     * @param world the scenario's facts and latencies
     * @param scale factor applied to every latency (the benchmark's common time scale)
     */
    ScenarioTools(Scenario.Task task, ScenarioWorld world, double scale) {
        this.task = task;
        this.world = world;
        this.scale = scale;
    }

    /** One recorded tool call. */
    public record ToolSpan(String tool, String argument, String result, long startNanos, long endNanos) {
        public long nanos() {
            return endNanos - startNanos;
        }
    }

    @Tool("Looks up one fact and returns its numeric value.")
    @Policy(sideEffecting = false)
    public String search(@P("what to look up") String query) throws InterruptedException {
        return call(SEARCH, query);
    }

    @Tool("Evaluates an arithmetic or comparison expression over looked-up values and returns the result.")
    @Policy(sideEffecting = false)
    public String calculate(@P("the expression, for example compare(12, 34)") String expression)
            throws InterruptedException {
        return call(CALCULATE, expression);
    }

    private String call(String tool, String argument) throws InterruptedException {
        long start = System.nanoTime();
        String value = world.value(task, tool, argument);
        // The simulated tool's own work; it is what every contender waits for, not a synchronisation.
        Thread.sleep(Duration.ofNanos((long) (world.unscaledMillis(task, tool, argument) * scale * 1e6)));
        spans.add(new ToolSpan(tool, argument, value, start, System.nanoTime()));
        return value;
    }

    /** The task these tools serve. */
    Scenario.Task task() {
        return task;
    }

    /** Every call so far, in completion order. */
    public List<ToolSpan> spans() {
        synchronized (spans) {
            return List.copyOf(spans);
        }
    }
}
