package dev.quarry.agent.docs;

import dev.quarry.agent.Agent;
import dev.quarry.agent.AgentResult;
import java.time.LocalDate;
import java.util.concurrent.CompletableFuture;

/** A typed answer and an async run. */
public final class TypedAndAsync {

    /** The answer's shape; its JSON schema is generated from the record. */
    public record Trip(String city, LocalDate date, int travellers) {}

    public static Trip plan(Agent agent) {
        return agent.run("Plan a trip to Lyon on 24 December 2026 for two", Trip.class);
    }

    public static CompletableFuture<String> answerLater(Agent agent, String task) {
        CompletableFuture<AgentResult> run = agent.runAsync(task);
        // run.cancel(true) would stop the run and every step it started
        return run.thenApply(AgentResult::answer);
    }
}
