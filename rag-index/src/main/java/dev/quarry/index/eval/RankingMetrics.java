package dev.quarry.index.eval;

import java.util.List;
import java.util.Map;

/**
 * Ranking quality of one ranked list of document ids against graded judgments given as gains: nDCG@k
 * (linear gain, log2 discount, against the ideal ordering of every judged document), average precision and
 * recall@k with every judged document counted relevant.
 */
public final class RankingMetrics {

    private RankingMetrics() {}

    /** nDCG at {@code k}: DCG of the ranking over DCG of the ideal ordering of all judged documents. */
    public static double ndcg(List<String> ranking, Map<String, Integer> gains, int k) {
        double dcg = 0;
        for (int i = 0; i < Math.min(k, ranking.size()); i++) {
            Integer gain = gains.get(ranking.get(i));
            if (gain != null) {
                dcg += gain / log2(i + 2);
            }
        }
        List<Integer> ideal = gains.values().stream().sorted((a, b) -> b - a).toList();
        double idcg = 0;
        for (int i = 0; i < Math.min(k, ideal.size()); i++) {
            idcg += ideal.get(i) / log2(i + 2);
        }
        return idcg == 0 ? 0 : dcg / idcg;
    }

    /** Average precision over the ranking, divided by all relevant documents (found or not). */
    public static double averagePrecision(List<String> ranking, Map<String, Integer> gains) {
        if (gains.isEmpty()) {
            return 0;
        }
        int found = 0;
        double sum = 0;
        for (int i = 0; i < ranking.size(); i++) {
            if (gains.containsKey(ranking.get(i))) {
                found++;
                sum += (double) found / (i + 1);
            }
        }
        return sum / gains.size();
    }

    /** Share of the relevant documents found in the first {@code k}. */
    public static double recall(List<String> ranking, Map<String, Integer> gains, int k) {
        if (gains.isEmpty()) {
            return 0;
        }
        long found = ranking.stream().limit(k).filter(gains::containsKey).count();
        return (double) found / gains.size();
    }

    private static double log2(int x) {
        return Math.log(x) / Math.log(2);
    }
}
