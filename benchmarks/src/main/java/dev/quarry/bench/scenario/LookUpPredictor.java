package dev.quarry.bench.scenario;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/**
 * A simulated predictor of a task's look-ups, for the speculation contender: it predicts each {@code search}
 * call that needs no earlier result, right with probability {@code accuracy} (drawn per task and call, the
 * same in every run), otherwise as a wrong query (the right one with {@value #WRONG} appended), which no one
 * will ask for. It stands in for whatever predictor an application would bring (rules over the task, a
 * small model, last week's logs): its accuracy is this benchmark's assumption, not a measurement.
 */
final class LookUpPredictor {

    /** What a wrong prediction appends to the right query. */
    static final String WRONG = " (mispredicted)";

    private final double accuracy;

    LookUpPredictor(double accuracy) {
        if (!(accuracy >= 0 && accuracy <= 1)) {
            throw new IllegalArgumentException("accuracy must be in [0, 1], was " + accuracy);
        }
        this.accuracy = accuracy;
    }

    /** The predicted queries for this task, in call order. */
    List<String> predict(Scenario.Task task) {
        List<String> queries = new ArrayList<>();
        for (Scenario.Call call : task.calls()) {
            if (call.tool().equals(ScenarioTools.SEARCH) && call.references().isEmpty()) {
                boolean right = random(task, call).nextDouble() < accuracy;
                queries.add(right ? call.argument() : call.argument() + WRONG);
            }
        }
        return queries;
    }

    /** Whether a query is one of this predictor's wrong guesses. */
    static boolean isWrong(String query) {
        return query.endsWith(WRONG);
    }

    private static SplittableRandom random(Scenario.Task task, Scenario.Call call) {
        CRC32 crc = new CRC32();
        crc.update((task.id() + "\u0000" + call.id()).getBytes(StandardCharsets.UTF_8));
        return new SplittableRandom(crc.getValue());
    }
}
