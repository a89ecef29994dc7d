package dev.quarry.eval;

import dev.quarry.agent.Agent;
import dev.quarry.agent.AgentResult;
import dev.quarry.agent.error.QuarryException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a dataset's cases against an agent and scores every run. Cases run at once up to a bound, each in its
 * own run (no memory of another case), repeated when asked, each within a deadline; a run that throws or
 * passes its deadline is a failed run with its error, never a failed evaluation.
 *
 * <pre>{@code
 * EvalReport report = EvalRunner.builder(agent).repeats(3).build().run(EvalDataset.read(path));
 * }</pre>
 */
public final class EvalRunner {

    private final java.util.function.Function<EvalCase, Agent> agents;
    private final List<Scorer> scorers;
    private final int parallelism;
    private final int repeats;
    private final Duration caseDeadline;

    private EvalRunner(Builder builder) {
        this.agents = builder.agents;
        this.scorers = List.copyOf(builder.scorers);
        this.parallelism = builder.parallelism;
        this.repeats = builder.repeats;
        this.caseDeadline = builder.caseDeadline;
    }

    /** A runner for {@code agent} with the built-in scorers (answer, trajectory, citations, cost). */
    public static Builder builder(Agent agent) {
        Objects.requireNonNull(agent, "agent");
        return new Builder(evalCase -> agent);
    }

    /**
     * A runner that asks {@code agentFor} for the agent of each run: for tools bound to a case's own fixture,
     * or a fresh agent per run.
     */
    public static Builder perCase(java.util.function.Function<EvalCase, Agent> agentFor) {
        return new Builder(Objects.requireNonNull(agentFor, "agentFor"));
    }

    /** The built-in scorers that need no model: answer, trajectory, citations, cost. */
    public static List<Scorer> builtInScorers() {
        return List.of(new AnswerScorer(), new TrajectoryScorer(), new CitationScorer(), new CostScorer());
    }

    /** Runs and scores every case {@code repeats} times. */
    public EvalReport run(List<EvalCase> cases) {
        if (cases.isEmpty()) {
            throw new DatasetException("an evaluation needs at least one case");
        }
        Semaphore slots = new Semaphore(parallelism);
        List<CompletableFuture<EvalReport.Scored>> futures = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (EvalCase evalCase : cases) {
                for (int repeat = 1; repeat <= repeats; repeat++) {
                    int n = repeat;
                    futures.add(CompletableFuture.supplyAsync(
                            () -> {
                                slots.acquireUninterruptibly();
                                try {
                                    CaseRun run = runOnce(evalCase, n);
                                    return new EvalReport.Scored(run, score(evalCase, run));
                                } finally {
                                    slots.release();
                                }
                            },
                            threads));
                }
            }
            List<EvalReport.Scored> scored =
                    futures.stream().map(CompletableFuture::join).toList();
            return new EvalReport(cases, repeats, scored);
        }
    }

    private CaseRun runOnce(EvalCase evalCase, int repeat) {
        long start = System.nanoTime();
        Future<AgentResult> future;
        try {
            future = agents.apply(evalCase).runAsync(evalCase.task());
        } catch (RuntimeException e) {
            return CaseRun.failed(
                    evalCase,
                    repeat,
                    e.getClass().getSimpleName() + ": " + e.getMessage(),
                    null,
                    Duration.ofNanos(System.nanoTime() - start));
        }
        try {
            AgentResult result = future.get(caseDeadline.toNanos(), TimeUnit.NANOSECONDS);
            return CaseRun.answered(evalCase, repeat, result, Duration.ofNanos(System.nanoTime() - start));
        } catch (TimeoutException e) {
            future.cancel(true);
            return CaseRun.failed(
                    evalCase,
                    repeat,
                    "did not answer within the case deadline of " + caseDeadline,
                    null,
                    Duration.ofNanos(System.nanoTime() - start));
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            return CaseRun.failed(evalCase, repeat, "interrupted", null, Duration.ofNanos(System.nanoTime() - start));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            AgentResult partial = cause instanceof QuarryException quarry
                    ? quarry.partial(AgentResult.class).orElse(null)
                    : null;
            return CaseRun.failed(
                    evalCase,
                    repeat,
                    cause.getClass().getSimpleName() + ": " + cause.getMessage(),
                    partial,
                    Duration.ofNanos(System.nanoTime() - start));
        } catch (RuntimeException e) {
            return CaseRun.failed(
                    evalCase,
                    repeat,
                    e.getClass().getSimpleName() + ": " + e.getMessage(),
                    null,
                    Duration.ofNanos(System.nanoTime() - start));
        }
    }

    private List<Metric> score(EvalCase evalCase, CaseRun run) {
        List<Metric> metrics = new ArrayList<>();
        metrics.add(
                run.error().isPresent()
                        ? Metric.check("run", false, run.error().get())
                        : Metric.check("run", true, ""));
        for (Scorer scorer : scorers) {
            try {
                metrics.addAll(scorer.score(evalCase, run));
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                metrics.add(new Metric(
                        scorer.name(),
                        Double.NaN,
                        Metric.Verdict.ERROR,
                        "the scorer failed: " + e.getClass().getSimpleName() + ": " + e.getMessage()));
            }
        }
        return metrics;
    }

    /** Configures an {@link EvalRunner}. */
    public static final class Builder {
        private final java.util.function.Function<EvalCase, Agent> agents;
        private final List<Scorer> scorers = new ArrayList<>(builtInScorers());
        private int parallelism = 4;
        private int repeats = 1;
        private Duration caseDeadline = Duration.ofMinutes(5);

        private Builder(java.util.function.Function<EvalCase, Agent> agents) {
            this.agents = agents;
        }

        /** Adds a scorer (a {@link JudgeScorer}, one of the application's) after the built-ins. */
        public Builder scorer(Scorer scorer) {
            scorers.add(Objects.requireNonNull(scorer, "scorer"));
            return this;
        }

        /** Cases running at once (default 4). */
        public Builder parallelism(int cases) {
            if (cases < 1) {
                throw new IllegalArgumentException("parallelism must be >= 1, was " + cases);
            }
            this.parallelism = cases;
            return this;
        }

        /** Runs of each case (default 1); the report gives each metric's mean and spread over them. */
        public Builder repeats(int runs) {
            if (runs < 1) {
                throw new IllegalArgumentException("repeats must be >= 1, was " + runs);
            }
            this.repeats = runs;
            return this;
        }

        /** Longest a run of a case may take before it fails (default 5 minutes). */
        public Builder caseDeadline(Duration deadline) {
            if (deadline == null || deadline.isNegative() || deadline.isZero()) {
                throw new IllegalArgumentException("caseDeadline must be positive, was " + deadline);
            }
            this.caseDeadline = deadline;
            return this;
        }

        /** The runner. */
        public EvalRunner build() {
            return new EvalRunner(this);
        }
    }
}
