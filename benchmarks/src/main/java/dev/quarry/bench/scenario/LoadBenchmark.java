package dev.quarry.bench.scenario;

import dev.quarry.bench.Percentiles;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ./bench load}: many tasks at once. For each contender and each level N (1, 10, 100, 1,000 by
 * default), N distinct ParallelQA-shaped tasks (two to five parallel look-ups and a calculation, a template
 * answer) start together on the simulated Bedrock through the real AWS SDK, N at a time, and the harness
 * reports throughput (tasks per second of the level's wall time), p50 and p99 of each task's wall time and
 * first answer token, the peak of live threads, and the heap after a forced GC taken while every task is in
 * its first model call, above the idle heap, per task in flight. The simulator shares the JVM: its server
 * threads (8 per task in flight, at most 2,400) and captured requests are in the heap and thread figures, and
 * its thread pool bounds how many requests it serves at once; these are its limits, not the contenders'.
 */
public final class LoadBenchmark {

    private LoadBenchmark() {}

    /** The contenders, fixed before any run: Quarry's default and headline, LangChain4j's (b) and (b-stream). */
    static final List<Contender> CONTENDERS = List.of(
            Contender.QUARRY_TOOL_USE,
            Contender.QUARRY_GRAPH_STREAMING,
            Contender.AISERVICES_CONCURRENT,
            Contender.AISERVICES_STREAMING);

    /** One level's figures. */
    record Point(
            Contender contender,
            int level,
            double throughput,
            double wallP50,
            double wallP99,
            double firstP50,
            double firstP99,
            int peakThreads,
            double heapPerTaskKib,
            int failures) {}

    /** N distinct tasks: names and numbers differ, so the simulated world gives each its own facts. */
    static List<ParallelQa.Task> tasks(int n) {
        List<ParallelQa.Task> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int branch = 2 + i % 4;
            tasks.add(new ParallelQa.Task(
                    "load-" + i,
                    "Of the " + branch + " reservoirs of district " + i
                            + ", which holds the most water after a dry month?",
                    "reservoir",
                    branch));
        }
        return tasks;
    }

    static List<Point> run(List<Contender> contenders, int[] levels, double scale) throws InterruptedException {
        List<Point> points = new ArrayList<>();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int level : levels) {
            Scenario scenario = Shapes.named("parallelqa", tasks(level));
            var settings = new ScenarioRunner.ScenarioSettings(ScenarioBenchmark.BASELINE, scale, level, 11);
            try (ScenarioRunner runner = new ScenarioRunner(scenario, settings)) {
                for (Contender contender : contenders) {
                    runner.run(contender, 1.0, 0, scenario.tasks().subList(0, Math.min(2, level))); // warm-up
                    System.gc();
                    long idle = memory.getHeapMemoryUsage().getUsed();
                    threads.resetPeakThreadCount();
                    AtomicLong inFlightHeap = new AtomicLong(-1);
                    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
                    // every task waits at least the first token (600 ms at 1x) in its first call: measure there
                    long gcAfter = Math.max(50, (long) (300 * scale));
                    sampler.schedule(
                            () -> {
                                System.gc();
                                inFlightHeap.set(memory.getHeapMemoryUsage().getUsed());
                            },
                            gcAfter,
                            TimeUnit.MILLISECONDS);
                    long start = System.nanoTime();
                    List<TaskRun> runs = runner.run(contender, 1.0, 0);
                    double elapsed = (System.nanoTime() - start) / 1e9;
                    sampler.shutdown();
                    sampler.awaitTermination(10, TimeUnit.SECONDS);
                    double[] wall = runs.stream()
                            .mapToDouble(r -> r.wallSeconds() * 1000)
                            .toArray();
                    double[] first = runs.stream()
                            .mapToDouble(r -> r.firstTokenSeconds() * 1000)
                            .toArray();
                    long failures =
                            runs.stream().filter(r -> r.problem() != null).count();
                    points.add(new Point(
                            contender,
                            level,
                            runs.size() / elapsed,
                            Percentiles.nearestRank(wall, 0.5),
                            Percentiles.nearestRank(wall, 0.99),
                            Percentiles.nearestRank(first, 0.5),
                            Percentiles.nearestRank(first, 0.99),
                            threads.getPeakThreadCount(),
                            inFlightHeap.get() < 0
                                    ? Double.NaN
                                    : Math.max(0, inFlightHeap.get() - idle) / 1024.0 / level,
                            (int) failures));
                }
            }
        }
        return points;
    }

    static String report(List<Point> points, double scale) {
        StringBuilder out = new StringBuilder(String.format(
                Locale.ROOT,
                "Load: ParallelQA-shaped tasks, baseline profile, time scale %.2f (figures in unscaled ms: the"
                        + " simulated model and look-ups run %.0fx faster), N tasks started together, N at a time%n%n",
                scale,
                1 / scale));
        out.append("| contender | N | tasks/s | wall p50 | wall p99 | first token p50 | first token p99 | peak threads"
                + " | heap per task in flight (KiB, after GC) | failed |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Point p : points) {
            out.append(String.format(
                    Locale.ROOT,
                    "| (%s) %s | %d | %.1f | %.0f | %.0f | %.0f | %.0f | %d | %.0f | %d |%n",
                    p.contender().letter(),
                    p.contender().label(),
                    p.level(),
                    p.throughput() * scale,
                    p.wallP50(),
                    p.wallP99(),
                    p.firstP50(),
                    p.firstP99(),
                    p.peakThreads(),
                    p.heapPerTaskKib(),
                    p.failures()));
        }
        return out.toString();
    }

    public static void main(String[] args) throws InterruptedException {
        int[] levels = {1, 10, 100, 1000};
        double scale = 1.0;
        for (int i = 0; i < args.length - 1; i += 2) {
            switch (args[i]) {
                case "--levels" ->
                    levels = java.util.Arrays.stream(args[i + 1].split(","))
                            .mapToInt(Integer::parseInt)
                            .toArray();
                case "--scale" -> scale = Double.parseDouble(args[i + 1]);
                default ->
                    throw new IllegalArgumentException("usage: ./bench load [--levels 1,10,100,1000] [--scale X]");
            }
        }
        System.out.print(report(run(CONTENDERS, levels, scale), scale));
    }
}
