package dev.quarry.bench;

import java.util.Arrays;

/** The percentile every benchmark here reports: nearest rank, on a sorted copy of the values. */
public final class Percentiles {

    private Percentiles() {}

    /** The smallest value at or above the {@code quantile} (0 to 1) of {@code values}, which must not be empty. */
    public static double nearestRank(double[] values, double quantile) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(quantile * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
