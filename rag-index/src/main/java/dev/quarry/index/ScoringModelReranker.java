package dev.quarry.index;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.scoring.ScoringModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A {@link Reranker} on any langchain4j {@link ScoringModel}: every candidate's text (with its title, when it
 * has one) is scored against the query in one {@code scoreAll} call, and the candidates are ordered by that
 * score (ties keep the first stage's order).
 */
public final class ScoringModelReranker implements Reranker {

    private final ScoringModel model;

    public ScoringModelReranker(ScoringModel model) {
        this.model = Objects.requireNonNull(model, "model");
    }

    @Override
    public List<Hit> rerank(String query, List<Hit> candidates, int k) {
        if (candidates.isEmpty()) {
            return List.of();
        }
        List<TextSegment> segments = candidates.stream()
                .map(hit -> TextSegment.from(hit.title().isBlank() ? hit.text() : hit.title() + "\n" + hit.text()))
                .toList();
        List<Double> scores = model.scoreAll(segments, query).content();
        if (scores == null || scores.size() != candidates.size()) {
            throw new IllegalStateException("the scoring model returned " + (scores == null ? "no" : scores.size())
                    + " scores for " + candidates.size() + " candidates");
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingDouble((Integer i) -> scores.get(i)).reversed());
        return order.stream()
                .limit(k)
                .map(i -> candidates.get(i).withScore(scores.get(i)))
                .toList();
    }
}
