package dev.quarry.mcp;

import static dev.quarry.testkit.ScriptedChatModel.call;
import static dev.quarry.testkit.ScriptedChatModel.toolCalls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.quarry.agent.Agent;
import dev.quarry.agent.AgentResult;
import dev.quarry.agent.error.ConfigurationException;
import dev.quarry.agent.tool.Citation;
import dev.quarry.agent.tool.Tool;
import dev.quarry.agent.tool.ToolPolicy;
import dev.quarry.agent.tool.ToolResult;
import dev.quarry.testkit.ScriptedChatModel;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Quarry's tools and an agent served over MCP, used by a Quarry agent through McpTools: both doors at once. */
class QuarryMcpServerTest {

    static Tool lookup() {
        return Tool.of(
                ToolSpecification.builder()
                        .name("lookup")
                        .description("Looks a city up.")
                        .parameters(JsonObjectSchema.builder()
                                .addStringProperty("city", "the city")
                                .required("city")
                                .build())
                        .build(),
                ToolPolicy.readOnly(),
                (arguments, context) -> ToolResult.of(
                        arguments.get("city").asText() + " has 2 million people.",
                        List.of(new Citation("cities.md", 0, 10, 40, "Cities", "cities.md"))));
    }

    static Tool pay() {
        return Tool.of(
                ToolSpecification.builder()
                        .name("pay")
                        .description("Pays.")
                        .parameters(JsonObjectSchema.builder().build())
                        .build(),
                ToolPolicy.sideEffects(),
                (arguments, context) -> ToolResult.of("paid"));
    }

    @Test
    void aQuarryAgentUsesAnotherQuarrysToolsAndAgentOverHttp() throws Exception {
        Agent served = Agent.builder()
                .model(ScriptedChatModel.turns(
                        toolCalls(call("l", "lookup", "{\"city\":\"Paris\"}")), AiMessage.from("Paris: 2 million.")))
                .tool(lookup())
                .build();
        QuarryMcpServer server = QuarryMcpServer.builder()
                .tool(lookup())
                .agent("ask", "Answers questions about cities.", served)
                .build();
        assertThat(server.toolNames()).containsExactly("ask", "lookup");
        try (QuarryMcpServer.Http http = server.serveHttp("127.0.0.1", 0);
                McpTools remote = McpTools.http(URI.create("http://127.0.0.1:" + http.port() + "/mcp"))
                        .build()) {
            assertThat(remote.tools())
                    .extracting(t -> t.policy().sideEffecting())
                    .containsOnly(false);
            AgentResult result = Agent.builder()
                    .model(ScriptedChatModel.turns(
                            toolCalls(
                                    call("a", "ask", "{\"question\":\"How big is Paris?\"}"),
                                    call("b", "lookup", "{\"city\":\"Lyon\"}")),
                            AiMessage.from("done")))
                    .tools(remote.tools())
                    .build()
                    .run("Ask about Paris and look Lyon up");

            assertThat(result.steps().get(0).text())
                    .startsWith("Paris: 2 million.")
                    .contains("Sources:\n- [cities.md#0[10-40]] Cities");
            assertThat(result.steps().get(1).text()).startsWith("Lyon has 2 million people.");
        }
    }

    @Test
    void sideEffectingToolsAreServedOnlyWhenAskedAndBadSetupsFailAtBuild() {
        assertThatThrownBy(() -> QuarryMcpServer.builder().tool(pay()).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("pay is side-effecting")
                .hasMessageContaining("exposeSideEffecting(true)");
        assertThat(QuarryMcpServer.builder()
                        .tool(pay())
                        .exposeSideEffecting(true)
                        .build()
                        .toolNames())
                .containsExactly("pay");
        assertThatThrownBy(() ->
                        QuarryMcpServer.builder().tool(lookup()).tool(lookup()).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("two tools are named lookup");
        assertThatThrownBy(() -> QuarryMcpServer.builder().build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("nothing to serve");
    }
}
