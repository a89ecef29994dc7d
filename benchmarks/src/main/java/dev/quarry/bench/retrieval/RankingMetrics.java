package dev.quarry.bench.retrieval;

import java.util.List;
import java.util.Map;

/**
 * Ranking quality of one ranked list of document ids against graded judgments: nDCG@k with gain
 * {@code 5 - grade} (grade 1 = complete answer gains 4), average precision and recall@k with every judged
 * grade 1 to 4 counted relevant.
 */
public final class RankingMetrics {

    private RankingMetrics() {}

    /** nDCG at {@code k}: DCG of the ranking over DCG of the ideal ordering of all judged documents. */
    public static double ndcg(List<String> ranking, Map<String, Integer> grades, int k) {
        double dcg = 0;
        for (int i = 0; i < Math.min(k, ranking.size()); i++) {
            Integer grade = grades.get(ranking.get(i));
            if (grade != null) {
                dcg += gain(grade) / log2(i + 2);
            }
        }
        List<Integer> ideal = grades.values().stream()
                .map(RankingMetrics::gain)
                .sorted((a, b) -> b - a)
                .toList();
        double idcg = 0;
        for (int i = 0; i < Math.min(k, ideal.size()); i++) {
            idcg += ideal.get(i) / log2(i + 2);
        }
        return idcg == 0 ? 0 : dcg / idcg;
    }

    /** Average precision over the ranking, divided by all relevant documents (found or not). */
    public static double averagePrecision(List<String> ranking, Map<String, Integer> grades) {
        if (grades.isEmpty()) {
            return 0;
        }
        int found = 0;
        double sum = 0;
        for (int i = 0; i < ranking.size(); i++) {
            if (grades.containsKey(ranking.get(i))) {
                found++;
                sum += (double) found / (i + 1);
            }
        }
        return sum / grades.size();
    }

    /** Share of the relevant documents found in the first {@code k}. */
    public static double recall(List<String> ranking, Map<String, Integer> grades, int k) {
        if (grades.isEmpty()) {
            return 0;
        }
        long found = ranking.stream().limit(k).filter(grades::containsKey).count();
        return (double) found / grades.size();
    }

    private static int gain(int grade) {
        return 5 - grade;
    }

    private static double log2(int x) {
        return Math.log(x) / Math.log(2);
    }
}
