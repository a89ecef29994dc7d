package dev.quarry.agent;

import dev.quarry.agent.error.LimitExceededException;
import dev.quarry.agent.schedule.StepResult;
import dev.quarry.agent.tool.Citation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiPredicate;

/**
 * What one run asked its scheduler for: every step in planning order, the ids in use, the step limit, and
 * the results the planner has read since its last model call (the inputs of that call in the trace).
 * Thread-safe: a streaming planner submits from the model client's threads.
 */
final class RunSteps {

    private final int maxSteps;
    private final List<CompletableFuture<StepResult>> submitted = new ArrayList<>();
    private final Set<String> ids = new HashSet<>();
    private final List<String> unread = new ArrayList<>();
    private int planned;

    RunSteps(int maxSteps) {
        this.maxSteps = maxSteps;
    }

    /** Counts a step the model planned against the run's limit and reserves its id. */
    synchronized void plan(String stepId) {
        if (++planned > maxSteps) {
            throw new LimitExceededException("the run reached its limit of " + maxSteps
                    + " steps without an answer; raise Limits.maxSteps or simplify the task");
        }
        ids.add(stepId);
    }

    /** {@code wanted}, or {@code wanted-2}, {@code wanted-3}, ... when taken; reserved on return. */
    synchronized String uniqueId(String wanted) {
        String id = wanted;
        for (int n = 2; ids.contains(id); n++) {
            id = wanted + "-" + n;
        }
        ids.add(id);
        return id;
    }

    synchronized CompletableFuture<StepResult> remember(CompletableFuture<StepResult> future) {
        submitted.add(future);
        return future;
    }

    synchronized void read(List<StepResult> results) {
        results.forEach(r -> unread.add(r.stepId()));
    }

    /** The results read since the last call of this method. */
    synchronized List<String> takeUnread() {
        List<String> inputs = List.copyOf(unread);
        unread.clear();
        return inputs;
    }

    /** The finished steps, in planning order. */
    synchronized List<StepResult> finished() {
        return submitted.stream()
                .map(f -> f.getNow(null))
                .filter(r -> r != null)
                .toList();
    }

    /** Whether a non-empty answer names this citation, by its label or its document id. */
    static boolean namedIn(String answer, Citation citation) {
        return !answer.isEmpty() && (answer.contains(citation.label()) || answer.contains(citation.documentId()));
    }

    /** The citations of successful steps, de-duplicated by label, kept where {@code keep} says so. */
    static List<Citation> citations(List<StepResult> results, BiPredicate<StepResult, Citation> keep) {
        Map<String, Citation> citations = new LinkedHashMap<>();
        for (StepResult result : results) {
            if (result.status().succeeded()) {
                result.citations().stream()
                        .filter(c -> keep.test(result, c))
                        .forEach(c -> citations.putIfAbsent(c.label(), c));
            }
        }
        return List.copyOf(citations.values());
    }
}
