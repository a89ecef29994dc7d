package dev.quarry.bench.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.agent.AgentResult;
import dev.quarry.bench.scenario.ModelProfile;
import dev.quarry.testkit.LatencyProfile;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The guardrail and tool-search harnesses on an instant simulator: every contender answers, with the model
 * calls and prompt sizes its design implies. Timing never decides this test.
 */
class AgentFeatureHarnessTest {

    @Test
    void toolSearchAnswersWithOneMoreCallOnFarSmallerPrompts() {
        ToolSearchBenchmark.Options options = new ToolSearchBenchmark.Options(ModelProfile.BASELINE, 60, 2);

        Map<String, ToolSearchBenchmark.Figures> figures = ToolSearchBenchmark.run(options, LatencyProfile.INSTANT);

        List<AgentResult> all =
                figures.get("every tool on every call (60 tools)").runs();
        List<AgentResult> searching = figures.get("ToolSearch (search_tools, threshold 30, 5 results)")
                .runs();
        assertThat(all)
                .hasSize(2)
                .allMatch(r -> r.answer().contains("14C") && r.usage().modelCalls() == 2);
        assertThat(searching)
                .hasSize(2)
                .allMatch(r -> r.answer().contains("14C") && r.usage().modelCalls() == 3);
        long perCallAll = all.getFirst().usage().inputTokens() / 2;
        long perCallSearching = searching.getFirst().usage().inputTokens() / 3;
        assertThat(perCallSearching * 5).isLessThan(perCallAll);
        assertThat(ToolSearchBenchmark.report(options, figures)).contains("| 2/2 |");
    }

    @Test
    void everyGuardrailPlacementAnswersAndABlockedInputEndsTheRun() {
        GuardrailLatencyBenchmark.Options options =
                new GuardrailLatencyBenchmark.Options(ModelProfile.BASELINE, 2, Duration.ofMillis(1));

        Map<GuardrailLatencyBenchmark.Contender, GuardrailLatencyBenchmark.Figures> figures =
                GuardrailLatencyBenchmark.run(options, LatencyProfile.INSTANT);

        assertThat(figures).containsOnlyKeys(GuardrailLatencyBenchmark.Contender.values());
        figures.values().forEach(f -> assertThat(f.wall()).hasSize(2).doesNotContain(0.0));
        assertThat(GuardrailLatencyBenchmark.report(options, figures))
                .contains("| Quarry input guardrail, beside the first call |");
        assertThat(GuardrailLatencyBenchmark.blockedReport(options, LatencyProfile.INSTANT))
                .contains("| same check before the first call (LangChain4j's placement) |");
    }
}
