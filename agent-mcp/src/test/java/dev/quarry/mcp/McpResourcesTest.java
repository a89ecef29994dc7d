package dev.quarry.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Documents served as MCP resources, with prompts and completion, read by the MCP SDK's own client. */
class McpResourcesTest {

    /** Documents in a sorted map: "guide/intro.md" has a slash, and 120 "note-N" ids overflow one completion. */
    static final class MapDocuments implements McpDocuments {
        final TreeMap<String, String> texts = new TreeMap<>();

        MapDocuments() {
            texts.put("guide/intro.md", "# Intro\n\nQuarry serves indexes.\n\nSecond chunk here.");
            texts.put("wings.md", "# Wings\n\nSwept wings delay shock waves.");
            IntStream.range(0, 120).forEach(i -> texts.put("note-%03d".formatted(i), "note " + i));
        }

        @Override
        public List<String> ids(String from, int limit) {
            return texts.tailMap(from).keySet().stream().limit(limit).toList();
        }

        @Override
        public Optional<Text> document(String id) {
            return Optional.ofNullable(texts.get(id)).map(text -> new Text("Title of " + id, text));
        }

        @Override
        public Optional<Text> chunk(String id, int ordinal) {
            return Optional.ofNullable(texts.get(id))
                    .map(text -> text.split("\n\n"))
                    .filter(parts -> ordinal < parts.length)
                    .map(parts -> new Text(id + "#" + ordinal, parts[ordinal]));
        }
    }

    static QuarryMcpServer.Http http;
    static McpSyncClient client;

    @BeforeAll
    static void served() {
        http = QuarryMcpServer.builder()
                .tool(QuarryMcpServerTest.lookup())
                .documents(new MapDocuments())
                .listedDocuments(5)
                .build()
                .serveHttp("127.0.0.1", 0);
        client = McpClient.sync(HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + http.port())
                        .endpoint("/mcp")
                        .jsonMapper(new JacksonMcpJsonMapper(Json.MAPPER))
                        .build())
                .requestTimeout(Duration.ofSeconds(30))
                .build();
        McpSchema.InitializeResult initialized = client.initialize();
        assertThat(initialized.capabilities().resources()).isNotNull();
        assertThat(initialized.capabilities().prompts()).isNotNull();
        assertThat(initialized.capabilities().completions()).isNotNull();
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        http.close();
    }

    @Test
    void theFirstDocumentsAreListedAndEveryDocumentAndChunkIsReadByUri() {
        List<McpSchema.Resource> listed = client.listResources().resources();
        assertThat(listed)
                .extracting(McpSchema.Resource::uri)
                .containsExactlyInAnyOrder(
                        "quarry://doc/guide%2Fintro.md",
                        "quarry://doc/note-000",
                        "quarry://doc/note-001",
                        "quarry://doc/note-002",
                        "quarry://doc/note-003");
        assertThat(listed)
                .filteredOn(r -> r.name().equals("guide/intro.md"))
                .singleElement()
                .satisfies(r -> {
                    assertThat(r.title()).isEqualTo("Title of guide/intro.md");
                    assertThat(r.mimeType()).isEqualTo("text/markdown");
                });

        assertThat(text(client.readResource(new McpSchema.ReadResourceRequest("quarry://doc/guide%2Fintro.md"))))
                .startsWith("# Intro");
        assertThat(text(client.readResource(new McpSchema.ReadResourceRequest("quarry://doc/wings.md"))))
                .as("not listed, read through the template")
                .isEqualTo("# Wings\n\nSwept wings delay shock waves.");
        assertThat(text(client.readResource(
                        new McpSchema.ReadResourceRequest("quarry://doc/guide%2Fintro.md/chunk/2"))))
                .isEqualTo("Second chunk here.");
        assertThat(client.listResourceTemplates().resourceTemplates())
                .extracting(McpSchema.ResourceTemplate::uriTemplate)
                .containsExactlyInAnyOrder("quarry://doc/{id}", "quarry://doc/{id}/chunk/{ordinal}");
    }

    @Test
    void aUriThatNamesNothingIsResourceNotFound() {
        assertThatThrownBy(
                        () -> client.readResource(new McpSchema.ReadResourceRequest("quarry://doc/wings.md/chunk/9")))
                .isInstanceOfSatisfying(
                        McpError.class,
                        e -> assertThat(e.getJsonRpcError().code()).isEqualTo(McpSchema.ErrorCodes.RESOURCE_NOT_FOUND))
                .hasMessageContaining("quarry://doc/wings.md/chunk/9");
        assertThatThrownBy(() -> client.readResource(new McpSchema.ReadResourceRequest("quarry://doc/missing.md")))
                .isInstanceOf(McpError.class)
                .hasMessageContaining("Resource not found");
    }

    @Test
    void documentIdsAreCompletedForTheTemplatesAndTheSummaryPrompt() {
        McpSchema.CompleteResult guides = client.completeCompletion(new McpSchema.CompleteRequest(
                new McpSchema.ResourceReference("quarry://doc/{id}"),
                new McpSchema.CompleteRequest.CompleteArgument("id", "gu")));
        assertThat(guides.completion().values()).containsExactly("guide/intro.md");
        assertThat(guides.completion().hasMore()).isFalse();

        McpSchema.CompleteResult notes = client.completeCompletion(new McpSchema.CompleteRequest(
                new McpSchema.PromptReference("summarise_document"),
                new McpSchema.CompleteRequest.CompleteArgument("id", "note-")));
        assertThat(notes.completion().values()).hasSize(100).first().isEqualTo("note-000");
        assertThat(notes.completion().hasMore()).isTrue();
    }

    @Test
    void thePromptsAskForCitationsAndEmbedTheDocumentToSummarise() {
        assertThat(client.listPrompts().prompts())
                .extracting(McpSchema.Prompt::name)
                .containsExactlyInAnyOrder("answer_with_citations", "summarise_document");
        McpSchema.GetPromptResult answer = client.getPrompt(
                new McpSchema.GetPromptRequest("answer_with_citations", Map.of("question", "Why sweep wings?")));
        assertThat(((McpSchema.TextContent) answer.messages().getFirst().content()).text())
                .contains("[document#chunk]")
                .endsWith("Question: Why sweep wings?");

        McpSchema.GetPromptResult summary =
                client.getPrompt(new McpSchema.GetPromptRequest("summarise_document", Map.of("id", "wings.md")));
        McpSchema.EmbeddedResource embedded =
                (McpSchema.EmbeddedResource) summary.messages().getFirst().content();
        assertThat(((McpSchema.TextResourceContents) embedded.resource()).text())
                .contains("Swept wings");

        assertThatThrownBy(() -> client.getPrompt(new McpSchema.GetPromptRequest("answer_with_citations", Map.of())))
                .isInstanceOf(McpError.class)
                .hasMessageContaining("needs the argument question");
    }

    private static String text(McpSchema.ReadResourceResult result) {
        return ((McpSchema.TextResourceContents) result.contents().getFirst()).text();
    }
}
