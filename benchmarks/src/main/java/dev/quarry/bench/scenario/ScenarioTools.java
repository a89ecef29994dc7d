package dev.quarry.bench.scenario;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.quarry.agent.tool.Policy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.StringJoiner;
import java.util.zip.CRC32;

/**
 * The two tools of the scenario, as langchain4j {@code @Tool} methods so every contender uses the very same
 * objects: {@code search} looks up one fact, {@code calculate} combines the facts. One instance serves one
 * task run and records when each call ran.
 *
 * <p>Latency and values are drawn from a generator seeded by (seed, task, tool, argument), so a call costs
 * the same in every contender whatever order it runs in. The calculator stands in for the arithmetic: it
 * checks that it received exactly the looked-up values, then returns the task's gold answer, because the
 * benchmark measures time, not arithmetic.
 */
public final class ScenarioTools {

    public static final String SEARCH = "search";
    public static final String CALCULATE = "calculate";

    /** Median search latency before scaling: a retrieval service call. */
    static final Duration SEARCH_MEDIAN = Duration.ofMillis(300);

    /** Calculator latency before scaling: 20 ms plus up to 30 ms. */
    static final Duration CALCULATE_BASE = Duration.ofMillis(20);

    private final ParallelQa.Task task;
    private final long seed;
    private final double scale;
    private final List<ToolSpan> spans = Collections.synchronizedList(new ArrayList<>());

    /**
     * @param task the task these tools serve
     * @param seed the latency and value seed
     * @param scale factor applied to every latency (the benchmark's common time scale)
     */
    public ScenarioTools(ParallelQa.Task task, long seed, double scale) {
        this.task = task;
        this.seed = seed;
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
        long start = System.nanoTime();
        Fact fact = fact(query);
        sleep(fact.unscaledMillis());
        spans.add(new ToolSpan(SEARCH, query, fact.value(), start, System.nanoTime()));
        return fact.value();
    }

    /** What a look-up of {@code query} returns and how long it takes, before scaling: one seeded draw. */
    private record Fact(String value, double unscaledMillis) {}

    private Fact fact(String query) {
        SplittableRandom random = random(SEARCH, query);
        double unscaledMillis = SEARCH_MEDIAN.toMillis() * Math.exp(0.4 * random.nextGaussian());
        return new Fact(Integer.toString(100 + random.nextInt(99_900)), Math.min(1_200, Math.max(100, unscaledMillis)));
    }

    @Tool("Evaluates an arithmetic or comparison expression over looked-up values and returns the result.")
    @Policy(sideEffecting = false)
    public String calculate(@P("the expression, for example compare(12, 34)") String expression)
            throws InterruptedException {
        long start = System.nanoTime();
        SplittableRandom random = random(CALCULATE, "");
        sleep(CALCULATE_BASE.toMillis() + random.nextInt(30));
        String expected = expression(lookedUpValues());
        String result = expression.strip().equals(expected)
                ? task.answer()
                : "error: expected " + expected + " but got " + expression;
        spans.add(new ToolSpan(CALCULATE, expression, result, start, System.nanoTime()));
        return result;
    }

    /** The query of the task's {@code i}-th look-up (1-based); the oracle writes exactly this. */
    public static String query(ParallelQa.Task task, int i) {
        return "q" + task.id() + " fact " + i;
    }

    /** The calculator expression over these operands (values or {@code $id} references). */
    public static String expression(List<String> operands) {
        StringJoiner joined = new StringJoiner(", ", "compare(", ")");
        operands.forEach(joined::add);
        return joined.toString();
    }

    /** The value {@code search} returns for the task's {@code i}-th look-up. */
    public String valueOf(int i) {
        return fact(query(task, i)).value();
    }

    /** Every call so far, in completion order. */
    public List<ToolSpan> spans() {
        synchronized (spans) {
            return List.copyOf(spans);
        }
    }

    private List<String> lookedUpValues() {
        List<String> values = new ArrayList<>();
        for (int i = 1; i <= task.branch(); i++) {
            values.add(valueOf(i));
        }
        return values;
    }

    private SplittableRandom random(String tool, String argument) {
        CRC32 crc = new CRC32();
        crc.update((task.id() + '\u0000' + tool + '\u0000' + argument).getBytes(StandardCharsets.UTF_8));
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + crc.getValue());
    }

    private void sleep(double unscaledMillis) throws InterruptedException {
        // The simulated tool's own work; it is what every contender waits for, not a synchronisation.
        Thread.sleep(Duration.ofNanos((long) (unscaledMillis * scale * 1e6)));
    }
}
