package dev.quarry.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.data.message.AiMessage;
import dev.quarry.agent.Agent;
import dev.quarry.agent.bedrock.ClaudeOnBedrock;
import dev.quarry.agent.tool.Tool;
import dev.quarry.agent.tool.ToolPolicy;
import dev.quarry.agent.tool.ToolResult;
import dev.quarry.index.Document;
import dev.quarry.index.LuceneIndex;
import dev.quarry.offline.OfflineModel;
import dev.quarry.testkit.BedrockSimulator;
import dev.quarry.testkit.ScriptedChatModel;
import dev.quarry.testkit.Turn;
import dev.quarry.tools.SearchTool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The runner and the built-in scorers on the offline model over a real index, and on the Bedrock simulator. */
class EvalRunnerTest {

    @TempDir
    Path dir;

    LuceneIndex index;

    @BeforeEach
    void index() {
        index = LuceneIndex.builder().open();
        index.upsertAll(List.of(
                new Document(
                        "turbines.md",
                        "Gas turbines compress air before combustion. The hot gas spins the blades.",
                        "Turbines",
                        "",
                        Map.of()),
                new Document(
                        "wings.md",
                        "Swept wings delay shock waves at transonic speed. Flutter is a vibration.",
                        "Wings",
                        "",
                        Map.of())));
        index.commit();
    }

    @AfterEach
    void close() {
        index.close();
    }

    Agent offline() {
        return Agent.builder()
                .model(new OfflineModel())
                .tool(new SearchTool(index))
                .build();
    }

    static List<EvalCase> cases(String... lines) {
        return EvalDataset.parse(List.of(lines), "test.jsonl");
    }

    @Test
    void theOfflineAgentIsScoredOnAnswerTrajectoryCitationsAndCost() {
        List<EvalCase> cases = cases("""
                {"id": "turbines", "task": "What do gas turbines compress?", "answer": {"contains": "compress air"}, \
                "calls": {"expect": [{"tool": "search", "args": {"query": {"contains": "turbines"}}}]}, \
                "citations": ["turbines.md"], "limits": {"maxModelCalls": 3}}""", """
                {"id": "wrong-tool", "task": "What do swept wings delay?", \
                "calls": {"expect": [{"tool": "read_document"}]}, "citations": ["turbines.md"]}""");

        EvalReport report = EvalRunner.builder(offline()).parallelism(2).build().run(cases);

        EvalReport.CaseResult turbines = report.cases().get(0);
        assertThat(turbines.passed()).as(turbines.failures().toString()).isTrue();
        assertThat(turbines.mean("answer")).isEqualTo(1);
        assertThat(turbines.mean("trajectory_recall")).isEqualTo(1);
        assertThat(turbines.mean("citation_precision")).isEqualTo(1);
        assertThat(turbines.mean("citation_recall")).isEqualTo(1);
        assertThat(turbines.mean("citations_supported")).isEqualTo(1);
        assertThat(turbines.mean("model_calls")).isEqualTo(2);
        assertThat(turbines.mean("limits")).isEqualTo(1);
        EvalReport.CaseResult wrong = report.cases().get(1);
        assertThat(wrong.passed()).isFalse();
        assertThat(wrong.failures())
                .singleElement()
                .asString()
                .startsWith("trajectory fail: missing [read_document]; not expected [search{");
        assertThat(wrong.mean("citation_precision")).isZero();
        assertThat(report.passed()).isEqualTo(1);

        assertThat(report.toMarkdown(Optional.empty()))
                .contains("1 of 2 cases passed")
                .contains("| turbines | pass |")
                .contains("| wrong-tool | **fail** |")
                .contains("[1](traces/turbines-1.html)");
        report.writeTo(dir.resolve("report"), Optional.empty());
        assertThat(dir.resolve("report/traces/turbines-1.html")).exists();
        assertThat(dir.resolve("report/report.html")).content().contains("<td>trajectory</td><td>fail</td>");
    }

    @Test
    void aCrashedCaseAndACaseOverItsDeadlineAreFailedCasesNotAFailedEvaluation() {
        CountDownLatch never = new CountDownLatch(1);
        Agent slow = Agent.builder()
                .model(ScriptedChatModel.replying(request -> {
                    if (request.messages().getLast().toString().contains("wait")) {
                        try {
                            never.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    return AiMessage.from("ok");
                }))
                .tool(Tool.of(
                        dev.langchain4j.agent.tool.ToolSpecification.builder()
                                .name("t")
                                .build(),
                        ToolPolicy.readOnly(),
                        (a, c) -> ToolResult.of("x")))
                .build();
        List<EvalCase> cases =
                List.of(EvalCase.of("fine", "say ok"), EvalCase.of("slow", "wait forever"), EvalCase.of("blank", " "));

        EvalReport report = EvalRunner.builder(slow)
                .caseDeadline(Duration.ofMillis(300))
                .build()
                .run(cases);

        assertThat(report.cases()).extracting(EvalReport.CaseResult::passed).containsExactly(true, false, false);
        assertThat(report.cases().get(1).failures())
                .containsExactly("run fail: did not answer within the case deadline of PT0.3S");
        assertThat(report.cases().get(2).failures().getFirst()).contains("IllegalArgumentException: task must not be");
    }

    @Test
    void aScorerThatThrowsMarksItsMetricErroredNotPassed() {
        Scorer broken = new Scorer() {
            @Override
            public String name() {
                return "house-style";
            }

            @Override
            public List<Metric> score(EvalCase evalCase, CaseRun run) {
                throw new IllegalStateException("style guide missing");
            }
        };

        EvalReport report = EvalRunner.builder(offline())
                .scorer(broken)
                .build()
                .run(cases("{\"task\": \"What do gas turbines compress?\"}"));

        assertThat(report.cases().getFirst().passed()).isFalse();
        assertThat(report.cases().getFirst().failures())
                .containsExactly("house-style error: the scorer failed: IllegalStateException: style guide missing");
    }

    @Test
    void aJudgeScriptedToDisagreeFailsTheCaseAndKeepsItsPromptAndVerdict() {
        ScriptedChatModel judge = ScriptedChatModel.replying(request -> AiMessage.from(
                "{\"pass\": false, \"score\": 0.25, \"reason\": \"it does not say what the air is for\"}"));
        List<EvalCase> cases = cases("""
                {"id": "judged", "task": "What do gas turbines compress?", "answer": {"contains": "air"}, \
                "rubric": "Explains why the air is compressed"}""");

        EvalReport report = EvalRunner.builder(offline())
                .scorer(JudgeScorer.on(judge))
                .build()
                .run(cases);

        EvalReport.CaseResult judged = report.cases().getFirst();
        assertThat(judged.mean("answer")).isEqualTo(1);
        assertThat(judged.mean("judge")).isEqualTo(0.25);
        assertThat(judged.mean("judge_calls")).isEqualTo(1);
        assertThat(judged.mean("judge_tokens")).isPositive();
        assertThat(judged.passed()).isFalse();
        assertThat(judged.failures().getFirst())
                .startsWith("judge fail: it does not say what the air is for")
                .contains("judge prompt: Task: What do gas turbines compress?")
                .contains("Rubric: Explains why the air is compressed")
                .contains("judge reply: {\"pass\": false");
        assertThat(judge.requests().getFirst().messages().getFirst().toString()).contains("You grade the answer");

        ScriptedChatModel rambling = ScriptedChatModel.replying(request -> AiMessage.from("I think it is fine."));
        EvalReport unjudged = EvalRunner.builder(offline())
                .scorer(JudgeScorer.on(rambling))
                .build()
                .run(cases);
        assertThat(unjudged.cases().getFirst().failures().getFirst())
                .startsWith("judge error: the judge gave no verdict");
    }

    @Test
    void repeatsGiveMeansAndSpreadAndABaselineMarksWhatGotWorse() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            lines.add("{\"id\": \"c" + i + "\", \"task\": \"What do gas turbines compress? " + i
                    + "\", \"answer\": {\"contains\": \"compress air\"}}");
        }
        List<EvalCase> cases = EvalDataset.parse(lines, "eight.jsonl");
        EvalReport good = EvalRunner.builder(offline()).repeats(2).build().run(cases);
        assertThat(good.summary().get("answer").mean()).isEqualTo(1);
        assertThat(good.summary().get("answer").spread()).isZero();
        JsonNode baseline = EvalDataset.JSON.readTree(good.toJson());

        Agent worse = Agent.builder()
                .model(ScriptedChatModel.replying(r -> AiMessage.from("no idea")))
                .build();
        EvalReport now = EvalRunner.builder(worse).build().run(cases);
        EvalReport.Comparison comparison = now.compare(baseline);

        assertThat(comparison.regressed()).isTrue();
        assertThat(comparison.casesWorse()).hasSize(8);
        assertThat(comparison.metrics())
                .filteredOn(c -> c.metric().equals("answer"))
                .singleElement()
                .satisfies(change -> {
                    assertThat(change.baseline()).isEqualTo(1);
                    assertThat(change.current()).isZero();
                    assertThat(change.pValue()).isLessThan(0.01);
                    assertThat(change.worse()).isTrue();
                });
        assertThat(now.missed(List.of(
                        EvalReport.Threshold.parse("answer>=0.9"), EvalReport.Threshold.parse("tokens<=1000000"))))
                .containsExactly("answer>=0.9: the mean is 0.0000");
        assertThat(now.missed(List.of(EvalReport.Threshold.parse("judge>=0.5"))).getFirst())
                .startsWith("judge>=0.5: no case has metric judge");
        assertThatThrownBy(() -> EvalReport.Threshold.parse("answer=0.9")).hasMessageContaining("metric>=value");
        assertThat(now.toMarkdown(Optional.of(comparison)))
                .contains("| answer | 1.0000 | 0.0000 |")
                .contains("**worse**");
    }

    @Test
    void claudeOnTheBedrockSimulatorIsScoredThroughTheRealSdk() {
        try (BedrockSimulator simulator = BedrockSimulator.builder()
                        .script(body -> body.path("messages").size() == 1
                                ? Turn.toolUse("", new Turn.ToolUse("s1", "search", "{\"query\":\"swept wings\"}"))
                                : Turn.text("They delay shock waves [wings.md#0[0-50]]."))
                        .start();
                ClaudeOnBedrock claude = ClaudeOnBedrock.builder()
                        .region("us-east-1")
                        .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "test")))
                        .endpointOverride(simulator.endpoint())
                        .build()) {
            Agent agent = Agent.builder()
                    .model(claude.chatModel())
                    .tool(new SearchTool(index))
                    .build();
            EvalReport report = EvalRunner.builder(agent).build().run(cases("""
                    {"id": "wings", "task": "What do swept wings delay?", "answer": {"contains": "shock waves"}, \
                    "calls": {"expect": [{"tool": "search", "args": {"query": {"regex": "wing"}}}], "match": "exactly"}, \
                    "citations": ["wings.md"]}"""));

            EvalReport.CaseResult wings = report.cases().getFirst();
            assertThat(wings.mean("trajectory")).isEqualTo(1);
            assertThat(wings.mean("citation_recall")).isEqualTo(1);
            assertThat(wings.mean("tokens")).isPositive();
        }
    }

    @Test
    void eachCaseIsADynamicTestThatFailsWithWhatFailed() throws Throwable {
        EvalReport report = EvalRunner.builder(offline())
                .build()
                .run(
                        cases(
                                "{\"id\": \"ok\", \"task\": \"What do gas turbines compress?\", \"answer\": {\"contains\": \"air\"}}",
                                "{\"id\": \"bad\", \"task\": \"What do gas turbines compress?\", \"answer\": {\"exact\": \"water\"}}"));

        List<DynamicTest> tests = EvalTests.of(report).toList();

        assertThat(tests).extracting(DynamicTest::getDisplayName).containsExactly("ok", "bad");
        tests.getFirst().getExecutable().execute();
        assertThatThrownBy(() -> tests.get(1).getExecutable().execute())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("case bad (line 2) failed:")
                .hasMessageContaining("answer fail: expected exactly \"water\"");
        assertThat(Stream.of(1)).isNotEmpty();
    }
}
