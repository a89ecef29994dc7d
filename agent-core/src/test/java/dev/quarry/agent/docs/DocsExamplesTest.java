package dev.quarry.agent.docs;

import static dev.quarry.testkit.ScriptedChatModel.call;
import static dev.quarry.testkit.ScriptedChatModel.toolCalls;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.quarry.agent.Agent;
import dev.quarry.agent.AgentResult;
import dev.quarry.agent.tool.Tool;
import dev.quarry.agent.tool.ToolPolicy;
import dev.quarry.agent.tool.ToolResult;
import dev.quarry.testkit.ScriptedChatModel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The interceptors printed in docs/agent-core.md: the doc shows these very files, and they work. */
class DocsExamplesTest {

    static final Path DOC = Path.of("..", "docs", "agent-core.md");
    static final Path SOURCES = Path.of("src", "test", "java", "dev", "quarry", "agent", "docs");

    /** A read-only tool that looks a word up. */
    static Tool lookup() {
        return Tool.of(
                ToolSpecification.builder()
                        .name("lookup")
                        .description("looks a word up")
                        .parameters(JsonObjectSchema.builder()
                                .addStringProperty("word")
                                .required("word")
                                .build())
                        .build(),
                ToolPolicy.readOnly(),
                (arguments, context) -> ToolResult.of("a word"));
    }

    static void assertPrintedInTheGuide(String file) throws Exception {
        assertShownInTheGuide(file);
        String source = Files.readString(SOURCES.resolve(file));
        assertThat(source.substring(source.indexOf("/**")).strip().lines().count())
                .as("an example under 30 lines")
                .isLessThan(30);
    }

    static void assertShownInTheGuide(String file) throws Exception {
        String source = Files.readString(SOURCES.resolve(file));
        assertThat(Files.readString(DOC))
                .contains(source.substring(source.indexOf("/**")).strip());
    }

    @Test
    void theServerSentEventsExampleStreamsARunToAnHttpClient() throws Exception {
        assertShownInTheGuide("RunOverSse.java");
        Tool lookup = lookup();
        ScriptedChatModel model = ScriptedChatModel.turns(
                toolCalls(call("a", "lookup", "{\"word\":\"quarry\"}")), AiMessage.from("A quarry is a pit."));
        Agent agent = Agent.builder().model(model).tool(lookup).build();
        var server = RunOverSse.start(agent, 0);
        try (var http = java.net.http.HttpClient.newHttpClient()) {
            var response = http.send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                    "http://127.0.0.1:" + server.getAddress().getPort() + "/ask?q=define%20quarry"))
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream");
            assertThat(response.body())
                    .contains("event: step\ndata: lookup SUCCEEDED")
                    .contains("event: text\ndata: A quarry is a pit.")
                    .endsWith("event: done\ndata: A quarry is a pit.\n\n");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void theTypedAndAsyncExamplesWork() throws Exception {
        assertShownInTheGuide("TypedAndAsync.java");
        ScriptedChatModel model = ScriptedChatModel.turns(
                AiMessage.from("{\"city\": \"Lyon\", \"date\": \"2026-12-24\", \"travellers\": 2}"),
                AiMessage.from("later"));
        Agent agent = Agent.builder().model(model).build();
        assertThat(TypedAndAsync.plan(agent))
                .isEqualTo(new TypedAndAsync.Trip("Lyon", java.time.LocalDate.of(2026, 12, 24), 2));
        assertThat(TypedAndAsync.answerLater(agent, "and then?").get(10, java.util.concurrent.TimeUnit.SECONDS))
                .isEqualTo("later");
    }

    @Test
    void theModelInterceptorOfTheGuideRedactsCardNumbers() throws Exception {
        assertPrintedInTheGuide("RedactCardNumbers.java");
        ScriptedChatModel model = ScriptedChatModel.replying(request ->
                AiMessage.from("I read: " + ((UserMessage) request.messages().getLast()).singleText()));
        AgentResult result = Agent.builder()
                .model(model)
                .modelInterceptor(new RedactCardNumbers())
                .build()
                .run("Refund card 4111 1111 1111 1111 please");
        assertThat(result.answer()).isEqualTo("I read: Refund card [card] please");
    }

    @Test
    void theStepInterceptorOfTheGuideAuditsWhatRan() throws Exception {
        assertPrintedInTheGuide("AuditLog.java");
        Tool lookup = lookup();
        ScriptedChatModel model = ScriptedChatModel.turns(
                toolCalls(call("a", "lookup", "{\"word\":\"quarry\"}"), call("b", "lookup", "{\"word\":\"quarry\"}")),
                AiMessage.from("done"));
        AuditLog audit = new AuditLog();
        Agent.builder().model(model).tool(lookup).stepInterceptor(audit).build().run("define quarry");
        assertThat(audit.entries()).singleElement().asString().contains("lookup {\"word\":\"quarry\"} -> SUCCEEDED");
    }
}
