package dev.quarry.eval;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * The JUnit 5 way in: one dynamic test per case, failing with what failed, so a team's agent evaluation runs
 * in its own test suite and CI.
 *
 * <pre>{@code
 * @TestFactory
 * Stream<DynamicTest> ordersAgent() {
 *     return EvalTests.of(EvalRunner.builder(agent).build(), EvalDataset.read(Path.of("src/test/resources/orders.jsonl")));
 * }
 * }</pre>
 */
public final class EvalTests {

    private EvalTests() {}

    /** Runs the cases and gives a test per case. */
    public static Stream<DynamicTest> of(EvalRunner runner, java.util.List<EvalCase> cases) {
        return of(runner.run(cases));
    }

    /** A test per case of a report: it fails naming every check that failed, with its detail. */
    public static Stream<DynamicTest> of(EvalReport report) {
        return report.cases().stream()
                .map(result -> DynamicTest.dynamicTest(result.evalCase().id(), () -> {
                    if (!result.passed()) {
                        throw new AssertionError("case " + result.evalCase().id() + " (line "
                                + result.evalCase().line() + ") failed:\n  " + String.join("\n  ", result.failures()));
                    }
                }));
    }
}
