package dev.quarry.index;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A {@link Retriever} with a reranking stage: it asks the retriever it wraps for the top {@code candidates}
 * hits (or {@code k}, when more), has the {@link Reranker} order them, and returns the best {@code k}. Give
 * it to the search tool ({@code new SearchTool(reranking)}) or to {@code quarry eval}. Each rerank's time is
 * reported to the listener given ({@link #onRerank}), so it can be traced or measured.
 */
public final class RerankingRetriever implements Retriever {

    private final Retriever first;
    private final Reranker reranker;
    private final int candidates;
    private final Consumer<Duration> listener;

    private RerankingRetriever(Retriever first, Reranker reranker, int candidates, Consumer<Duration> listener) {
        this.first = first;
        this.reranker = reranker;
        this.candidates = candidates;
        this.listener = listener;
    }

    /**
     * {@code first}'s top {@code candidates} reranked by {@code reranker}.
     *
     * @throws IllegalArgumentException for candidates outside 1..1000
     */
    public static RerankingRetriever of(Retriever first, Reranker reranker, int candidates) {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(reranker, "reranker");
        if (candidates < 1 || candidates > 1000) {
            throw new IllegalArgumentException("candidates must be in 1..1000, was " + candidates);
        }
        return new RerankingRetriever(first, reranker, candidates, duration -> {});
    }

    /** The same retriever, telling {@code listener} how long each rerank took. */
    public RerankingRetriever onRerank(Consumer<Duration> newListener) {
        return new RerankingRetriever(first, reranker, candidates, Objects.requireNonNull(newListener, "listener"));
    }

    @Override
    public List<Hit> search(SearchRequest request) {
        List<Hit> fused = first.search(request.withK(Math.max(request.k(), candidates)));
        long start = System.nanoTime();
        List<Hit> reranked = reranker.rerank(request.query(), fused, request.k());
        listener.accept(Duration.ofNanos(System.nanoTime() - start));
        return reranked;
    }

    @Override
    public boolean supportsVectors() {
        return first.supportsVectors();
    }
}
