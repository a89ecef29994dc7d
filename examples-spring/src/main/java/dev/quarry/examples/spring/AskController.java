package dev.quarry.examples.spring;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.agent.Agent;
import dev.quarry.agent.AgentResult;
import dev.quarry.agent.RunEvent;
import dev.quarry.agent.schedule.StepResult;
import dev.quarry.agent.tool.Citation;
import java.io.IOException;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** The question endpoints: blocking JSON, and server-sent events as the run goes. */
@RestController
public class AskController {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Agent agent;

    /** The controller over the starter's agent. */
    public AskController(Agent agent) {
        this.agent = agent;
    }

    /** The answer, its citations and its steps. */
    @GetMapping(value = "/ask", produces = MediaType.APPLICATION_JSON_VALUE)
    public String ask(@RequestParam("q") String question) {
        return result(agent.run(question)).toString();
    }

    /**
     * The run as server-sent events: {@code step} when a step starts and ends, {@code text} as the answer is
     * written, then {@code answer} (the result) or {@code error}.
     */
    @GetMapping(value = "/ask/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public SseEmitter stream(@RequestParam("q") String question) {
        SseEmitter emitter = new SseEmitter(0L);
        Thread.ofVirtual().name("ask-stream").start(() -> {
            try {
                agent.stream(question, event -> send(emitter, event));
                emitter.complete();
            } catch (RuntimeException e) {
                emitter.completeWithError(e);
            }
        });
        return emitter;
    }

    private static void send(SseEmitter emitter, RunEvent event) {
        try {
            switch (event) {
                case RunEvent.StepStarted started ->
                    emitter.send(SseEmitter.event()
                            .name("step")
                            .data(JSON.createObjectNode()
                                    .put("step", started.stepId())
                                    .put("tool", started.tool())
                                    .put("status", "STARTED")
                                    .toString()));
                case RunEvent.StepFinished finished ->
                    emitter.send(SseEmitter.event()
                            .name("step")
                            .data(step(finished.result()).toString()));
                case RunEvent.Text text
                when !text.fromSubAgent() ->
                    emitter.send(SseEmitter.event().name("text").data(text.text()));
                case RunEvent.Finished done ->
                    emitter.send(SseEmitter.event()
                            .name("answer")
                            .data(result(done.result()).toString()));
                case RunEvent.Failed failed ->
                    emitter.send(
                            SseEmitter.event().name("error").data(failed.error().getMessage()));
                default -> {}
            }
        } catch (IOException e) {
            throw new IllegalStateException("the client went away: " + e.getMessage(), e);
        }
    }

    private static ObjectNode result(AgentResult result) {
        ObjectNode json = JSON.createObjectNode().put("answer", result.answer());
        var citations = json.putArray("citations");
        for (Citation citation : result.citations()) {
            citations.addObject().put("label", citation.label()).put("title", citation.title());
        }
        var steps = json.putArray("steps");
        result.steps().forEach(s -> steps.add(step(s)));
        return json;
    }

    private static ObjectNode step(StepResult step) {
        return JSON.createObjectNode()
                .put("step", step.stepId())
                .put("tool", step.tool())
                .put("status", step.status().name());
    }
}
