package dev.quarry.agent.schedule;

import dev.quarry.agent.tool.Tool;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What all runs of one scheduler share to execute tools: the global and per-tool concurrency permits, and
 * the platform threads tool bodies run on. The threads come from one pool shared by every scheduler in the
 * JVM, which reuses an idle thread before it starts a new one (idle ones end after 30 s); it holds no queue,
 * and each scheduler's global permits bound how many of its tools run, so the threads in use never exceed
 * the sum of the schedulers' {@code maxConcurrency}.
 */
final class ToolThreads {

    private final Semaphore global;
    private final Map<String, Semaphore> perTool = new ConcurrentHashMap<>();

    private static final AtomicInteger COUNT = new AtomicInteger();
    private static final ExecutorService POOL = new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            task -> Thread.ofPlatform()
                    .name("quarry-tool-" + COUNT.incrementAndGet())
                    .daemon(true)
                    .unstarted(task));

    /** For tools trusted to block only on I/O and to answer interruption: no isolation, no thread hand-off. */
    private static final ExecutorService VIRTUAL = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("quarry-tool-v-", 0).factory());

    private final boolean isolated;

    ToolThreads(int maxConcurrency, boolean isolated) {
        this.global = new Semaphore(maxConcurrency, true);
        this.isolated = isolated;
    }

    Semaphore global() {
        return global;
    }

    Semaphore perTool(Tool tool) {
        return perTool.computeIfAbsent(
                tool.name(), name -> new Semaphore(Math.min(tool.policy().maxConcurrency(), 1 << 20), true));
    }

    ExecutorService pool() {
        return isolated ? POOL : VIRTUAL;
    }
}
