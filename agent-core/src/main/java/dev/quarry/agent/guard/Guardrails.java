package dev.quarry.agent.guard;

import dev.quarry.agent.error.GuardrailException;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * An ordered list of guardrails applied to one text at one stage: each sees the text as the ones before
 * left it (a replacement is passed on), and the first block or correction stops the list. Every verdict is
 * reported, with its time, to the run's trace and events.
 */
public final class Guardrails {

    private final List<Guardrail> guardrails;

    /** The guardrails, in the order they check. */
    public Guardrails(List<Guardrail> guardrails) {
        this.guardrails = List.copyOf(guardrails);
    }

    /** Whether there is no guardrail. */
    public boolean isEmpty() {
        return guardrails.isEmpty();
    }

    /** Whether any guardrail checks {@code stage}. */
    public boolean checks(Stage stage) {
        return guardrails.stream().anyMatch(g -> g.stages().contains(stage));
    }

    /**
     * Applies every guardrail of the subject's stage in order.
     *
     * @param clock nanoseconds since the run started, for the checks' start times
     * @param reported told of each verdict as it is given
     * @throws GuardrailException when a guardrail throws (a failed check is never a pass) or returns null
     */
    public Outcome apply(Guardrail.Subject subject, LongSupplier clock, Consumer<GuardrailCheck> reported) {
        String text = subject.text();
        for (Guardrail guardrail : guardrails) {
            if (!guardrail.stages().contains(subject.stage())) {
                continue;
            }
            Guardrail.Subject current = new Guardrail.Subject(
                    subject.stage(), subject.runId(), text, subject.tool(), subject.stepId(), subject.steps());
            long start = clock.getAsLong();
            long began = System.nanoTime();
            Verdict verdict;
            try {
                verdict = guardrail.check(current);
                if (verdict == null) {
                    throw new IllegalStateException("the check returned no verdict");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failed(guardrail, subject, e, start, began, reported);
            } catch (Exception e) {
                throw failed(guardrail, subject, e, start, began, reported);
            }
            reported.accept(new GuardrailCheck(
                    guardrail.name(),
                    subject.stage(),
                    subject.stepId(),
                    verdict.kind(),
                    verdict.reason(),
                    start,
                    Duration.ofNanos(System.nanoTime() - began)));
            switch (verdict) {
                case Verdict.Pass pass -> {}
                case Verdict.Replace replace -> text = replace.text();
                case Verdict.Block block -> {
                    return new Outcome(text, guardrail.name(), block);
                }
                case Verdict.Correct correct -> {
                    return new Outcome(text, guardrail.name(), correct);
                }
            }
        }
        return new Outcome(text, "", Verdict.pass());
    }

    private static GuardrailException failed(
            Guardrail guardrail,
            Guardrail.Subject subject,
            Exception e,
            long start,
            long began,
            Consumer<GuardrailCheck> reported) {
        String reason = "the check failed: " + e;
        reported.accept(new GuardrailCheck(
                guardrail.name(),
                subject.stage(),
                subject.stepId(),
                "error",
                reason,
                start,
                Duration.ofNanos(System.nanoTime() - began)));
        return new GuardrailException(guardrail.name(), subject.stage().label(), reason, e);
    }

    /**
     * What the guardrails made of a text.
     *
     * @param text the text to go on with (replaced where a guardrail redacted it)
     * @param guardrail the guardrail that stopped the text, empty when none did
     * @param verdict a {@link Verdict.Block} or {@link Verdict.Correct} when one stopped it, else a pass
     */
    public record Outcome(String text, String guardrail, Verdict verdict) {
        /** Whether the text may go on (possibly replaced). */
        public boolean passed() {
            return verdict instanceof Verdict.Pass;
        }
    }
}
