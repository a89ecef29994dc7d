package dev.quarry.index;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fuses a lexical and a dense ranking as {@link SearchRequest.Fusion} says: weighted reciprocal-rank fusion
 * (Cormack, Clarke and Buettcher, 2009), where each ranking adds {@code weight / (rankConstant + rank)} to an
 * item's score, rank from 1; or a convex combination of normalised scores (min-max or z-score). Items are
 * matched by {@code equals}; ties keep the order of first appearance (lexical ranking first).
 */
public final class ReciprocalRankFusion {

    private ReciprocalRankFusion() {}

    /** An item and its fused score. */
    public record Fused<T>(T item, double score) {}

    /** An item of a ranking and the score its retriever gave it. */
    public record Scored<T>(T item, double score) {}

    /** The top {@code k} of two rankings fused by rank (the fusion must be {@link SearchRequest.Fusion.Method#RRF}). */
    public static <T> List<Fused<T>> fuse(List<T> lexical, List<T> dense, SearchRequest.Fusion fusion, int k) {
        if (fusion.method() != SearchRequest.Fusion.Method.RRF) {
            throw new IllegalArgumentException(fusion.method() + " fusion needs scores: use fuseScored");
        }
        return fuseScored(unscored(lexical), unscored(dense), fusion, k);
    }

    /** The top {@code k} of two scored rankings (best first), fused as {@code fusion} says. */
    public static <T> List<Fused<T>> fuseScored(
            List<Scored<T>> lexical, List<Scored<T>> dense, SearchRequest.Fusion fusion, int k) {
        Map<T, Double> scores = new LinkedHashMap<>();
        if (fusion.method() == SearchRequest.Fusion.Method.RRF) {
            addRanks(lexical, fusion.bm25Weight(), fusion.rankConstant(), scores);
            addRanks(dense, fusion.vectorWeight(), fusion.rankConstant(), scores);
        } else {
            double total = fusion.bm25Weight() + fusion.vectorWeight();
            Map<T, Double> bm25 = normalised(lexical, fusion.method());
            Map<T, Double> vector = normalised(dense, fusion.method());
            double bm25Floor = bm25.values().stream().mapToDouble(d -> d).min().orElse(0);
            double vectorFloor =
                    vector.values().stream().mapToDouble(d -> d).min().orElse(0);
            lexical.forEach(s -> scores.putIfAbsent(s.item(), 0.0));
            dense.forEach(s -> scores.putIfAbsent(s.item(), 0.0));
            scores.replaceAll((item, ignored) -> (fusion.bm25Weight() * bm25.getOrDefault(item, bm25Floor)
                            + fusion.vectorWeight() * vector.getOrDefault(item, vectorFloor))
                    / total);
        }
        List<Fused<T>> fused = new ArrayList<>(scores.size());
        scores.forEach((item, score) -> fused.add(new Fused<>(item, score)));
        fused.sort(Comparator.comparingDouble((Fused<T> f) -> f.score()).reversed());
        return fused.size() > k ? List.copyOf(fused.subList(0, k)) : fused;
    }

    private static <T> List<Scored<T>> unscored(List<T> ranking) {
        List<Scored<T>> scored = new ArrayList<>(ranking.size());
        for (int i = 0; i < ranking.size(); i++) {
            scored.add(new Scored<>(ranking.get(i), ranking.size() - i));
        }
        return scored;
    }

    private static <T> void addRanks(List<Scored<T>> ranking, double weight, int rankConstant, Map<T, Double> scores) {
        if (weight == 0) {
            return;
        }
        for (int i = 0; i < ranking.size(); i++) {
            scores.merge(ranking.get(i).item(), weight / (rankConstant + i + 1), Double::sum);
        }
    }

    /** Each item's score normalised within its ranking; a ranking whose scores are all equal gives 1 (min-max) or 0. */
    private static <T> Map<T, Double> normalised(List<Scored<T>> ranking, SearchRequest.Fusion.Method method) {
        Map<T, Double> normalised = new LinkedHashMap<>();
        if (ranking.isEmpty()) {
            return normalised;
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        for (Scored<T> s : ranking) {
            min = Math.min(min, s.score());
            max = Math.max(max, s.score());
            sum += s.score();
        }
        double mean = sum / ranking.size();
        double squares = 0;
        for (Scored<T> s : ranking) {
            squares += (s.score() - mean) * (s.score() - mean);
        }
        double deviation = Math.sqrt(squares / ranking.size());
        for (Scored<T> s : ranking) {
            double value = method == SearchRequest.Fusion.Method.MIN_MAX
                    ? (max == min ? 1 : (s.score() - min) / (max - min))
                    : (deviation == 0 ? 0 : (s.score() - mean) / deviation);
            normalised.putIfAbsent(s.item(), value);
        }
        return normalised;
    }
}
