package dev.quarry.bench.scenario;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.TokenStream;
import dev.quarry.agent.Agent;
import dev.quarry.agent.LookAhead;
import dev.quarry.agent.Prefetch;
import dev.quarry.agent.Speculation;
import dev.quarry.agent.model.ModelRouting;
import dev.quarry.agent.plan.Planner;
import dev.quarry.bench.TokenStreams;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One way of answering a task: four LangChain4j {@code AiServices} set-ups a Java developer would pick
 * instead of Quarry, and nine Quarry set-ups. Each label says what it is: which loop, and which behaviour of
 * the simulated model (one tool call per turn, or every ready call in one turn: parallel tool use). They
 * differ only in how many model round trips they need, how much waiting they overlap, and (b2, h, j) how much
 * of the prompt the model reads from its cache instead of processing it again.
 */
public enum Contender {
    /**
     * (a) ReAct, one call per turn: {@code AiServices} with its defaults and a model that writes one tool call
     * per turn. The one-call-per-turn behaviour is a choice about the simulated model, not a LangChain4j
     * default; (a2) is the same loop with a model that uses parallel tool calls.
     */
    AISERVICES_SEQUENTIAL("a", "ReAct, one call per turn (AiServices)", ScenarioOracle.Protocol.ONE_CALL_PER_TURN) {
        @Override
        Answer answer(Models models, ScenarioTools tools, String question, String systemPrompt) {
            return aiServices(models.chat(), tools, false, question, systemPrompt);
        }
    },
    /**
     * (a2) {@code AiServices} with its defaults and a model that writes every ready call in one turn
     * (parallel tool use); the calls of a turn run one after another, as {@code AiServices} does by default.
     */
    AISERVICES_PARALLEL_CALLS_SEQUENTIAL(
            "a2",
            "AiServices defaults, parallel tool use, run sequentially",
            ScenarioOracle.Protocol.ALL_READY_CALLS_PER_TURN) {
        @Override
        Answer answer(Models models, ScenarioTools tools, String question, String systemPrompt) {
            return aiServices(models.chat(), tools, false, question, systemPrompt);
        }
    },
    /** (b) {@code AiServices} with {@code executeToolsConcurrently()} and parallel tool use. */
    AISERVICES_CONCURRENT(
            "b",
            "AiServices, parallel tool use, executeToolsConcurrently",
            ScenarioOracle.Protocol.ALL_READY_CALLS_PER_TURN) {
        @Override
        Answer answer(Models models, ScenarioTools tools, String question, String systemPrompt) {
            return aiServices(models.chat(), tools, true, question, systemPrompt);
        }
    },
    /**
     * (b2) (b) with Bedrock prompt caching as langchain4j offers it, a cache point after the system prompt
     * ({@code BedrockCachePointPlacement.AFTER_SYSTEM}): the control that shows what caching alone gives
     * the baseline, so (h)'s lead is not read as caching's.
     */
    AISERVICES_CONCURRENT_CACHED(
            "b2",
            "AiServices, parallel tool use, executeToolsConcurrently, cache after system",
            ScenarioOracle.Protocol.ALL_READY_CALLS_PER_TURN) {
        @Override
        Answer answer(Models models, ScenarioTools tools, String question, String systemPrompt) {
            return aiServices(models.chatCachingSystem(), tools, true, question, systemPrompt);
        }
    },
    /**
     * (b-stream) (b) with Claude's streaming model, as LangChain4j streams: {@code TokenStream}, parallel tool
     * use, {@code executeToolsConcurrently()}; its answer's first token is its first partial response. The
     * baseline a first-token figure should be read against.
     */
    AISERVICES_STREAMING(
            "b-stream",
            "AiServices streaming (TokenStream), parallel tool use, executeToolsConcurrently",
            ScenarioOracle.Protocol.ALL_READY_CALLS_PER_TURN) {
        @Override
        Answer answer(Models models, ScenarioTools tools, String question, String systemPrompt) {
            var builder = AiServices.builder(StreamingAssistant.class)
                    .streamingChatModel(models.streaming())
                    .tools(tools)
                    .executeToolsConcurrently();
            if (!systemPrompt.isBlank()) {
                builder.systemMessageProvider(memoryId -> systemPrompt);
            }
            TokenStreams.Streamed answer = TokenStreams.collect(builder.build().answer(question));
            return new Answer(answer.text(), answer.firstTokenNanos());
        }
    },
    /** (c) Quarry's default configuration: native parallel tool use ({@code Planner.toolUse()}), blocking model. */
    QUARRY_TOOL_USE("c", "Quarry default (ToolUsePlanner)", ScenarioOracle.Protocol.ALL_READY_CALLS_PER_TURN) {
        @Override
        Answer answer(Models models, ScenarioTools tools, String question, String systemPrompt) {
            return Answer.of(quarry(models, tools, Planner.toolUse(), false, false, systemPrompt)
                    .run(question));
        }
    },
    /**
     * (c2) Quarry's default planner with Claude's streaming model as well, which is how the Spring Boot starter
     * configures its agent: each tool call starts as soon as it is complete in the stream, and the answer
     * streams to the caller.
     */
    QUARRY_TOOL_USE_STREAMING(
            "c2",
            "Quarry default (ToolUsePlanner) + streaming, as the Spring starter configures it",
            ScenarioOracle.Protocol.ALL_READY_CALLS_PER_TURN) {
        @Override
        Answer answer(Models models, ScenarioTools tools, String question, String systemPrompt) {
            return Answer.of(quarry(models, tools, Planner.toolUse(), true, false, systemPrompt)
                    .run(question));
        }
    },
    /** (d) Quarry with an up-front dependency-graph plan. */
    QUARRY_GRAPH("d", "Quarry GraphPlanner", ScenarioOracle.Protocol.ALL_READY_CALLS_PER_TURN) {
        @Override
        Answer answer(Models models, ScenarioTools tools, String question, String systemPrompt) {
            return Answer.of(quarry(models, tools, Planner.graph(), false, false, systemPrompt)
                    .run(question));
        }
    },
    /** (e) (d) with a streaming model: each plan line runs as soon as it is written. */
    QUARRY_GRAPH_STREAMING("e", "Quarry GraphPlanner + streaming", ScenarioOracle.Protocol.ALL_READY_CALLS_PER_TURN) {
        @Override
        Answer answer(Models models, ScenarioTools tools, String question, String systemPrompt) {
            return Answer.of(quarry(models, tools, Planner.graph(), true, false, systemPrompt)
                    .run(question));
        }
    },
    /**
     * (f) (e) with the opt-in retrieval prefetch: a search for the task itself starts with the run, and its
     * result is offered as context to a model call that starts after it finished.
     */
    QUARRY_GRAPH_STREAMING_PREFETCH(
            "f", "Quarry GraphPlanner + streaming + prefetch", ScenarioOracle.Protocol.ALL_READY_CALLS_PER_TURN) {
        @Override
        Answer answer(Models models, ScenarioTools tools, String question, String systemPrompt) {
            return Answer.of(quarry(models, tools, Planner.graph(), true, true, systemPrompt)
                    .run(question));
        }

        @Override
        boolean unasked(Scenario.Task task, String argument) {
            return argument.equals(task.question());
        }
    },
    /**
     * (g) (e) with the plan written by a faster model ({@link ModelRouting#plansTo}, the simulator's planner
     * profile), while the join, which reads the results and answers, stays on the main model. The simulator
     * cannot judge plan quality: a smaller model may plan worse on real tasks, which no figure here shows.
     */
    QUARRY_GRAPH_STREAMING_FAST_PLANNER(
            "g",
            "Quarry GraphPlanner + streaming, plans on a fast model",
            ScenarioOracle.Protocol.ALL_READY_CALLS_PER_TURN) {
        @Override
        Answer answer(Models models, ScenarioTools tools, String question, String systemPrompt) {
            Agent agent = quarryBuilder(models, tools, Planner.graph(), true, false, systemPrompt)
                    .modelInterceptor(ModelRouting.plansTo(FAST_PLANNER_MODEL_ID))
                    .build();
            return Answer.of(agent.run(question));
        }
    },
    /**
     * (h) (e) on Claude with {@code ClaudeOnBedrock.cacheSharedPrefix()}: a cache point after the first
     * system message, which the plan and the join share (the system prompt and the tools), so the join and
     * every later task read it from Bedrock's prompt cache. Cost: cache writes are billed at 1.25 times the
     * input price (reads at 0.1), and a prefix under 1,024 tokens is not cached at all.
     */
    QUARRY_GRAPH_STREAMING_CACHED(
            "h",
            "Quarry GraphPlanner + streaming, shared prefix cached",
            ScenarioOracle.Protocol.ALL_READY_CALLS_PER_TURN) {
        @Override
        Answer answer(Models models, ScenarioTools tools, String question, String systemPrompt) {
            return Answer.of(
                    cachedGraphBuilder(models, tools, systemPrompt).build().run(question));
        }
    },
    /**
     * (i) (e) with speculative look-ups ({@code Agent.Builder.speculate}): the task's first-hop searches, as
     * predicted by a simulated predictor right on {@value #PREDICTOR_ACCURACY} of them ({@link LookUpPredictor}),
     * start with the run, while the model writes the plan; the plan's identical calls are served from them.
     * Cost: every wrong prediction is a search run for nothing (counted, never shown to the model). The
     * predictor's accuracy is an assumption fixed before the run; a real application's is its own.
     */
    QUARRY_GRAPH_STREAMING_SPECULATIVE(
            "i",
            "Quarry GraphPlanner + streaming + speculative look-ups (simulated predictor, 70% right)",
            ScenarioOracle.Protocol.ALL_READY_CALLS_PER_TURN) {
        @Override
        Answer answer(Models models, ScenarioTools tools, String question, String systemPrompt) {
            Agent agent = quarryBuilder(models, tools, Planner.graph(), true, false, systemPrompt)
                    .speculate(speculation(tools))
                    .build();
            return Answer.of(agent.run(question));
        }

        @Override
        boolean unasked(Scenario.Task task, String argument) {
            return LookUpPredictor.isWrong(argument);
        }
    },
    /**
     * (j) Every latency mechanism of (g), (h) and (i) at once, with all their costs: the plan on the fast
     * model, the shared prefix cached (on each model: the simulator caches the fast model's prefixes only
     * from 4,096 tokens, as Bedrock does for Haiku 4.5), and the same simulated predictor's speculative
     * look-ups.
     */
    QUARRY_ALL_MECHANISMS(
            "j",
            "Quarry GraphPlanner + streaming, fast planner + cached prefix + speculation (70%)",
            ScenarioOracle.Protocol.ALL_READY_CALLS_PER_TURN) {
        @Override
        Answer answer(Models models, ScenarioTools tools, String question, String systemPrompt) {
            Agent agent = cachedGraphBuilder(models, tools, systemPrompt)
                    .modelInterceptor(ModelRouting.plansTo(FAST_PLANNER_MODEL_ID))
                    .speculate(speculation(tools))
                    .build();
            return Answer.of(agent.run(question));
        }

        @Override
        boolean unasked(Scenario.Task task, String argument) {
            return LookUpPredictor.isWrong(argument);
        }
    },
    /**
     * (k) The one-turn route ({@code Agent.Builder.lookAhead}): the task's first-hop searches, as predicted by
     * the simulated predictor right on all of them, run first, and the first model call (ToolUsePlanner,
     * streaming) sees their results; it answers, or calls what is still missing. Cost: the results in the
     * prompt are input tokens of every call, and a wrong prediction is a search run for nothing.
     */
    QUARRY_LOOKAHEAD_100(
            "k",
            "Quarry ToolUsePlanner + streaming + look-ahead (simulated predictor, 100% right)",
            ScenarioOracle.Protocol.ALL_READY_CALLS_PER_TURN,
            1.0) {
        @Override
        Answer answer(Models models, ScenarioTools tools, String question, String systemPrompt) {
            return lookAhead(models, tools, question, systemPrompt, predictorAccuracy());
        }
    },
    /** (k70) (k) with the predictor right on 70% of the first-hop searches. */
    QUARRY_LOOKAHEAD_70(
            "k70",
            "Quarry ToolUsePlanner + streaming + look-ahead (simulated predictor, 70% right)",
            ScenarioOracle.Protocol.ALL_READY_CALLS_PER_TURN,
            0.7) {
        @Override
        Answer answer(Models models, ScenarioTools tools, String question, String systemPrompt) {
            return lookAhead(models, tools, question, systemPrompt, predictorAccuracy());
        }
    },
    /** (k40) (k) with the predictor right on 40% of the first-hop searches. */
    QUARRY_LOOKAHEAD_40(
            "k40",
            "Quarry ToolUsePlanner + streaming + look-ahead (simulated predictor, 40% right)",
            ScenarioOracle.Protocol.ALL_READY_CALLS_PER_TURN,
            0.4) {
        @Override
        Answer answer(Models models, ScenarioTools tools, String question, String systemPrompt) {
            return lookAhead(models, tools, question, systemPrompt, predictorAccuracy());
        }
    };

    /** The one-turn route of (k), (k70) and (k40) with a predictor right this often. */
    private static Answer lookAhead(
            Models models, ScenarioTools tools, String question, String systemPrompt, double accuracy) {
        LookUpPredictor predictor = new LookUpPredictor(accuracy);
        Agent agent = quarryBuilder(models, tools, Planner.toolUse(), true, false, systemPrompt)
                .lookAhead(
                        LookAhead.withArgument(ScenarioTools.SEARCH, "query", task -> predictor.predict(tools.task())))
                .build();
        return Answer.of(agent.run(question));
    }

    /** The accuracy of the look-ahead's predictor, for the contenders that show the model predictions; else 0. */
    double predictorAccuracy() {
        return lookAheadAccuracy;
    }

    /**
     * The task's calls whose results this contender showed the model before it asked (a look-ahead's right
     * predictions): the model never writes them, so the call contract does not charge their tokens.
     */
    Set<String> shownPredictions(Scenario.Task task) {
        if (predictorAccuracy() == 0) {
            return Set.of();
        }
        List<String> right = new LookUpPredictor(predictorAccuracy())
                .predict(task).stream()
                        .filter(query -> !LookUpPredictor.isWrong(query))
                        .toList();
        Set<String> ids = new HashSet<>();
        for (Scenario.Call call : task.calls()) {
            if (call.tool().equals(ScenarioTools.SEARCH)
                    && call.references().isEmpty()
                    && right.contains(call.argument())) {
                ids.add(call.id());
            }
        }
        return ids;
    }

    /** (e) on the models that cache the shared prefix: the base of (h) and (j). */
    private static Agent.Builder cachedGraphBuilder(Models models, ScenarioTools tools, String systemPrompt) {
        return Agent.builder()
                .model(models.chatCachingSharedPrefix())
                .streamingModel(models.streamingCachingSharedPrefix())
                .planner(Planner.graph())
                .systemPrompt(systemPrompt)
                .toolsFrom(tools);
    }

    /** The speculative look-ups of (i) and (j): the simulated predictor's guesses for the task. */
    private static Speculation speculation(ScenarioTools tools) {
        LookUpPredictor predictor = new LookUpPredictor(PREDICTOR_ACCURACY);
        return Speculation.withArgument(ScenarioTools.SEARCH, "query", task -> predictor.predict(tools.task()));
    }

    /** How often the predictor of (i) is right, fixed before any run. */
    static final double PREDICTOR_ACCURACY = 0.7;

    /** The model id plans of (g) are sent to; the simulator serves it with the planner profile. */
    static final String FAST_PLANNER_MODEL_ID = "us.anthropic.claude-haiku-4-5-20251001-v1:0";

    private final String letter;
    private final String label;
    private final ScenarioOracle.Protocol protocol;
    private final double lookAheadAccuracy;

    Contender(String letter, String label, ScenarioOracle.Protocol protocol) {
        this(letter, label, protocol, 0);
    }

    /** A contender whose look-ahead's simulated predictor is right this often. */
    Contender(String letter, String label, ScenarioOracle.Protocol protocol, double lookAheadAccuracy) {
        this.letter = letter;
        this.label = label;
        this.protocol = protocol;
        this.lookAheadAccuracy = lookAheadAccuracy;
    }

    /** The letter the issues and the report use: a, a2, b, b2, b-stream, c, c2, d to j, k, k70, k40. */
    public String letter() {
        return letter;
    }

    /** A short description for tables and charts. */
    public String label() {
        return label;
    }

    /** How the simulated model batches tool calls for this contender. */
    public ScenarioOracle.Protocol protocol() {
        return protocol;
    }

    /** Whether this is one of Quarry's set-ups. */
    public boolean isQuarry() {
        return name().startsWith("QUARRY");
    }

    /**
     * Whether a tool call with this argument is one the contender makes on its own, which the task does not
     * ask for (a prefetch, a wrong speculative guess): the call contract leaves it out.
     */
    boolean unasked(Scenario.Task task, String argument) {
        return predictorAccuracy() > 0 && LookUpPredictor.isWrong(argument);
    }

    /** Answers one task; the tools are fresh for the task. */
    abstract Answer answer(Models models, ScenarioTools tools, String question, String systemPrompt);

    /**
     * A contender's answer, and when its first token reached the caller.
     *
     * @param text the answer
     * @param firstTokenNanos {@link System#nanoTime()} of the answer's first token, or -1 when the answer
     *     was not streamed (it arrived whole, when the call returned)
     */
    record Answer(String text, long firstTokenNanos) {

        static Answer unstreamed(String text) {
            return new Answer(text, -1);
        }

        /** From a Quarry run: its trace says when the first token came, relative to the run's start. */
        static Answer of(dev.quarry.agent.AgentResult result) {
            long end = System.nanoTime();
            long origin = end - result.trace().wallTime().toNanos();
            return new Answer(
                    result.answer(),
                    result.trace()
                            .firstAnswerToken()
                            .map(d -> origin + d.toNanos())
                            .orElse(end));
        }
    }

    /**
     * The clients of one simulated Bedrock endpoint: plain, with langchain4j's cache point after the system
     * prompt (b2), and with Quarry's cache point after the shared prefix (h).
     */
    record Models(
            ChatModel chat,
            StreamingChatModel streaming,
            ChatModel chatCachingSystem,
            ChatModel chatCachingSharedPrefix,
            StreamingChatModel streamingCachingSharedPrefix) {}

    /** The {@code AiServices} interface of contenders (a) and (b). */
    interface Assistant {
        String answer(String question);
    }

    /** The streaming {@code AiServices} interface of contender (b-stream). */
    interface StreamingAssistant {
        TokenStream answer(String question);
    }

    /** {@code AiServices} with its defaults, and with {@code executeToolsConcurrently()} when asked. */
    private static Answer aiServices(
            ChatModel model, ScenarioTools tools, boolean concurrently, String question, String systemPrompt) {
        var builder = AiServices.builder(Assistant.class).chatModel(model).tools(tools);
        if (!systemPrompt.isBlank()) {
            builder.systemMessageProvider(memoryId -> systemPrompt);
        }
        if (concurrently) {
            builder.executeToolsConcurrently();
        }
        return Answer.unstreamed(builder.build().answer(question));
    }

    private static Agent quarry(
            Models models,
            ScenarioTools tools,
            Planner planner,
            boolean streaming,
            boolean prefetch,
            String systemPrompt) {
        return quarryBuilder(models, tools, planner, streaming, prefetch, systemPrompt)
                .build();
    }

    private static Agent.Builder quarryBuilder(
            Models models,
            ScenarioTools tools,
            Planner planner,
            boolean streaming,
            boolean prefetch,
            String systemPrompt) {
        Agent.Builder agent = Agent.builder()
                .model(models.chat())
                .planner(planner)
                .systemPrompt(systemPrompt)
                .toolsFrom(tools);
        if (prefetch) {
            agent.prefetch(Prefetch.withArgument("search", "query"));
        }
        if (streaming) {
            agent.streamingModel(models.streaming());
        }
        return agent;
    }
}
