package dev.quarry.spring;

import dev.quarry.agent.Agent;
import dev.quarry.agent.error.ConfigurationException;
import dev.quarry.agent.guard.CitationCheck;
import dev.quarry.agent.guard.Guardrail;
import dev.quarry.agent.guard.SecretRedactor;
import dev.quarry.agent.memory.ConversationMemory;
import dev.quarry.agent.memory.ConversationStore;
import dev.quarry.agent.memory.FileConversationStore;
import dev.quarry.agent.memory.JdbcConversationStore;
import dev.quarry.tools.ToolSearch;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;

/** The agent's guardrails, conversation memory and tool search, from {@code quarry.guardrails/memory/tool-search}. */
final class AgentFeatures {

    private AgentFeatures() {}

    static void configure(
            Agent.Builder agent,
            QuarryProperties properties,
            ObjectProvider<Guardrail> guardrails,
            ObjectProvider<ConversationStore> conversations,
            ObjectProvider<DataSource> dataSource) {
        QuarryProperties.Guardrails guard = properties.guardrails();
        if (guard.redactSecrets()) {
            agent.guardrail(SecretRedactor.defaults());
        }
        switch (guard.citationCheck()) {
            case "correct" -> agent.guardrail(CitationCheck.correcting());
            case "block" -> agent.guardrail(CitationCheck.blocking());
            default -> {}
        }
        guardrails.orderedStream().forEach(agent::guardrail);
        agent.maxGuardrailCorrections(guard.maxCorrections());

        QuarryProperties.Memory memory = properties.memory();
        agent.conversationStore(conversations.getIfAvailable(() -> store(memory, dataSource)));
        if (memory.maxHistoryTokens() != null) {
            agent.memory(ConversationMemory.builder()
                    .maxHistoryTokens(memory.maxHistoryTokens())
                    .keepLastTurns(memory.keepLastTurns())
                    .summarise(memory.summarise())
                    .build());
        }

        QuarryProperties.ToolSearch search = properties.toolSearch();
        if (search.enabled()) {
            agent.plugin(ToolSearch.builder()
                    .threshold(search.threshold())
                    .maxResults(search.maxResults())
                    .alwaysOn(search.alwaysOn().toArray(String[]::new))
                    .build());
        }
    }

    private static ConversationStore store(QuarryProperties.Memory memory, ObjectProvider<DataSource> dataSource) {
        return switch (memory.store()) {
            case "file" -> FileConversationStore.in(memory.path());
            case "jdbc" -> {
                DataSource source = dataSource.getIfAvailable();
                if (source == null) {
                    throw new ConfigurationException("quarry.memory.store=jdbc needs a DataSource bean (add"
                            + " spring-boot-starter-jdbc and spring.datasource.url, or define one)");
                }
                yield JdbcConversationStore.of(source);
            }
            default -> new dev.quarry.agent.memory.InMemoryConversationStore();
        };
    }
}
