package dev.quarry.agent.schedule;

import dev.quarry.agent.tool.Tool;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What all runs of one scheduler share to execute tools: the global and per-tool concurrency permits and a
 * bounded pool of platform threads (idle ones end after 30 s). The pool never holds more tasks than there are
 * global permits, so it never queues beyond them.
 */
final class ToolThreads {

    private final Semaphore global;
    private final Map<String, Semaphore> perTool = new ConcurrentHashMap<>();
    private final ExecutorService pool;

    ToolThreads(int maxConcurrency) {
        this.global = new Semaphore(maxConcurrency, true);
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(
                maxConcurrency,
                maxConcurrency,
                30,
                TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(maxConcurrency),
                task -> Thread.ofPlatform()
                        .name("quarry-tool-" + count.incrementAndGet())
                        .daemon(true)
                        .unstarted(task));
        executor.allowCoreThreadTimeOut(true);
        this.pool = executor;
    }

    Semaphore global() {
        return global;
    }

    Semaphore perTool(Tool tool) {
        return perTool.computeIfAbsent(
                tool.name(), name -> new Semaphore(Math.min(tool.policy().maxConcurrency(), 1 << 20), true));
    }

    ExecutorService pool() {
        return pool;
    }
}
