package dev.quarry.index;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Weighted reciprocal-rank fusion (Cormack, Clarke and Buettcher, 2009): each ranking adds
 * {@code weight / (rankConstant + rank)} to an item's score, rank counted from 1. Rank-based, so BM25 and
 * cosine scores never need to be put on one scale. Items are matched by {@code equals}; ties keep the order
 * of first appearance (lexical ranking first).
 */
public final class ReciprocalRankFusion {

    private ReciprocalRankFusion() {}

    /** An item and its fused score. */
    public record Fused<T>(T item, double score) {}

    /** The top {@code k} of the two rankings fused. */
    public static <T> List<Fused<T>> fuse(List<T> lexical, List<T> dense, SearchRequest.Fusion fusion, int k) {
        Map<T, Double> scores = new LinkedHashMap<>();
        add(lexical, fusion.bm25Weight(), fusion.rankConstant(), scores);
        add(dense, fusion.vectorWeight(), fusion.rankConstant(), scores);
        List<Fused<T>> fused = new ArrayList<>(scores.size());
        scores.forEach((item, score) -> fused.add(new Fused<>(item, score)));
        fused.sort(Comparator.comparingDouble((Fused<T> f) -> f.score()).reversed());
        return fused.size() > k ? List.copyOf(fused.subList(0, k)) : fused;
    }

    private static <T> void add(List<T> ranking, double weight, int rankConstant, Map<T, Double> scores) {
        if (weight == 0) {
            return;
        }
        int depth = ranking.size();
        for (int i = 0; i < depth; i++) {
            scores.merge(ranking.get(i), weight / (rankConstant + i + 1), Double::sum);
        }
    }
}
