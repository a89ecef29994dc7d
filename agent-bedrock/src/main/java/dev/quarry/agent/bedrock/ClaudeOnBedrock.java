package dev.quarry.agent.bedrock;

import dev.langchain4j.model.bedrock.BedrockCachePointPlacement;
import dev.langchain4j.model.bedrock.BedrockChatModel;
import dev.langchain4j.model.bedrock.BedrockChatRequestParameters;
import dev.langchain4j.model.bedrock.BedrockGuardrailConfiguration;
import dev.langchain4j.model.bedrock.BedrockServiceTier;
import dev.langchain4j.model.bedrock.BedrockStreamingChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.quarry.agent.error.ConfigurationException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * Claude on Amazon Bedrock, as the langchain4j {@link ChatModel} and {@link StreamingChatModel} an
 * {@code Agent} uses. Everything is passed to langchain4j-bedrock and the AWS SDK (Converse and
 * ConverseStream APIs); Quarry only chooses their settings:
 *
 * <ul>
 *   <li><b>One retry layer.</b> The SDK client is built with {@link AwsRetryStrategy#doNotRetry()} and
 *       langchain4j with {@code maxRetries(0)}, so each model call sends exactly one request per attempt and
 *       the agent's {@code modelRetry} policy alone decides attempts, backoff and the deadline.
 *   <li>Credentials from the AWS default chain unless given; the region is checked against the SDK's list.
 *   <li>Failures are translated into messages that say what to fix (credentials, region, IAM, model access).
 * </ul>
 */
public final class ClaudeOnBedrock implements AutoCloseable {

    /** Claude Sonnet 4.5 through the US cross-region inference profile. */
    public static final String DEFAULT_MODEL_ID = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";

    private final String modelId;
    private final Region region;
    private final AwsCredentialsProvider credentials;
    private final URI endpointOverride;
    private final Duration timeout;
    private final int maxConnections;
    private final BedrockChatRequestParameters parameters;
    private final boolean cacheSharedPrefix;
    private final List<SdkAutoCloseable> clients = new CopyOnWriteArrayList<>();

    private ClaudeOnBedrock(Builder builder) {
        this.modelId = builder.modelId;
        this.region = builder.region;
        this.credentials = builder.credentials != null
                ? builder.credentials
                : DefaultCredentialsProvider.builder().build();
        this.endpointOverride = builder.endpointOverride;
        this.timeout = builder.timeout;
        this.maxConnections = builder.maxConnections;
        this.cacheSharedPrefix = builder.cacheSharedPrefix;
        BedrockChatRequestParameters.Builder parameters =
                BedrockChatRequestParameters.builder().maxOutputTokens(builder.maxTokens);
        if (builder.temperature != null) {
            parameters.temperature(builder.temperature);
        }
        if (builder.promptCaching != null) {
            parameters.promptCaching(builder.promptCaching);
        }
        if (builder.serviceTier != null) {
            parameters.serviceTier(builder.serviceTier);
        }
        if (builder.guardrail != null) {
            parameters.guardrailConfiguration(builder.guardrail);
        }
        this.parameters = parameters.build();
    }

    /** A builder; defaults: {@link #DEFAULT_MODEL_ID} in us-east-1, credentials from the AWS default chain. */
    public static Builder builder() {
        return new Builder();
    }

    /** The model id or inference profile id calls go to. */
    public String modelId() {
        return modelId;
    }

    /** Whether the models put a prompt-cache point after the shared prefix ({@link Builder#cacheSharedPrefix}). */
    public boolean cachesSharedPrefix() {
        return cacheSharedPrefix;
    }

    /** A blocking model over the Converse API. */
    public ChatModel chatModel() {
        var client = BedrockRuntimeClient.builder()
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(maxConnections))
                .region(region)
                .credentialsProvider(credentials)
                .overrideConfiguration(clientConfiguration());
        if (endpointOverride != null) {
            client.endpointOverride(endpointOverride);
        }
        BedrockRuntimeClient built = client.build();
        clients.add(built);
        ChatModel model = BedrockChatModel.builder()
                .client(built)
                .modelId(modelId)
                .maxRetries(0)
                .timeout(timeout)
                .defaultRequestParameters(parameters)
                .build();
        if (cacheSharedPrefix) {
            model = new SharedPrefixCaching.Blocking(model);
        }
        return new ExplainedErrors.Blocking(model, modelId, region.id());
    }

    /** A streaming model over the ConverseStream API: tool calls reach the agent as each completes. */
    public StreamingChatModel streamingChatModel() {
        var client = BedrockRuntimeAsyncClient.builder()
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().maxConcurrency(maxConnections))
                .region(region)
                .credentialsProvider(credentials)
                .overrideConfiguration(clientConfiguration());
        if (endpointOverride != null) {
            client.endpointOverride(endpointOverride);
        }
        BedrockRuntimeAsyncClient built = client.build();
        clients.add(built);
        StreamingChatModel model = BedrockStreamingChatModel.builder()
                .client(built)
                .modelId(modelId)
                .timeout(timeout)
                .defaultRequestParameters(parameters)
                .build();
        if (cacheSharedPrefix) {
            model = new SharedPrefixCaching.Streaming(model);
        }
        return new ExplainedErrors.Streaming(model, modelId, region.id());
    }

    /**
     * Closes the SDK clients of every model this factory made (their connection pools and threads); the
     * models fail afterwards. Close it when the application stops using Bedrock.
     */
    @Override
    public void close() {
        clients.forEach(SdkAutoCloseable::close);
        clients.clear();
    }

    private ClientOverrideConfiguration clientConfiguration() {
        return ClientOverrideConfiguration.builder()
                .retryStrategy(AwsRetryStrategy.doNotRetry())
                .apiCallTimeout(timeout)
                .build();
    }

    /** Configures {@link ClaudeOnBedrock}. */
    public static final class Builder {
        private String modelId = DEFAULT_MODEL_ID;
        private Region region = Region.US_EAST_1;
        private AwsCredentialsProvider credentials;
        private URI endpointOverride;
        private Duration timeout = Duration.ofMinutes(2);
        private int maxConnections = 50;
        private int maxTokens = 4096;
        private Double temperature;
        private BedrockCachePointPlacement promptCaching;
        private boolean cacheSharedPrefix;
        private BedrockServiceTier serviceTier;
        private BedrockGuardrailConfiguration guardrail;

        private Builder() {}

        /** A model id ({@code anthropic.claude-...}) or cross-region inference profile id ({@code us.anthropic...}). */
        public Builder modelId(String modelId) {
            Objects.requireNonNull(modelId, "modelId");
            if (modelId.isBlank()) {
                throw new ConfigurationException("modelId must not be blank; for example " + DEFAULT_MODEL_ID);
            }
            this.modelId = modelId;
            return this;
        }

        /** An AWS region id such as {@code us-east-1}; unknown ids are refused. */
        public Builder region(String regionId) {
            Region candidate = Region.of(Objects.requireNonNull(regionId, "region"));
            if (!Region.regions().contains(candidate)) {
                throw new ConfigurationException("unknown AWS region '" + regionId
                        + "'; use a region id such as us-east-1, us-west-2 or eu-central-1");
            }
            this.region = candidate;
            return this;
        }

        /** Credentials to sign with; by default the AWS default chain (environment, profile, SSO, role). */
        public Builder credentials(AwsCredentialsProvider credentials) {
            this.credentials = Objects.requireNonNull(credentials, "credentials");
            return this;
        }

        /** Send requests here instead of the regional endpoint (a VPC endpoint, or a local simulator). */
        public Builder endpointOverride(URI endpoint) {
            this.endpointOverride = Objects.requireNonNull(endpoint, "endpoint");
            return this;
        }

        /** Longest time one request may take; default 2 minutes. */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Most open connections per client (blocking and streaming each), the AWS SDK's default 50. Raise it when
         * more model calls than that run at once in one JVM, or calls wait for a free connection.
         */
        public Builder maxConnections(int maxConnections) {
            if (maxConnections < 1) {
                throw new ConfigurationException("maxConnections must be at least 1, was " + maxConnections);
            }
            this.maxConnections = maxConnections;
            return this;
        }

        /** Most output tokens per call; default 4096. */
        public Builder maxTokens(int maxTokens) {
            if (maxTokens < 1) {
                throw new ConfigurationException("maxTokens must be >= 1");
            }
            this.maxTokens = maxTokens;
            return this;
        }

        /** The sampling temperature (Claude takes 0 to 1); unset, the model's default. */
        public Builder temperature(double temperature) {
            this.temperature = temperature;
            return this;
        }

        /**
         * Put a prompt-cache point at this place in every request; {@code AFTER_TOOLS} caches the tool
         * definitions and system prompt, which stay the same across an agent's calls.
         */
        public Builder promptCaching(BedrockCachePointPlacement placement) {
            this.promptCaching = Objects.requireNonNull(placement, "placement");
            return this;
        }

        /**
         * Put a prompt-cache point after the first system message of every request: the part of the prompt
         * Quarry's planners keep the same for all calls of an agent (its system prompt; with the graph planner
         * also the tool descriptions, so the join call reads what the plan call wrote). Bedrock caches a prefix
         * only from 1,024 tokens (Claude Sonnet and Opus; 4,096 for Haiku 4.5), reads it at a tenth of the
         * input price and writes it at 1.25 times; a shorter prefix is sent as usual and costs nothing extra.
         * Combines with {@link #promptCaching}, which places its own point.
         */
        public Builder cacheSharedPrefix() {
            this.cacheSharedPrefix = true;
            return this;
        }

        /** Bedrock service tier (PRIORITY, DEFAULT, FLEX, RESERVED). */
        public Builder serviceTier(BedrockServiceTier tier) {
            this.serviceTier = Objects.requireNonNull(tier, "tier");
            return this;
        }

        /** A Bedrock guardrail to apply to every call. */
        public Builder guardrail(BedrockGuardrailConfiguration guardrail) {
            this.guardrail = Objects.requireNonNull(guardrail, "guardrail");
            return this;
        }

        /** The model; fails with a {@code ConfigurationException} that says what to fix. */
        public ClaudeOnBedrock build() {
            return new ClaudeOnBedrock(this);
        }
    }
}
