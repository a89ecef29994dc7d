package dev.quarry.agent.tool;

import dev.langchain4j.model.chat.ChatModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/** The {@link ToolContext} of one step of a run; made by {@link ToolContext#of}. */
record RunToolContext(String runId, String stepId, ToolModels models, ExecutorService executor) implements ToolContext {

    @Override
    public Optional<ChatModel> model() {
        return models.forStep(stepId);
    }

    @Override
    public <T> List<T> parallel(List<? extends Callable<T>> tasks) throws Exception {
        List<Future<T>> running = new ArrayList<>(tasks.size());
        for (Callable<T> task : tasks) {
            running.add(executor.submit(task));
        }
        List<T> results = new ArrayList<>(running.size());
        try {
            for (Future<T> future : running) {
                results.add(future.get());
            }
            return results;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        } finally {
            running.forEach(f -> f.cancel(true));
        }
    }
}
