package dev.quarry.agent.schedule;

/** Built-in step interceptor: tool output longer than the limit is cut, with a marker the model reads. */
final class OutputTruncation implements StepInterceptor {

    private final int maxChars;

    OutputTruncation(int maxChars) {
        this.maxChars = maxChars;
    }

    @Override
    public StepResult intercept(StepCall call, Chain chain) throws InterruptedException {
        StepResult result = chain.proceed(call);
        if (result.text().length() <= maxChars) {
            return result;
        }
        int cut = result.text().length() - maxChars;
        return new StepResult(
                result.stepId(),
                result.tool(),
                result.status(),
                result.text().substring(0, maxChars) + "\n[output truncated: " + cut + " more characters not shown]",
                result.citations(),
                result.attempts(),
                result.deduplicated());
    }
}
