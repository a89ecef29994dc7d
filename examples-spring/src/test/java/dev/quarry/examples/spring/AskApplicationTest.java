package dev.quarry.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The example application on a random port, called over HTTP as a client would. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AskApplicationTest {

    static final Path WORK = temporary();
    static final String TOKEN = "test-token-" + java.util.UUID.randomUUID();

    static Path temporary() {
        try {
            Path work = Files.createTempDirectory("ask-app");
            Path docs = Files.createDirectories(work.resolve("docs"));
            Files.writeString(
                    docs.resolve("wings.md"),
                    "# Wings\n\nSwept wings delay shock waves at transonic speed. Wing flutter is a dangerous"
                            + " vibration.");
            Files.writeString(
                    docs.resolve("turbines.md"),
                    "# Turbines\n\nGas turbines compress air before combustion. The hot gas spins the turbine"
                            + " blades.");
            return work;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry properties) {
        properties.add("quarry.index.path", () -> WORK.resolve("index").toString());
        properties.add("quarry.index.embeddings", () -> "false");
        properties.add("ask.docs", () -> WORK.resolve("docs").toString());
        properties.add("ask.allowed-hosts", () -> "ask.internal");
        properties.add("quarry.security.bearer-token", () -> TOKEN);
    }

    @LocalServerPort
    int port;

    final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Authorization", "Bearer " + TOKEN)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String q(String question) {
        return URLEncoder.encode(question, StandardCharsets.UTF_8);
    }

    @Test
    void answersWithCitationsAndSteps() throws Exception {
        HttpResponse<String> response = get("/ask?q=" + q("What is wing flutter? What do gas turbines do?"));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = new ObjectMapper().readTree(response.body());
        assertThat(body.get("answer").asText()).contains("dangerous vibration").contains("compress air");
        assertThat(body.get("citations").findValuesAsText("label"))
                .anyMatch(l -> l.startsWith("wings.md#0"))
                .anyMatch(l -> l.startsWith("turbines.md#0"));
        assertThat(body.get("steps").findValuesAsText("tool")).containsExactly("search", "search");
    }

    @Test
    void streamsStepsTextAndTheAnswerAsServerSentEvents() throws Exception {
        HttpResponse<Stream<String>> response = http.send(
                HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port + "/ask/stream?q=" + q("What is wing flutter?")))
                        .header("Authorization", "Bearer " + TOKEN)
                        .build(),
                HttpResponse.BodyHandlers.ofLines());

        assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        List<String> events = new ArrayList<>();
        response.body().filter(line -> line.startsWith("event:")).forEach(line -> events.add(line.substring(6)));
        assertThat(events).contains("step", "text").last().isEqualTo("answer");
        assertThat(events.indexOf("step")).isLessThan(events.lastIndexOf("text"));
    }

    @Test
    void theIndexIsInTheHealthEndpoint() throws Exception {
        HttpResponse<String> response = get("/actuator/health");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode index = new ObjectMapper().readTree(response.body()).at("/components/quarryIndex");
        assertThat(index.get("status").asText()).isEqualTo("UP");
        assertThat(index.at("/details/documents").asInt()).isEqualTo(2);
    }

    @Test
    void askNeedsTheBearerTokenAndSaysNothingAboutIt() throws Exception {
        URI ask = URI.create("http://127.0.0.1:" + port + "/ask?q=" + q("What is wing flutter?"));
        HttpResponse<String> none =
                http.send(HttpRequest.newBuilder(ask).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer");
        HttpResponse<String> wrong = http.send(
                HttpRequest.newBuilder(ask)
                        .header("Authorization", "Bearer " + TOKEN + "x")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(none.body() + wrong.body()).doesNotContain(TOKEN).doesNotContain("dangerous vibration");
        HttpResponse<String> health = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).as("outside quarry.security.paths").isEqualTo(200);
    }

    @Test
    void aForeignHostOrOriginIsRefusedAsABrowserUnderDnsRebindingWouldSendIt() throws Exception {
        assertThat(rawGet("/ask?q=flutter", "evil.example.com:" + port, null))
                .startsWith("HTTP/1.1 403")
                .contains("ask.allowed-hosts");
        assertThat(rawGet("/ask?q=flutter", "127.0.0.1:" + port, "http://evil.example.com"))
                .startsWith("HTTP/1.1 403")
                .contains("ask.allowed-origins")
                .doesNotContain("dangerous vibration");
        assertThat(rawGet("/actuator/health", "localhost:" + port, "http://localhost:" + port))
                .startsWith("HTTP/1.1 200");
        assertThat(rawGet("/actuator/health", "ask.internal:" + port, null))
                .as("a host listed in ask.allowed-hosts")
                .startsWith("HTTP/1.1 200");
    }

    /** A GET with the Host and Origin a test chooses (java.net.http refuses to set Host); the whole answer. */
    private String rawGet(String path, String host, String origin) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            String request = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n"
                    + (origin == null ? "" : "Origin: " + origin + "\r\n") + "Connection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
