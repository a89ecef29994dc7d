package dev.quarry.agent;

import static dev.quarry.agent.TestTools.tool;
import static dev.quarry.testkit.ScriptedChatModel.call;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.agent.tool.ToolPolicy;
import dev.quarry.agent.tool.ToolResult;
import dev.quarry.testkit.ScriptedStreamingChatModel;
import dev.quarry.testkit.ScriptedStreamingChatModel.Piece;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class StreamingToolUseTest {

    @Test
    void aToolCallStartsWhileTheModelIsStillWritingTheTurn() {
        CountDownLatch firstStarted = new CountDownLatch(1);
        var lookup = tool("lookup", ToolPolicy.readOnly(), args -> {
            firstStarted.countDown();
            return ToolResult.of("v-" + args.get("q").asText());
        });
        ScriptedStreamingChatModel model =
                new ScriptedStreamingChatModel(request -> request.messages().size() == 1
                        ? List.of(
                                Piece.text("Looking up both."),
                                Piece.toolCall(call("t1", "lookup", "{\"q\":\"a\"}")),
                                Piece.toolCall(call("t2", "lookup", "{\"q\":\"b\"}"))
                                        .after(() -> GraphPlannerTest.await(firstStarted)))
                        : List.of(Piece.text("a and b looked up")));
        AgentResult result =
                Agent.builder().streamingModel(model).tool(lookup).build().run("look up a and b");
        assertThat(result.answer()).isEqualTo("a and b looked up");
        assertThat(result.steps()).extracting(s -> s.text()).containsExactly("v-a", "v-b");
    }
}
