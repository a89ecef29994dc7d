package dev.quarry.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.agent.error.GuardrailException;
import dev.quarry.agent.error.RunCancelledException;
import dev.quarry.agent.guard.Guardrail;
import dev.quarry.agent.guard.GuardrailCheck;
import dev.quarry.agent.guard.Guardrails;
import dev.quarry.agent.guard.Stage;
import dev.quarry.agent.guard.Verdict;
import dev.quarry.agent.model.ModelCall;
import dev.quarry.agent.model.ModelInterceptor;
import dev.quarry.agent.model.ModelResponse;
import dev.quarry.agent.schedule.Step;
import dev.quarry.agent.schedule.StepInterceptor;
import dev.quarry.agent.schedule.StepResult;
import dev.quarry.agent.schedule.StepStatus;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The agent's guardrails in one run, on the run's chains: the input is checked beside the first model call
 * (whose streamed output is held until the input passes, and which is cancelled if it does not), tool
 * arguments and results around each tool call on the step chain, and the answer before the run returns it.
 * A block ends the run with a {@link GuardrailException}; corrections are bounded per run.
 */
final class RunGuardrails implements AgentPlugin.RunPart {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Guardrails guardrails;
    private final int maxCorrections;
    private final String runId;
    private final String task;
    private final AgentRun run;
    private final Supplier<List<StepResult>> steps;
    private final AtomicBoolean inputChecked = new AtomicBoolean();
    private final AtomicInteger corrections = new AtomicInteger();
    private final AtomicReference<GuardrailException> blocked = new AtomicReference<>();

    RunGuardrails(Guardrails guardrails, int maxCorrections, AgentRun run, Supplier<List<StepResult>> steps) {
        this.guardrails = guardrails;
        this.maxCorrections = maxCorrections;
        this.runId = run.runId();
        this.task = run.task();
        this.run = run;
        this.steps = steps;
    }

    private Guardrails.Outcome apply(Stage stage, String text, String tool, String stepId) {
        return guardrails.apply(
                new Guardrail.Subject(stage, runId, text, tool, stepId, steps.get()), run.trace()::now, this::report);
    }

    private void report(GuardrailCheck check) {
        run.trace().guardrail(check);
        run.events().guardrail(runId, check);
    }

    @Override
    public Optional<ModelInterceptor> modelInterceptor() {
        if (!guardrails.checks(Stage.INPUT)) {
            return Optional.empty();
        }
        return Optional.of(this::checkInputBeside);
    }

    /**
     * The first planner call goes to the model on another thread while the input is checked here; what it
     * streams is held until the input passes, and a blocked input cancels it.
     */
    private ModelResponse checkInputBeside(ModelCall call, ModelInterceptor.Chain chain) {
        if (call.toolStep().isPresent() || !inputChecked.compareAndSet(false, true)) {
            return chain.proceed(call);
        }
        HeldSink held = new HeldSink(call.sink());
        FutureTask<ModelResponse> model = new FutureTask<>(() -> chain.proceed(call.withSink(held)));
        Thread.ofVirtual().name("quarry-" + runId + "-first-call").start(model);
        try {
            Guardrails.Outcome input = apply(Stage.INPUT, task, "", "");
            if (!input.passed()) {
                // the model cannot change what the user asked: a correction of the input blocks it too
                throw new GuardrailException(
                        input.guardrail(), Stage.INPUT.label(), input.verdict().reason());
            }
        } catch (RuntimeException e) {
            model.cancel(true);
            throw e;
        }
        held.release();
        try {
            return model.get();
        } catch (InterruptedException e) {
            model.cancel(true);
            Thread.currentThread().interrupt();
            throw new RunCancelledException("run " + runId + " was interrupted");
        } catch (CancellationException e) {
            throw new RunCancelledException("run " + runId + " was cancelled");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException("the first model call failed", e.getCause());
        }
    }

    @Override
    public Optional<StepInterceptor> stepInterceptor() {
        if (!guardrails.checks(Stage.TOOL_ARGUMENTS) && !guardrails.checks(Stage.TOOL_RESULT)) {
            return Optional.empty();
        }
        return Optional.of(this::guardStep);
    }

    private StepResult guardStep(StepInterceptor.StepCall call, StepInterceptor.Chain chain)
            throws InterruptedException {
        Step step = call.step();
        if (blocked.get() != null) {
            return StepResult.rejected(
                    step.id(), step.tool(), StepStatus.CANCELLED, "Not run: a guardrail ended the run.");
        }
        StepInterceptor.StepCall checked = call;
        if (guardrails.checks(Stage.TOOL_ARGUMENTS)) {
            Guardrails.Outcome arguments =
                    apply(Stage.TOOL_ARGUMENTS, step.arguments().toString(), step.tool(), step.id());
            if (!arguments.passed()) {
                return stopped(step, arguments, Stage.TOOL_ARGUMENTS);
            }
            if (!arguments.text().equals(step.arguments().toString())) {
                checked = new StepInterceptor.StepCall(
                        call.runId(), step.withArguments(replacedArguments(arguments)), call.tool(), call.deadline());
            }
        }
        StepResult result = chain.proceed(checked);
        if (!result.status().succeeded() || !guardrails.checks(Stage.TOOL_RESULT)) {
            return result;
        }
        Guardrails.Outcome output = apply(Stage.TOOL_RESULT, result.text(), step.tool(), step.id());
        if (!output.passed()) {
            return stopped(step, output, Stage.TOOL_RESULT);
        }
        return output.text().equals(result.text())
                ? result
                : new StepResult(
                        result.stepId(),
                        result.tool(),
                        result.status(),
                        output.text(),
                        result.citations(),
                        result.attempts(),
                        result.deduplicated());
    }

    private ObjectNode replacedArguments(Guardrails.Outcome arguments) {
        try {
            JsonNode parsed = JSON.readTree(arguments.text());
            if (parsed instanceof ObjectNode object) {
                return object;
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // reported below
        }
        throw new GuardrailException(
                arguments.guardrail(),
                Stage.TOOL_ARGUMENTS.label(),
                "it replaced the arguments with text that is not a JSON object");
    }

    /** A step a guardrail stopped: a block ends the run after this round, a correction fails the step. */
    private StepResult stopped(Step step, Guardrails.Outcome outcome, Stage stage) {
        if (mayCorrect(outcome)) {
            String correction = stage == Stage.TOOL_ARGUMENTS
                    ? " refused the arguments of this call: "
                            + outcome.verdict().reason() + ". Call the tool again with arguments that it accepts."
                    : " withheld the result of this call: " + outcome.verdict().reason()
                            + ". Answer without it, or call a tool whose result it accepts.";
            return StepResult.rejected(
                    step.id(), step.tool(), StepStatus.REFUSED, "Guardrail " + outcome.guardrail() + correction);
        }
        blocked.compareAndSet(null, blocking(outcome, stage));
        return StepResult.rejected(
                step.id(), step.tool(), StepStatus.REFUSED, "Blocked by guardrail " + outcome.guardrail() + ".");
    }

    /** Whether the outcome asks for a correction and the run has one left (counting it). */
    private boolean mayCorrect(Guardrails.Outcome outcome) {
        return outcome.verdict() instanceof Verdict.Correct && corrections.incrementAndGet() <= maxCorrections;
    }

    /** The error of a block, or of a correction asked for once too often. */
    private GuardrailException blocking(Guardrails.Outcome outcome, Stage stage) {
        String reason = outcome.verdict() instanceof Verdict.Correct
                ? "still refused after " + maxCorrections + " correction(s): "
                        + outcome.verdict().reason()
                : outcome.verdict().reason();
        return new GuardrailException(outcome.guardrail(), stage.label(), reason);
    }

    @Override
    public void afterSteps(List<StepResult> results) {
        GuardrailException block = blocked.get();
        if (block != null) {
            throw block;
        }
    }

    @Override
    public AgentPlugin.AnswerReview reviewAnswer(String answer) {
        afterSteps(List.of());
        if (!guardrails.checks(Stage.ANSWER)) {
            return AgentPlugin.AnswerReview.accept(answer);
        }
        Guardrails.Outcome outcome = apply(Stage.ANSWER, answer, "", "");
        if (outcome.passed()) {
            return AgentPlugin.AnswerReview.accept(outcome.text());
        }
        if (mayCorrect(outcome)) {
            return AgentPlugin.AnswerReview.correct("Your answer was not accepted by guardrail " + outcome.guardrail()
                    + ": " + outcome.verdict().reason() + ". Write the answer again.");
        }
        throw blocking(outcome, Stage.ANSWER);
    }
}
