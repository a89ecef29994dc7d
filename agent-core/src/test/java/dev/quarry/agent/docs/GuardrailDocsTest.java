package dev.quarry.agent.docs;

import static dev.quarry.testkit.ScriptedChatModel.call;
import static dev.quarry.testkit.ScriptedChatModel.toolCalls;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.quarry.agent.Agent;
import dev.quarry.agent.AgentResult;
import dev.quarry.agent.tool.Tool;
import dev.quarry.agent.tool.ToolPolicy;
import dev.quarry.agent.tool.ToolResult;
import dev.quarry.testkit.ScriptedChatModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The guardrail printed in docs/guardrails.md: the doc shows this very file, and it works. */
class GuardrailDocsTest {

    @Test
    void theGuidesGuardrailSendsAForeignAddressBackToTheModel() throws Exception {
        String source = Files.readString(DocsExamplesTest.SOURCES.resolve("OwnDomainsOnly.java"));
        assertThat(Files.readString(Path.of("..", "docs", "guardrails.md")))
                .contains(source.substring(source.indexOf("/**")).strip());
        List<String> sent = new CopyOnWriteArrayList<>();
        Tool mail = Tool.of(
                ToolSpecification.builder()
                        .name("send_mail")
                        .description("sends a mail")
                        .parameters(JsonObjectSchema.builder()
                                .addStringProperty("to")
                                .required("to")
                                .build())
                        .build(),
                ToolPolicy.readOnly(),
                (arguments, context) -> {
                    sent.add(arguments.get("to").asText());
                    return ToolResult.of("sent");
                });
        ScriptedChatModel model = ScriptedChatModel.turns(
                toolCalls(call("a", "send_mail", "{\"to\":\"bob@gmail.com\"}")),
                toolCalls(call("b", "send_mail", "{\"to\":\"bob@example.com\"}")),
                AiMessage.from("Sent to bob@example.com."));

        AgentResult result = Agent.builder()
                .model(model)
                .tool(mail)
                .guardrail(new OwnDomainsOnly())
                .build()
                .run("Mail Bob");

        assertThat(sent).containsExactly("bob@example.com");
        assertThat(result.answer()).isEqualTo("Sent to bob@example.com.");
        assertThat(((ToolExecutionResultMessage)
                                model.requests().get(1).messages().getLast())
                        .text())
                .contains("mail may go to example.com addresses only, not bob@gmail.com");
    }
}
