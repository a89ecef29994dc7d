package dev.quarry.agent.docs;

import com.sun.net.httpserver.HttpServer;
import dev.quarry.agent.Agent;
import dev.quarry.agent.RunEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/** Streams a run to the browser as server-sent events, with the JDK's own HTTP server: GET /ask?q=... */
public final class RunOverSse {

    public static HttpServer start(Agent agent, int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/ask", exchange -> {
            String task =
                    URLDecoder.decode(exchange.getRequestURI().getRawQuery().substring(2), StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream body = exchange.getResponseBody()) {
                agent.stream(task, event -> send(body, event));
            }
        });
        server.start();
        return server;
    }

    private static void send(OutputStream body, RunEvent event) {
        String message = switch (event) {
            case RunEvent.Text text -> sse("text", text.text());
            case RunEvent.StepFinished step ->
                sse("step", step.result().tool() + " " + step.result().status());
            case RunEvent.Finished done -> sse("done", done.result().answer());
            case RunEvent.Failed failed -> sse("error", failed.error().getMessage());
            default -> "";
        };
        try {
            body.write(message.getBytes(StandardCharsets.UTF_8));
            body.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("the browser went away", e);
        }
    }

    private static String sse(String name, String data) {
        return "event: " + name + "\ndata: " + data.replace("\n", "\ndata: ") + "\n\n";
    }
}
