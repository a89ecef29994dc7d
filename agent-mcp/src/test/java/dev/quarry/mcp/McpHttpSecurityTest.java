package dev.quarry.mcp;

import static dev.quarry.mcp.RawHttp.INITIALIZE;
import static dev.quarry.mcp.RawHttp.mcp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.quarry.agent.error.ConfigurationException;
import dev.quarry.agent.tool.Tool;
import dev.quarry.agent.tool.ToolContext;
import dev.quarry.agent.tool.ToolPolicy;
import dev.quarry.agent.tool.ToolResult;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The checks in front of Quarry's MCP server over HTTP, driven by raw requests as any client may send them. */
class McpHttpSecurityTest {

    private static final QuarryMcpServer SERVER =
            QuarryMcpServer.builder().tool(QuarryMcpServerTest.lookup()).build();

    @Test
    void aForeignHostOrOriginIsRefusedAndLoopbackOnesAreAnswered() throws Exception {
        try (QuarryMcpServer.Http http = SERVER.serveHttp("127.0.0.1", 0)) {
            int port = http.port();
            // the conformance suite's DNS-rebinding request: a page on evil.example.com resolved to 127.0.0.1
            RawHttp.Response rebound = RawHttp.post(
                    port, mcp(port, "Host", "evil.example.com", "Origin", "http://evil.example.com"), INITIALIZE);
            assertThat(rebound.status()).isEqualTo(403);
            assertThat(rebound.body())
                    .contains("\"jsonrpc\":\"2.0\"")
                    .contains("Host")
                    .doesNotContain("serverInfo");
            RawHttp.Response foreignOrigin =
                    RawHttp.post(port, mcp(port, "Origin", "https://evil.example.com"), INITIALIZE);
            assertThat(foreignOrigin.status()).isEqualTo(403);
            assertThat(foreignOrigin.body()).contains("Origin").doesNotContain("serverInfo");

            RawHttp.Response local = RawHttp.post(
                    port, mcp(port, "Host", "localhost:" + port, "Origin", "http://localhost:5173"), INITIALIZE);
            assertThat(local.status()).isEqualTo(200);
            assertThat(local.body()).contains("serverInfo");
            assertThat(RawHttp.post(port, mcp(port, "Host", "[::1]:" + port), INITIALIZE)
                            .status())
                    .isEqualTo(200);
        }
    }

    @Test
    void anAllowedHostAndOriginAreAnsweredBesideTheLoopbackOnes() throws Exception {
        McpHttpOptions options = McpHttpOptions.builder("127.0.0.1", 0)
                .allowedHost("quarry.internal")
                .allowedOrigin("https://app.example.com")
                .build();
        try (QuarryMcpServer.Http http = SERVER.serveHttp(options)) {
            int port = http.port();
            assertThat(RawHttp.post(
                                    port,
                                    mcp(port, "Host", "quarry.internal:8443", "Origin", "https://app.example.com"),
                                    INITIALIZE)
                            .status())
                    .isEqualTo(200);
            assertThat(RawHttp.post(port, mcp(port, "Origin", "https://other.example.com"), INITIALIZE)
                            .status())
                    .isEqualTo(403);
        }
    }

    @Test
    void aBearerTokenIsRequiredAndNothingAboutItIsLeaked() throws Exception {
        McpHttpOptions options = McpHttpOptions.builder("127.0.0.1", 0)
                .bearerToken("s3cret-token")
                .build();
        try (QuarryMcpServer.Http http = SERVER.serveHttp(options)) {
            int port = http.port();
            RawHttp.Response none = RawHttp.post(port, mcp(port), INITIALIZE);
            assertThat(none.status()).isEqualTo(401);
            assertThat(none.header("WWW-Authenticate")).startsWith("Bearer");
            RawHttp.Response wrong = RawHttp.post(port, mcp(port, "Authorization", "Bearer s3cret-tokem"), INITIALIZE);
            assertThat(wrong.status()).isEqualTo(403);
            assertThat(wrong.header("WWW-Authenticate")).contains("invalid_token");
            assertThat(wrong.body() + none.body()).doesNotContain("s3cret").doesNotContain("serverInfo");
            RawHttp.Response right = RawHttp.post(port, mcp(port, "Authorization", "Bearer s3cret-token"), INITIALIZE);
            assertThat(right.status()).isEqualTo(200);
            assertThat(right.body()).contains("serverInfo");

            try (McpTools withToken =
                    McpTools.http(http.endpoint(), "s3cret-token").build()) {
                assertThat(withToken.tools()).extracting(Tool::name).contains("lookup");
            }
            assertThatThrownBy(() -> McpTools.http(http.endpoint()).build())
                    .as("the server refuses a client without the token")
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining(http.endpoint().toString())
                    .hasMessageContaining("Authorization error");
        }
    }

    @Test
    void anAuthorizationServerIsNamedInTheProtectedResourceMetadata() throws Exception {
        McpHttpOptions options = McpHttpOptions.builder("127.0.0.1", 0)
                .authenticator(
                        token -> token.equals("jwt") ? java.util.Optional.of("alice") : java.util.Optional.empty())
                .authorizationServer(URI.create("https://login.example.com"))
                .build();
        try (QuarryMcpServer.Http http = SERVER.serveHttp(options)) {
            int port = http.port();
            RawHttp.Response challenge = RawHttp.post(port, mcp(port), INITIALIZE);
            assertThat(challenge.status()).isEqualTo(401);
            assertThat(challenge.header("WWW-Authenticate"))
                    .contains(
                            "resource_metadata=\"http://127.0.0.1:" + port + "/.well-known/oauth-protected-resource\"");
            java.net.http.HttpResponse<String> metadata = java.net.http.HttpClient.newHttpClient()
                    .send(
                            java.net.http.HttpRequest.newBuilder(URI.create(
                                            "http://127.0.0.1:" + port + "/.well-known/oauth-protected-resource"))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(metadata.statusCode()).isEqualTo(200);
            assertThat(Json.MAPPER
                            .readTree(metadata.body())
                            .get("authorization_servers")
                            .get(0)
                            .asText())
                    .isEqualTo("https://login.example.com");
            assertThat(Json.MAPPER.readTree(metadata.body()).get("resource").asText())
                    .isEqualTo("http://127.0.0.1:" + port + "/mcp");
        }
    }

    @Test
    void aBodyOverTheLimitIsRefused413() throws Exception {
        McpHttpOptions options =
                McpHttpOptions.builder("127.0.0.1", 0).maxRequestBytes(4_096).build();
        try (QuarryMcpServer.Http http = SERVER.serveHttp(options)) {
            int port = http.port();
            String big = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\",\"params\":{\"pad\":\"" + "x".repeat(5_000)
                    + "\"}}";
            RawHttp.Response response = RawHttp.post(port, mcp(port), big);
            assertThat(response.status()).isEqualTo(413);
            assertThat(response.body()).contains("4096 bytes");
            assertThat(RawHttp.post(port, mcp(port), INITIALIZE).status()).isEqualTo(200);
        }
    }

    @Test
    void sessionsAreBoundedAndAnIdleOneIsForgotten() throws Exception {
        AtomicLong now = new AtomicLong();
        McpHttpOptions options = McpHttpOptions.builder("127.0.0.1", 0)
                .maxSessions(2)
                .sessionIdleTimeout(Duration.ofMinutes(1))
                .build();
        try (QuarryMcpServer.Http http = SERVER.serveHttp(options, now::get)) {
            int port = http.port();
            String first = RawHttp.post(port, mcp(port), INITIALIZE).header("Mcp-Session-Id");
            String second = RawHttp.post(port, mcp(port), INITIALIZE).header("Mcp-Session-Id");
            assertThat(first).isNotNull().isNotEqualTo(second);
            RawHttp.Response third = RawHttp.post(port, mcp(port), INITIALIZE);
            assertThat(third.status()).isEqualTo(503);
            assertThat(third.body()).contains("Too many sessions (2 open)");

            assertThat(RawHttp.request(port, "DELETE", mcp(port, "Mcp-Session-Id", second))
                            .status())
                    .isLessThan(300);
            assertThat(http.openSessions()).isEqualTo(1);
            String third2 = RawHttp.post(port, mcp(port), INITIALIZE).header("Mcp-Session-Id");
            assertThat(third2).isNotNull();

            now.addAndGet(Duration.ofSeconds(61).toNanos());
            String ping = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}";
            RawHttp.Response expired = RawHttp.post(port, mcp(port, "Mcp-Session-Id", first), ping);
            assertThat(expired.status()).isEqualTo(404);
            assertThat(expired.body()).contains("Session expired");
            assertThat(http.openSessions()).isZero();
            assertThat(RawHttp.post(port, mcp(port), INITIALIZE).status()).isEqualTo(200);
        }
    }

    @Test
    void aCallPastItsTimeIsCancelledAndALongResultIsCut() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        QuarryMcpServer server = QuarryMcpServer.builder()
                .tool(tool("hang", () -> {
                    try {
                        new CountDownLatch(1).await();
                    } catch (InterruptedException e) {
                        interrupted.countDown();
                    }
                    return ToolResult.of("never");
                }))
                .tool(tool("long", () -> ToolResult.of("y".repeat(5_000))))
                .build();
        McpHttpOptions options = McpHttpOptions.builder("127.0.0.1", 0)
                .callTimeout(Duration.ofMillis(200))
                .maxResultChars(1_000)
                .build();
        try (QuarryMcpServer.Http http = server.serveHttp(options);
                McpTools remote = McpTools.http(URI.create("http://127.0.0.1:" + http.port() + "/mcp"))
                        .build()) {
            Tool hang = remote.tools().stream()
                    .filter(t -> t.name().equals("hang"))
                    .findFirst()
                    .orElseThrow();
            ToolResult timedOut = hang.execute(Json.MAPPER.createObjectNode(), context());
            assertThat(timedOut.error()).isTrue();
            assertThat(timedOut.text()).contains("hang did not finish within 0 s and was cancelled");
            assertThat(interrupted.await(30, TimeUnit.SECONDS)).isTrue();

            Tool longTool = remote.tools().stream()
                    .filter(t -> t.name().equals("long"))
                    .findFirst()
                    .orElseThrow();
            ToolResult cut = longTool.execute(Json.MAPPER.createObjectNode(), context());
            assertThat(cut.text()).startsWith("y".repeat(1_000)).contains("[cut: 4000 more characters not sent");
            assertThat(cut.text()).doesNotContain("y".repeat(1_001));
        }
    }

    @Test
    void aClientThatDisconnectsMidCallCancelsIt() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        QuarryMcpServer server =
                QuarryMcpServer.builder().tool(hanging(started, interrupted)).build();
        try (QuarryMcpServer.Http http = server.serveHttp("127.0.0.1", 0)) {
            int port = http.port();
            String session = RawHttp.post(port, mcp(port), INITIALIZE).header("Mcp-Session-Id");
            RawHttp.post(
                    port,
                    mcp(port, "Mcp-Session-Id", session),
                    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
            try (Socket socket = new Socket("127.0.0.1", port)) {
                callHang(socket, session, 3);
                assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
            } // the client goes away mid-call
            assertThat(interrupted.await(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void notificationsCancelledCancelsTheCallItNames() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        QuarryMcpServer server =
                QuarryMcpServer.builder().tool(hanging(started, interrupted)).build();
        try (QuarryMcpServer.Http http = server.serveHttp("127.0.0.1", 0)) {
            int port = http.port();
            String session = RawHttp.post(port, mcp(port), INITIALIZE).header("Mcp-Session-Id");
            try (Socket socket = new Socket("127.0.0.1", port)) {
                callHang(socket, session, 9);
                assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
                RawHttp.post(
                        port,
                        mcp(port, "Mcp-Session-Id", session),
                        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":9}}");
                assertThat(interrupted.await(30, TimeUnit.SECONDS)).isTrue();
            }
        }
    }

    /** Sends, on {@code socket}, the request {@code id} calling the hanging tool in {@code session}. */
    private static void callHang(Socket socket, String session, int id) throws java.io.IOException {
        RawHttp.send(
                socket.getOutputStream(),
                "POST",
                mcp(socket.getPort(), "Mcp-Session-Id", session),
                ("{\"jsonrpc\":\"2.0\",\"id\":" + id
                                + ",\"method\":\"tools/call\",\"params\":{\"name\":\"hang\",\"arguments\":{}}}")
                        .getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void listeningBeyondThisMachineMustBeAskedFor() {
        assertThatThrownBy(() -> McpHttpOptions.builder("0.0.0.0", 0).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("reachable from other machines")
                .hasMessageContaining("allowRemote(true)");
        assertThat(McpHttpOptions.builder("0.0.0.0", 0)
                        .allowRemote(true)
                        .build()
                        .loopback())
                .isFalse();
        assertThat(McpHttpOptions.builder("localhost", 0).build().loopback()).isTrue();
        assertThatThrownBy(() -> McpHttpOptions.builder("127.0.0.1", 0).bearerToken(" "))
                .isInstanceOf(ConfigurationException.class);
    }

    private static ToolContext context() {
        return ToolContext.of("test", "test", step -> java.util.Optional.empty(), THREADS);
    }

    private static final java.util.concurrent.ExecutorService THREADS =
            java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

    /** A tool that says when it started and then waits until it is interrupted, and says that too. */
    private static Tool hanging(CountDownLatch started, CountDownLatch interrupted) {
        return tool("hang", () -> {
            started.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
            return ToolResult.of("never");
        });
    }

    private static Tool tool(String name, java.util.function.Supplier<ToolResult> body) {
        return Tool.of(
                ToolSpecification.builder()
                        .name(name)
                        .description("A test tool.")
                        .parameters(JsonObjectSchema.builder().build())
                        .build(),
                ToolPolicy.readOnly(),
                (arguments, context) -> body.get());
    }
}
