package dev.quarry.agent.schedule;

/**
 * How the timeout stage tells the retry stage, right outside it, that an attempt failed in a way that may
 * pass on another try. Never leaves the step chain.
 */
final class RetryableFailure extends RuntimeException {

    private final transient StepResult result;

    RetryableFailure(StepResult result) {
        super(result.text(), null, false, false);
        this.result = result;
    }

    StepResult result() {
        return result;
    }
}
