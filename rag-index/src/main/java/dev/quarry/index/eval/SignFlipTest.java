package dev.quarry.index.eval;

import java.util.Random;

/**
 * The paired sign-flip randomisation test: under the hypothesis that two runs are alike, each query's
 * difference is as likely negative as positive, so the p-value is the share of random sign assignments whose
 * mean difference is at least as far from zero as the one observed (two-sided, seeded, so a report can be
 * reproduced).
 */
public final class SignFlipTest {

    /** Random sign assignments drawn. */
    public static final int DRAWS = 10_000;

    private SignFlipTest() {}

    /**
     * The two-sided p-value of the mean of {@code a - b}, query by query.
     *
     * @throws IllegalArgumentException the arrays differ in length or are empty
     */
    public static double pValue(double[] a, double[] b, long seed) {
        if (a.length != b.length || a.length == 0) {
            throw new IllegalArgumentException("a paired test needs the same non-empty queries on both sides, had "
                    + a.length + " and " + b.length);
        }
        double[] differences = new double[a.length];
        double observed = 0;
        for (int i = 0; i < a.length; i++) {
            differences[i] = a[i] - b[i];
            observed += differences[i];
        }
        observed = Math.abs(observed);
        Random random = new Random(seed);
        int extreme = 0;
        for (int draw = 0; draw < DRAWS; draw++) {
            double sum = 0;
            for (double difference : differences) {
                sum += random.nextBoolean() ? difference : -difference;
            }
            if (Math.abs(sum) >= observed - 1e-12) {
                extreme++;
            }
        }
        return (extreme + 1.0) / (DRAWS + 1.0);
    }
}
