package dev.quarry.spring;

import dev.langchain4j.model.bedrock.BedrockCachePointPlacement;
import dev.langchain4j.model.bedrock.BedrockServiceTier;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.quarry.agent.Agent;
import dev.quarry.agent.AgentListener;
import dev.quarry.agent.AgentPlugin;
import dev.quarry.agent.Limits;
import dev.quarry.agent.bedrock.ClaudeOnBedrock;
import dev.quarry.agent.durable.FileJournal;
import dev.quarry.agent.durable.JdbcJournal;
import dev.quarry.agent.durable.RunJournal;
import dev.quarry.agent.error.ConfigurationException;
import dev.quarry.agent.guard.Guardrail;
import dev.quarry.agent.memory.ConversationStore;
import dev.quarry.agent.model.ModelInterceptor;
import dev.quarry.agent.otel.QuarryTelemetry;
import dev.quarry.agent.plan.Planner;
import dev.quarry.agent.schedule.ApprovalHandler;
import dev.quarry.agent.schedule.StepInterceptor;
import dev.quarry.agent.tool.Tool;
import dev.quarry.index.LuceneIndex;
import dev.quarry.mcp.McpTools;
import dev.quarry.tools.ReadTools;
import dev.quarry.tools.SearchTool;
import io.opentelemetry.api.OpenTelemetry;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Quarry from application properties: a {@link LuceneIndex} ({@code quarry.index.path}), Claude on Bedrock
 * ({@code quarry.bedrock.*}, unless the application has a {@link ChatModel}) and an {@link Agent}
 * ({@code quarry.agent.*}) with the index's search and read tools, every bean with {@code @Tool} methods,
 * {@link Tool} beans and the tools of the MCP servers in {@code quarry.mcp.*}. The agent also takes the
 * context's {@link ApprovalHandler}, {@link RunJournal}, {@link AgentListener}s, interceptors and
 * {@link AgentPlugin}s. Every bean backs off when the application defines its own. With agent-otel and an
 * {@link OpenTelemetry} bean, runs are traced; {@link QuarryHealthAutoConfiguration} reports the index's health.
 */
@AutoConfiguration
@EnableConfigurationProperties(QuarryProperties.class)
public class QuarryAutoConfiguration {

    /** The run journal of {@code quarry.journal.type}, when the application has none. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnExpression("'${quarry.journal.type:none}' != 'none'")
    static class JournalConfiguration {

        @Bean
        @ConditionalOnMissingBean(RunJournal.class)
        RunJournal quarryJournal(QuarryProperties properties, ObjectProvider<DataSource> dataSource) {
            QuarryProperties.Journal settings = properties.journal();
            if (settings.type().equals("file")) {
                return FileJournal.in(settings.path());
            }
            DataSource source = dataSource.getIfAvailable();
            if (source == null) {
                throw new ConfigurationException("quarry.journal.type=jdbc needs a DataSource bean (add"
                        + " spring-boot-starter-jdbc and spring.datasource.url, or define one)");
            }
            return JdbcJournal.builder(source)
                    .table(settings.table())
                    .migrate(settings.migrate())
                    .leaseTime(settings.leaseTime())
                    .build();
        }
    }

    /** The index at {@code quarry.index.path} (first, so the health indicator's condition sees it). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(prefix = "quarry.index", name = "path")
    static class IndexConfiguration {

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        LuceneIndex quarryIndex(QuarryProperties properties) {
            QuarryProperties.Index settings = properties.index();
            LuceneIndex.Builder index = LuceneIndex.builder().path(settings.path());
            if (settings.embeddings()) {
                index.defaultEmbeddingModel();
            }
            if (settings.readOnly()) {
                index.readOnly();
            }
            if (settings.fusionConfig() != null) {
                index.fusionConfig(settings.fusionConfig());
            }
            return index.open();
        }
    }

    /** The agent. */
    @Bean
    @ConditionalOnMissingBean
    public Agent quarryAgent(
            QuarryProperties properties,
            ObjectProvider<ChatModel> chatModel,
            ObjectProvider<StreamingChatModel> streamingModel,
            ObjectProvider<ClaudeOnBedrock> claude,
            ObjectProvider<LuceneIndex> index,
            ObjectProvider<Tool> tools,
            ObjectProvider<McpConnections> mcp,
            ObjectProvider<ApprovalHandler> approvals,
            ObjectProvider<RunJournal> journal,
            ObjectProvider<AgentListener> listeners,
            ObjectProvider<ModelInterceptor> modelInterceptors,
            ObjectProvider<StepInterceptor> stepInterceptors,
            ObjectProvider<AgentPlugin> plugins,
            ObjectProvider<Guardrail> guardrails,
            ObjectProvider<ConversationStore> conversations,
            ObjectProvider<DataSource> dataSource,
            ListableBeanFactory beans) {
        QuarryProperties.Agent settings = properties.agent();
        Agent.Builder agent = Agent.builder()
                .planner(settings.planner().equals("graph") ? Planner.graph() : Planner.toolUse())
                .systemPrompt(settings.systemPrompt())
                .limits(new Limits(
                        settings.maxSteps(), settings.maxModelCalls(), settings.tokenBudget(), settings.deadline()))
                .maxConcurrency(settings.maxConcurrency());
        ChatModel model = chatModel.getIfAvailable();
        ClaudeOnBedrock bedrock = claude.getIfAvailable();
        if (model != null) {
            agent.model(model);
            streamingModel.ifAvailable(agent::streamingModel);
        } else if (bedrock != null) {
            agent.model(bedrock.chatModel()).streamingModel(bedrock.streamingChatModel());
        } else {
            throw new ConfigurationException("Quarry's agent has no model: define a ChatModel bean, or leave"
                    + " quarry.bedrock.enabled true with agent-bedrock on the classpath");
        }
        if (settings.indexTools()) {
            index.ifAvailable(lucene -> agent.tool(new SearchTool(lucene)).tools(ReadTools.over(lucene)));
        }
        tools.orderedStream().forEach(agent::tool);
        mcp.ifAvailable(connections -> agent.tools(connections.tools()));
        if (settings.toolBeans()) {
            ToolBeans.in(beans, settings.excludedBeans()).forEach(agent::toolsFrom);
        }
        approvals.ifAvailable(agent::approvalHandler);
        journal.ifAvailable(agent::journal);
        listeners.orderedStream().forEach(agent::listener);
        modelInterceptors.orderedStream().forEach(agent::modelInterceptor);
        stepInterceptors.orderedStream().forEach(agent::stepInterceptor);
        plugins.orderedStream().forEach(agent::plugin);
        AgentFeatures.configure(agent, properties, guardrails, conversations, dataSource);
        return agent.build();
    }

    /** Claude on Amazon Bedrock, when the application has no chat model of its own. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(ClaudeOnBedrock.class)
    @ConditionalOnProperty(prefix = "quarry.bedrock", name = "enabled", havingValue = "true", matchIfMissing = true)
    static class BedrockConfiguration {

        /** The {@code quarry.bedrock.prompt-caching} value for {@code ClaudeOnBedrock.cacheSharedPrefix()}. */
        static final String SHARED_PREFIX = "shared-prefix";

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean({ClaudeOnBedrock.class, ChatModel.class, Agent.class})
        ClaudeOnBedrock quarryClaude(QuarryProperties properties) {
            QuarryProperties.Bedrock settings = properties.bedrock();
            ClaudeOnBedrock.Builder claude = ClaudeOnBedrock.builder();
            Optional.ofNullable(settings.modelId()).ifPresent(claude::modelId);
            Optional.ofNullable(settings.region()).ifPresent(claude::region);
            Optional.ofNullable(settings.timeout()).ifPresent(claude::timeout);
            Optional.ofNullable(settings.maxConnections()).ifPresent(claude::maxConnections);
            Optional.ofNullable(settings.maxTokens()).ifPresent(claude::maxTokens);
            if (settings.serviceTier() != null) {
                claude.serviceTier(
                        enumValue(BedrockServiceTier.class, "quarry.bedrock.service-tier", settings.serviceTier()));
            }
            String caching = settings.promptCaching();
            if (caching != null && caching.strip().equalsIgnoreCase(SHARED_PREFIX)) {
                claude.cacheSharedPrefix();
            } else if (caching != null) {
                try {
                    claude.promptCaching(
                            enumValue(BedrockCachePointPlacement.class, "quarry.bedrock.prompt-caching", caching));
                } catch (ConfigurationException e) {
                    throw new ConfigurationException(e.getMessage() + " (or " + SHARED_PREFIX + ")");
                }
            }
            return claude.build();
        }

        private static <E extends Enum<E>> E enumValue(Class<E> type, String property, String value) {
            try {
                return Enum.valueOf(type, value.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(property + " must be one of "
                        + java.util.Arrays.toString(type.getEnumConstants()) + ", was '" + value + "'");
            }
        }
    }

    /** The MCP servers of {@code quarry.mcp.*}, when agent-mcp is on the classpath. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(McpTools.class)
    static class McpConfiguration {

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        McpConnections quarryMcpConnections(QuarryProperties properties) {
            return McpConnections.connect(properties.mcp());
        }
    }

    /** Runs traced with OpenTelemetry, when agent-otel is on the classpath and the context has an OpenTelemetry. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({QuarryTelemetry.class, OpenTelemetry.class})
    static class TelemetryConfiguration {

        @Bean
        @ConditionalOnBean(OpenTelemetry.class)
        @ConditionalOnMissingBean(QuarryTelemetry.class)
        QuarryTelemetry quarryTelemetry(OpenTelemetry openTelemetry) {
            return QuarryTelemetry.builder(openTelemetry).build();
        }
    }
}
