package dev.quarry.offline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.quarry.agent.Agent;
import dev.quarry.agent.AgentResult;
import dev.quarry.agent.plan.Planner;
import dev.quarry.agent.tool.Policy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The offline model driving a real agent over an application's own tool, as a user's test would. */
class OfflineModelTest {

    /** Capitals, found only when both searches of the task are in flight together. */
    static final class Atlas {
        final CountDownLatch bothInFlight = new CountDownLatch(2);
        final ConcurrentLinkedQueue<String> queries = new ConcurrentLinkedQueue<>();
        volatile boolean overlapped = true;

        private static final Map<String, String> FACTS = Map.of(
                "france", "Paris is the capital of France.",
                "peru", "Lima is the capital of Peru.");

        @Tool("Searches the atlas")
        @Policy(sideEffecting = false)
        String search(@P(name = "query", value = "what to look for") String query) throws InterruptedException {
            queries.add(query);
            bothInFlight.countDown();
            overlapped &= bothInFlight.await(30, TimeUnit.SECONDS);
            return FACTS.entrySet().stream()
                    .filter(e -> query.toLowerCase().contains(e.getKey()))
                    .map(Map.Entry::getValue)
                    .findFirst()
                    .orElse("Nothing found.");
        }
    }

    @Test
    void splitsATwoPartQuestionIntoParallelSearchesAndAnswersFromTheResults() {
        Atlas atlas = new Atlas();
        Agent agent = Agent.builder().model(new OfflineModel()).toolsFrom(atlas).build();

        AgentResult result = agent.run("What is the capital of France? What is the capital of Peru?");

        assertThat(atlas.queries).hasSize(2);
        assertThat(atlas.overlapped).as("both searches ran at the same time").isTrue();
        assertThat(result.answer())
                .startsWith(OfflineModel.HEADER)
                .contains("Paris is the capital of France. [search]")
                .contains("Lima is the capital of Peru. [search]");
    }

    @Test
    void graphPlansSearchEachSubQuestion() {
        Atlas atlas = new Atlas();
        Agent agent = Agent.builder()
                .model(new OfflineModel())
                .planner(Planner.graph())
                .toolsFrom(atlas)
                .build();

        AgentResult result = agent.run("What is the capital of France and what is the capital of Peru?");

        assertThat(atlas.overlapped).isTrue();
        assertThat(result.answer()).contains("Paris").contains("Lima");
    }

    @Test
    void streamsTheSameAnswer() {
        Agent blocking =
                Agent.builder().model(new OfflineModel()).toolsFrom(new Atlas()).build();
        Agent streaming = Agent.builder()
                .model(new OfflineModel())
                .streamingModel(new OfflineStreamingModel())
                .toolsFrom(new Atlas())
                .build();
        String task = "What is the capital of France? What is the capital of Peru?";

        assertThat(streaming.run(task).answer()).isEqualTo(blocking.run(task).answer());
    }

    @Test
    void saysSoWhenItHasNoTools() {
        AgentResult result = Agent.builder().model(new OfflineModel()).build().run("What is Lima?");

        assertThat(result.answer()).isEqualTo(OfflineModel.HEADER + "\nI have no tools to look this up.");
    }

    @Test
    void summarisesPlainTextToItsMostCentralSentencesWithinTheBudget() {
        String text = "Lucene indexes documents. Lucene searches documents with BM25. "
                + "The weather was pleasant. Lucene scores documents by their terms.";

        String summary = summarise("Summarise the passage in at most 12 words.", text);

        assertThat(summary.split("\\s+").length).isLessThanOrEqualTo(12);
        assertThat(summary).contains("Lucene").doesNotContain("weather");
    }

    @Test
    void combinesLabelledPassagesKeepingTheirLabels() {
        String parts = "[a#0[0-20]] Lima is the capital of Peru.\n[b#1[5-40]] Paris is the capital of France.";

        String summary = summarise("Combine the summaries into one of at most 50 words.", parts);

        assertThat(summary)
                .isEqualTo("Lima is the capital of Peru. [a#0[0-20]] Paris is the capital of France. [b#1[5-40]]");
    }

    private static String summarise(String instruction, String text) {
        return new OfflineModel()
                .chat(ChatRequest.builder()
                        .messages(List.of(SystemMessage.from(instruction), UserMessage.from(text)))
                        .build())
                .aiMessage()
                .text();
    }

    @Test
    void aCoordinatorWithoutSearchHandsEachSubQuestionToASubAgentAndAnswersFromTheirCitedSentences() {
        Atlas atlas = new Atlas();
        Agent researcher =
                Agent.builder().model(new OfflineModel()).toolsFrom(atlas).build();
        Agent coordinator = Agent.builder()
                .model(new OfflineModel())
                .subAgent("researcher", "Researches one question in the atlas", researcher)
                .build();

        AgentResult result = coordinator.run("What is the capital of France? What is the capital of Peru?");

        assertThat(atlas.overlapped)
                .as("the two sub-agents searched at the same time")
                .isTrue();
        assertThat(result.subAgents()).hasSize(2);
        assertThat(result.steps()).extracting(s -> s.tool()).containsOnly("researcher");
        assertThat(result.answer())
                .startsWith(OfflineModel.HEADER)
                .contains("Paris is the capital of France. [search]")
                .contains("Lima is the capital of Peru. [search]")
                .doesNotContain("[researcher]");
    }
}
