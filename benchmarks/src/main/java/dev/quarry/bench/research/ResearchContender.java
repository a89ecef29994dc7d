package dev.quarry.bench.research;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.TokenStream;
import dev.quarry.agent.Agent;
import dev.quarry.agent.AgentResult;
import dev.quarry.agent.Limits;
import dev.quarry.agent.plan.Planner;
import dev.quarry.agent.tool.Policy;
import dev.quarry.bench.TokenStreams;
import java.time.Duration;

/**
 * The contenders of the research benchmark, each labelled for what it is. Every contender's sub-agents run
 * the same model behaviour (look up hop by hop, then answer); what differs is how the coordinator's
 * sub-agent calls are run.
 */
enum ResearchContender {
    /** (s) A sequential supervisor: LangChain4j AiServices whose model hands out one part per turn. */
    SUPERVISOR_SEQUENTIAL(
            "s", "AiServices supervisor, one sub-agent call per turn", ResearchWorld.Protocol.ONE_PER_TURN) {
        @Override
        Outcome run(Models models, Lookups lookups, String question) {
            return aiServices(models.chat(), lookups, question, false);
        }
    },
    /** (b-seq) AiServices with every part in one turn, tools run one after another (its default). */
    AISERVICES_SEQUENTIAL(
            "b-seq",
            "AiServices, sub-agents as @Tool methods, parallel tool use, default execution",
            ResearchWorld.Protocol.PARALLEL) {
        @Override
        Outcome run(Models models, Lookups lookups, String question) {
            return aiServices(models.chat(), lookups, question, false);
        }
    },
    /** (b) AiServices with every part in one turn and {@code executeToolsConcurrently()}. */
    AISERVICES_CONCURRENT(
            "b",
            "AiServices, sub-agents as @Tool methods, parallel tool use, executeToolsConcurrently",
            ResearchWorld.Protocol.PARALLEL) {
        @Override
        Outcome run(Models models, Lookups lookups, String question) {
            return aiServices(models.chat(), lookups, question, true);
        }
    },
    /**
     * (b-stream) (b) with a streaming model: {@code TokenStream}, parallel tool use and
     * {@code executeToolsConcurrently()}; the answer's first token is its first partial response.
     */
    AISERVICES_STREAMING(
            "b-stream",
            "AiServices streaming (TokenStream), sub-agents as @Tool methods, executeToolsConcurrently",
            ResearchWorld.Protocol.PARALLEL) {
        @Override
        Outcome run(Models models, Lookups lookups, String question) {
            var inner = AiServices.builder(Researcher.class)
                    .chatModel(models.chat())
                    .tools(lookups);
            StreamingCoordinator coordinator = AiServices.builder(StreamingCoordinator.class)
                    .streamingChatModel(models.streaming())
                    .tools(new ResearcherTool(inner.build()))
                    .executeToolsConcurrently()
                    .build();
            long start = System.nanoTime();
            TokenStreams.Streamed answer = TokenStreams.collect(coordinator.answer(question));
            return new Outcome(
                    answer.text(),
                    answer.firstTokenNanos() < 0 ? null : Duration.ofNanos(answer.firstTokenNanos() - start));
        }
    },
    /** (c) Quarry's default: ToolUsePlanner, blocking model, sub-agents via Agent.Builder.subAgent. */
    QUARRY_TOOL_USE("c", "Quarry ToolUsePlanner + subAgent (default settings)", ResearchWorld.Protocol.PARALLEL) {
        @Override
        Outcome run(Models models, Lookups lookups, String question) {
            Agent researcher =
                    Agent.builder().model(models.chat()).toolsFrom(lookups).build();
            AgentResult result = Agent.builder()
                    .model(models.chat())
                    .subAgent("researcher", RESEARCHER, researcher)
                    .limits(TREE_LIMITS)
                    .build()
                    .run(question);
            return Outcome.of(result);
        }
    },
    /** (e) Quarry GraphPlanner with a streaming model: each sub-agent starts as its plan line arrives. */
    QUARRY_GRAPH_STREAMING("e", "Quarry GraphPlanner + streaming + subAgent", ResearchWorld.Protocol.PARALLEL) {
        @Override
        Outcome run(Models models, Lookups lookups, String question) {
            Agent researcher = Agent.builder()
                    .model(models.chat())
                    .streamingModel(models.streaming())
                    .toolsFrom(lookups)
                    .build();
            AgentResult result = Agent.builder()
                    .model(models.chat())
                    .streamingModel(models.streaming())
                    .planner(Planner.graph())
                    .subAgent("researcher", RESEARCHER, researcher)
                    .limits(TREE_LIMITS)
                    .build()
                    .run(question);
            return Outcome.of(result);
        }
    };

    /**
     * The coordinator's budget covers its sub-agents' calls too (they share it): up to 6 parts of 3 calls
     * each and its own 2 to 3 need more than the default 16 model calls.
     */
    static final Limits TREE_LIMITS = Limits.DEFAULT.withMaxModelCalls(64).withMaxSteps(64);

    static final String RESEARCHER = "Researches one self-contained part of the question and answers it";

    private final String label;
    private final String description;
    private final ResearchWorld.Protocol protocol;

    ResearchContender(String label, String description, ResearchWorld.Protocol protocol) {
        this.label = label;
        this.description = description;
        this.protocol = protocol;
    }

    String label() {
        return label;
    }

    String description() {
        return description;
    }

    /** How the simulated model hands out parts for this contender's coordinator. */
    ResearchWorld.Protocol protocol() {
        return protocol;
    }

    abstract Outcome run(Models models, Lookups lookups, String question);

    /** The models a contender may use, all on the simulated Bedrock. */
    record Models(ChatModel chat, StreamingChatModel streaming) {}

    /** What a run gave: the answer and, for a streaming contender, when its first answer token arrived. */
    record Outcome(String answer, Duration firstAnswerToken) {
        static Outcome of(AgentResult result) {
            return new Outcome(
                    result.answer(), result.trace().firstAnswerToken().orElse(null));
        }
    }

    /** The look-up tool every sub-agent uses: a fixed latency (simulated I/O), then the world's fact. */
    static final class Lookups {
        private final Duration latency;

        Lookups(Duration latency) {
            this.latency = latency;
        }

        @Tool("Looks a name up and returns what it resolves to")
        @Policy(sideEffecting = false)
        public String lookup(@P(name = "q", value = "the name to look up") String q) throws InterruptedException {
            Thread.sleep(latency);
            return ResearchWorld.lookup(q);
        }
    }

    interface Coordinator {
        String answer(String question);
    }

    interface StreamingCoordinator {
        TokenStream answer(String question);
    }

    interface Researcher {
        String research(String task);
    }

    /** A sub-agent as LangChain4j users write one: an @Tool method that calls another AiServices. */
    static final class ResearcherTool {
        private final Researcher researcher;

        ResearcherTool(Researcher researcher) {
            this.researcher = researcher;
        }

        @Tool(RESEARCHER)
        public String researcher(@P(name = "task", value = "the part to research") String task) {
            return researcher.research(task);
        }
    }

    private static Outcome aiServices(ChatModel model, Lookups lookups, String question, boolean concurrently) {
        var inner = AiServices.builder(Researcher.class).chatModel(model).tools(lookups);
        var outer = AiServices.builder(Coordinator.class).chatModel(model).tools(new ResearcherTool(inner.build()));
        if (concurrently) {
            outer.executeToolsConcurrently();
        }
        return new Outcome(outer.build().answer(question), null);
    }
}
