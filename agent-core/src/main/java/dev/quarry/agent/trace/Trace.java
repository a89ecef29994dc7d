package dev.quarry.agent.trace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.quarry.agent.guard.GuardrailCheck;
import dev.quarry.agent.schedule.Step;
import dev.quarry.agent.schedule.StepListener;
import dev.quarry.agent.schedule.StepResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Everything a run did and when: each model call and each step, on the monotonic clock, with the
 * dependencies between them. From those it computes the run's wall time, its critical path (the longest
 * chain of spans that had to run one after another: the best any scheduler could do) and the parallelism
 * it achieved, and exports JSON and a self-contained HTML timeline.
 *
 * <p>Thread-safe: steps report from their own threads.
 */
public final class Trace implements StepListener {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final String runId;
    private final long originNanos;
    private volatile long endNanos = -1;
    private volatile long firstAnswerTokenNanos = -1;
    private final List<Span> spans = new ArrayList<>();
    private final Map<String, Long> stepStarts = new ConcurrentHashMap<>();
    private final Map<String, String> stepOrigins = new ConcurrentHashMap<>();
    private final Map<String, Nested> children = new ConcurrentHashMap<>();
    private final List<GuardrailCheck> guardrails = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile String answeredBy;

    /**
     * The trace of a run nested in this one (a sub-agent), under the step that ran it.
     *
     * @param stepId the step of this run
     * @param offsetNanos when the nested run began, in this trace's time
     * @param trace the nested run's own trace
     */
    public record Nested(String stepId, long offsetNanos, Trace trace) {}

    public Trace(String runId) {
        this.runId = runId;
        this.originNanos = System.nanoTime();
    }

    /** The id of the traced run. */
    public String runId() {
        return runId;
    }

    /** Nanoseconds since the run began. */
    public long now() {
        return System.nanoTime() - originNanos;
    }

    /** Marks the end of the run. */
    public void finish() {
        endNanos = now();
    }

    /**
     * Records when the answer's first token reached the application: during the stream of the call that
     * answered, or when the answer was complete if it was not streamed. The first mark counts.
     */
    public void firstAnswerToken(long nanosSinceStart) {
        if (firstAnswerTokenNanos < 0) {
            firstAnswerTokenNanos = nanosSinceStart;
        }
    }

    /** Time from the start of the run to the answer's first token, once the run has answered. */
    public java.util.Optional<Duration> firstAnswerToken() {
        long nanos = firstAnswerTokenNanos;
        return nanos < 0 ? java.util.Optional.empty() : java.util.Optional.of(Duration.ofNanos(nanos));
    }

    /** Nests the trace of a run that step {@code stepId} of this run started (a sub-agent) under that step. */
    public void nest(String stepId, Trace child) {
        children.put(stepId, new Nested(stepId, child.originNanos - originNanos, child));
    }

    /** The traces of the runs nested in this one, by the start of their run. */
    public List<Nested> nested() {
        return children.values().stream()
                .sorted(Comparator.comparingLong(Nested::offsetNanos))
                .toList();
    }

    /** Records that a sub-agent the run handed off to wrote the answer. */
    public void answeredBy(String subAgent) {
        this.answeredBy = subAgent;
    }

    /** The sub-agent that wrote the answer, when the run handed off to one. */
    public java.util.Optional<String> answeredBy() {
        return java.util.Optional.ofNullable(answeredBy);
    }

    /** Records a guardrail's verdict. */
    public void guardrail(GuardrailCheck check) {
        guardrails.add(check);
    }

    /** Every guardrail verdict of the run, in the order given. */
    public List<GuardrailCheck> guardrails() {
        return List.copyOf(guardrails);
    }

    /** Adds a span. */
    public void add(Span span) {
        synchronized (spans) {
            spans.add(span);
        }
    }

    /** Notes that {@code stepId} was planned by the span {@code originId} (a model call), for the critical path. */
    public void stepPlannedBy(String stepId, String originId) {
        stepOrigins.put(stepId, originId);
    }

    @Override
    public void onStart(String runId, Step step) {
        stepStarts.put(step.id(), now());
    }

    @Override
    public void onFinish(String runId, Step step, StepResult result) {
        long end = now();
        long start = stepStarts.getOrDefault(step.id(), end);
        List<String> dependsOn = new ArrayList<>(step.dependsOn());
        String origin = stepOrigins.get(step.id());
        if (origin != null) {
            dependsOn.add(origin);
        }
        Map<String, Object> attributes = new LinkedHashMap<>();
        if (result.deduplicated()) {
            attributes.put("deduplicated", true);
        }
        attributes.put("arguments", excerpt(step.arguments().toString()));
        attributes.put("result", excerpt(result.text()));
        add(new Span(
                step.id(),
                Span.Kind.STEP,
                step.tool(),
                start,
                end,
                result.status().name(),
                result.attempts(),
                dependsOn,
                attributes));
    }

    /** Tool arguments and results are kept in the trace as excerpts of this many characters. */
    public static final int EXCERPT_CHARS = 200;

    private static String excerpt(String text) {
        return text.length() <= EXCERPT_CHARS ? text : text.substring(0, EXCERPT_CHARS) + "...";
    }

    /** All spans, by start time. */
    public List<Span> spans() {
        synchronized (spans) {
            return spans.stream()
                    .sorted(Comparator.comparingLong(Span::startNanos))
                    .toList();
        }
    }

    /** From the start of the run to its end (or to the last span, if the run has not finished). */
    public Duration wallTime() {
        long end = endNanos >= 0
                ? endNanos
                : spans().stream().mapToLong(Span::endNanos).max().orElse(0);
        return Duration.ofNanos(end);
    }

    /**
     * The longest chain of dependent spans, by total duration: how long the run would take with unlimited
     * parallelism and no scheduling delay.
     */
    public Duration criticalPath() {
        return Duration.ofNanos(
                criticalPathSpans().stream().mapToLong(Span::durationNanos).sum());
    }

    /** The spans on the critical path, first to last. */
    public List<Span> criticalPathSpans() {
        List<Span> ordered = spans().stream()
                .sorted(Comparator.comparingLong(Span::endNanos))
                .toList();
        Map<String, Span> byId = new HashMap<>();
        Map<String, Long> longest = new HashMap<>();
        Map<String, String> previous = new HashMap<>();
        String best = null;
        for (Span span : ordered) {
            byId.put(span.id(), span);
            long before = 0;
            for (String dependency : span.dependsOn()) {
                Long length = longest.get(dependency);
                if (length != null && length > before) {
                    before = length;
                    previous.put(span.id(), dependency);
                }
            }
            longest.put(span.id(), before + span.durationNanos());
            if (best == null || longest.get(span.id()) > longest.get(best)) {
                best = span.id();
            }
        }
        List<Span> path = new ArrayList<>();
        for (String id = best; id != null; id = previous.get(id)) {
            path.addFirst(byId.get(id));
        }
        return path;
    }

    /** Busy time of all spans divided by wall time: 1.0 is strictly sequential. */
    public double parallelism() {
        long wall = wallTime().toNanos();
        return wall == 0 ? 0 : spans().stream().mapToLong(Span::durationNanos).sum() / (double) wall;
    }

    /** The trace as JSON: run id, summary figures, and every span. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(document());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("trace is not serialisable", e);
        }
    }

    /** The JSON document of this trace, with the documents of the runs nested in it. */
    private Map<String, Object> document() {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("runId", runId);
        document.put("wallMillis", wallTime().toNanos() / 1e6);
        document.put("criticalPathMillis", criticalPath().toNanos() / 1e6);
        firstAnswerToken().ifPresent(d -> document.put("firstAnswerTokenMillis", d.toNanos() / 1e6));
        document.put("parallelism", parallelism());
        if (answeredBy != null) {
            document.put("answeredBy", answeredBy);
        }
        document.put("spans", spans());
        if (!guardrails.isEmpty()) {
            List<Map<String, Object>> checks = new ArrayList<>();
            for (GuardrailCheck check : guardrails) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("guardrail", check.guardrail());
                entry.put("stage", check.stage().label());
                if (!check.stepId().isEmpty()) {
                    entry.put("stepId", check.stepId());
                }
                entry.put("verdict", check.verdict());
                if (!check.reason().isEmpty()) {
                    entry.put("reason", check.reason());
                }
                entry.put("startMillis", check.startNanos() / 1e6);
                entry.put("durationMillis", check.duration().toNanos() / 1e6);
                checks.add(entry);
            }
            document.put("guardrails", checks);
        }
        List<Map<String, Object>> nestedRuns = new ArrayList<>();
        for (Nested child : nested()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("stepId", child.stepId());
            entry.put("offsetMillis", child.offsetNanos() / 1e6);
            entry.put("trace", child.trace().document());
            nestedRuns.add(entry);
        }
        if (!nestedRuns.isEmpty()) {
            document.put("subAgents", nestedRuns);
        }
        return document;
    }

    /** A self-contained HTML page (no scripts, no external files) with a Gantt chart of the run. */
    public String toHtml() {
        return TraceHtml.render(this);
    }
}
