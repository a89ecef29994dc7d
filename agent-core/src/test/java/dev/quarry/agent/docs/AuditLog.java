package dev.quarry.agent.docs;

import dev.quarry.agent.schedule.StepInterceptor;
import dev.quarry.agent.schedule.StepResult;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every tool call that ran (after approval and deduplication) and how it ended. */
public final class AuditLog implements StepInterceptor {

    private final List<String> entries = new CopyOnWriteArrayList<>();

    @Override
    public StepResult intercept(StepCall call, Chain chain) throws InterruptedException {
        StepResult result = chain.proceed(call);
        entries.add(call.runId() + " " + call.tool().name() + " " + call.arguments() + " -> " + result.status()
                + " after " + result.attempts() + " attempt(s)");
        return result;
    }

    public List<String> entries() {
        return List.copyOf(entries);
    }
}
