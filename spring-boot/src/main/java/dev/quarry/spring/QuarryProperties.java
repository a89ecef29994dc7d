package dev.quarry.spring;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Quarry's application properties ({@code quarry.*}). A value out of range fails the application's
 * start with a message naming the property.
 *
 * @param index the Lucene index ({@code quarry.index.*}); no index bean without {@code quarry.index.path}
 * @param bedrock Claude on Amazon Bedrock ({@code quarry.bedrock.*})
 * @param agent the agent ({@code quarry.agent.*})
 * @param mcp MCP servers whose tools the agent gets, by name ({@code quarry.mcp.<name>.*})
 * @param guardrails the built-in guardrails ({@code quarry.guardrails.*})
 * @param memory conversation memory ({@code quarry.memory.*})
 * @param toolSearch tool search for large catalogs ({@code quarry.tool-search.*})
 * @param journal the run journal ({@code quarry.journal.*}): durable runs and approvals across instances
 */
@ConfigurationProperties("quarry")
public record QuarryProperties(
        @DefaultValue Index index,
        @DefaultValue Bedrock bedrock,
        @DefaultValue Agent agent,
        Map<String, McpServer> mcp,
        @DefaultValue Guardrails guardrails,
        @DefaultValue Memory memory,
        @DefaultValue ToolSearch toolSearch,
        @DefaultValue Journal journal) {

    /** Fills in the empty map. */
    public QuarryProperties {
        mcp = mcp == null ? Map.of() : Map.copyOf(mcp);
    }

    /**
     * The index.
     *
     * @param path the index folder (created when missing); without it no index bean is made
     * @param embeddings whether chunks get dense vectors from the in-process BGE small model (hybrid
     *     search); false keeps BM25 only and starts faster
     * @param readOnly open without the write lock (another process writes it)
     * @param fusionConfig a hybrid fusion tuned for this index by {@code quarry eval --tune}
     */
    public record Index(
            Path path,
            @DefaultValue("true") boolean embeddings,
            @DefaultValue("false") boolean readOnly,
            Path fusionConfig) {}

    /**
     * Claude on Amazon Bedrock; credentials come from the AWS default chain.
     *
     * @param enabled whether to make a Claude model when the application defines no chat model
     * @param modelId the Bedrock model or inference profile id; default Quarry's Claude default
     * @param region the AWS region; default us-east-1
     * @param serviceTier PRIORITY, DEFAULT, FLEX or RESERVED
     * @param promptCaching where prompt cache points go: {@code shared-prefix} (after the part every call of the
     *     agent shares, {@code ClaudeOnBedrock.cacheSharedPrefix()}) or one of langchain4j's
     *     {@code BedrockCachePointPlacement} values ({@code after-system}, {@code after-tools}, ...)
     * @param timeout per call; default 2 minutes
     * @param maxConnections HTTP connections to Bedrock; default 50
     * @param maxTokens most output tokens per call; default 4096
     */
    public record Bedrock(
            @DefaultValue("true") boolean enabled,
            String modelId,
            String region,
            String serviceTier,
            String promptCaching,
            Duration timeout,
            Integer maxConnections,
            Integer maxTokens) {}

    /**
     * The agent.
     *
     * @param planner tool-use (parallel tool calls per turn) or graph (a dependency graph planned up front)
     * @param systemPrompt instructions for every run
     * @param maxSteps most steps per run
     * @param maxModelCalls most model calls per run
     * @param tokenBudget most tokens per run
     * @param deadline most wall time per run
     * @param maxConcurrency most steps running at once
     * @param indexTools whether the agent gets search, read_document and read_chunk over the index bean
     * @param toolBeans whether beans with langchain4j {@code @Tool} methods become the agent's tools
     * @param excludedBeans names of beans with {@code @Tool} methods that are not the agent's tools
     */
    public record Agent(
            @DefaultValue("tool-use") String planner,
            @DefaultValue("") String systemPrompt,
            @DefaultValue("64") int maxSteps,
            @DefaultValue("16") int maxModelCalls,
            @DefaultValue("1000000") long tokenBudget,
            @DefaultValue("5m") Duration deadline,
            @DefaultValue("256") int maxConcurrency,
            @DefaultValue("true") boolean indexTools,
            @DefaultValue("true") boolean toolBeans,
            @DefaultValue List<String> excludedBeans) {

        /** Checks every value, naming the property that is wrong. */
        public Agent {
            if (!planner.equals("tool-use") && !planner.equals("graph")) {
                throw new IllegalArgumentException(
                        "quarry.agent.planner must be tool-use or graph, was '" + planner + "'");
            }
            positive("quarry.agent.max-steps", maxSteps);
            positive("quarry.agent.max-model-calls", maxModelCalls);
            positive("quarry.agent.token-budget", tokenBudget);
            positive("quarry.agent.max-concurrency", maxConcurrency);
            if (deadline.isNegative() || deadline.isZero()) {
                throw new IllegalArgumentException("quarry.agent.deadline must be positive, was " + deadline);
            }
            excludedBeans = excludedBeans == null ? List.of() : List.copyOf(excludedBeans);
        }

        private static void positive(String property, long value) {
            if (value < 1) {
                throw new IllegalArgumentException(property + " must be at least 1, was " + value);
            }
        }
    }

    /**
     * One MCP server: a command started over stdio, or a streamable HTTP url.
     *
     * @param command the command that starts the server (stdio)
     * @param args its arguments
     * @param url the server's streamable HTTP endpoint, for example http://localhost:8080/mcp
     * @param prefix put before its tool names
     * @param timeout per call; default 60 s
     */
    public record McpServer(
            String command,
            @DefaultValue List<String> args,
            URI url,
            @DefaultValue("") String prefix,
            Duration timeout) {}

    /**
     * The built-in guardrails; {@code Guardrail} beans are added after them.
     *
     * @param redactSecrets whether keys, tokens, e-mail addresses and card numbers are redacted from tool
     *     results and answers ({@code SecretRedactor})
     * @param citationCheck {@code off}, {@code correct} (an answer citing a passage the run did not retrieve
     *     goes back to the model) or {@code block} (the run ends)
     * @param maxCorrections corrections guardrails may ask for in one run
     */
    public record Guardrails(
            @DefaultValue("false") boolean redactSecrets,
            @DefaultValue("off") String citationCheck,
            @DefaultValue("2") int maxCorrections) {

        /** Checks every value, naming the property that is wrong. */
        public Guardrails {
            if (!List.of("off", "correct", "block").contains(citationCheck)) {
                throw new IllegalArgumentException(
                        "quarry.guardrails.citation-check must be off, correct or block, was '" + citationCheck + "'");
            }
            if (maxCorrections < 0) {
                throw new IllegalArgumentException(
                        "quarry.guardrails.max-corrections must be >= 0, was " + maxCorrections);
            }
        }
    }

    /**
     * Conversation memory: where {@code agent.session(id)} keeps conversations and how much of one the model
     * sees. A {@code ConversationStore} bean of the application's wins over {@code store}.
     *
     * @param store {@code memory} (this JVM), {@code file} (a folder, {@code path}) or {@code jdbc} (the
     *     application's {@code DataSource}, table {@code quarry_conversations})
     * @param path the folder of the file store
     * @param maxHistoryTokens the token budget of the history the model sees; none when unset
     * @param keepLastTurns the last turns kept verbatim when the history is compacted
     * @param summarise whether old turns are summarised when clearing old tool results is not enough
     */
    public record Memory(
            @DefaultValue("memory") String store,
            Path path,
            Integer maxHistoryTokens,
            @DefaultValue("2") int keepLastTurns,
            @DefaultValue("true") boolean summarise) {

        /** Checks every value, naming the property that is wrong. */
        public Memory {
            if (!List.of("memory", "file", "jdbc").contains(store)) {
                throw new IllegalArgumentException(
                        "quarry.memory.store must be memory, file or jdbc, was '" + store + "'");
            }
            if (store.equals("file") && path == null) {
                throw new IllegalArgumentException("quarry.memory.store=file needs quarry.memory.path (a folder)");
            }
            if (maxHistoryTokens != null && maxHistoryTokens < 100) {
                throw new IllegalArgumentException(
                        "quarry.memory.max-history-tokens must be >= 100, was " + maxHistoryTokens);
            }
            if (keepLastTurns < 1) {
                throw new IllegalArgumentException("quarry.memory.keep-last-turns must be >= 1, was " + keepLastTurns);
            }
        }
    }

    /**
     * Tool search: with more tools than {@code threshold}, the model sees {@code search_tools} and the
     * always-on tools, and finds the rest.
     *
     * @param enabled whether the agent gets tool search
     * @param threshold tools a run may use before search takes over
     * @param alwaysOn tools always shown
     * @param maxResults tools one search adds
     */
    public record ToolSearch(
            @DefaultValue("false") boolean enabled,
            @DefaultValue("30") int threshold,
            @DefaultValue List<String> alwaysOn,
            @DefaultValue("5") int maxResults) {

        /** Checks every value, naming the property that is wrong. */
        public ToolSearch {
            if (threshold < 1) {
                throw new IllegalArgumentException("quarry.tool-search.threshold must be >= 1, was " + threshold);
            }
            if (maxResults < 1 || maxResults > 20) {
                throw new IllegalArgumentException("quarry.tool-search.max-results must be 1-20, was " + maxResults);
            }
            alwaysOn = alwaysOn == null ? List.of() : List.copyOf(alwaysOn);
        }
    }

    /**
     * The run journal the agent writes, when the application defines no {@code RunJournal} bean.
     *
     * @param type {@code none} (no journal), {@code file} (a folder, {@code path}: one machine) or {@code jdbc}
     *     (the application's {@code DataSource}: every instance of the application shares it)
     * @param path the folder of the file journal
     * @param table the JDBC journal's table; its leases go in {@code <table>_leases}
     * @param migrate whether the JDBC tables are created and upgraded at start-up (false: only checked, for
     *     teams that manage their schema)
     * @param leaseTime how soon another instance may take over a run whose instance stopped heartbeating
     */
    public record Journal(
            @DefaultValue("none") String type,
            Path path,
            @DefaultValue("quarry_run_journal") String table,
            @DefaultValue("true") boolean migrate,
            @DefaultValue("30s") Duration leaseTime) {

        /** Checks every value, naming the property that is wrong. */
        public Journal {
            if (!List.of("none", "file", "jdbc").contains(type)) {
                throw new IllegalArgumentException(
                        "quarry.journal.type must be none, file or jdbc, was '" + type + "'");
            }
            if (type.equals("file") && path == null) {
                throw new IllegalArgumentException("quarry.journal.type=file needs quarry.journal.path (a folder)");
            }
            if (leaseTime.compareTo(Duration.ofMillis(300)) < 0) {
                throw new IllegalArgumentException(
                        "quarry.journal.lease-time must be at least 300ms, was " + leaseTime);
            }
        }
    }
}
