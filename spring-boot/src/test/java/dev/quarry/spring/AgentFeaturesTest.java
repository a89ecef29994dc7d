package dev.quarry.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.quarry.agent.Agent;
import dev.quarry.agent.AgentResult;
import dev.quarry.agent.guard.Guardrail;
import dev.quarry.agent.guard.GuardrailCheck;
import dev.quarry.agent.guard.Stage;
import dev.quarry.agent.guard.Verdict;
import dev.quarry.testkit.ScriptedChatModel;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Set;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Guardrails, conversation memory and tool search from {@code quarry.guardrails/memory/tool-search}. */
class AgentFeaturesTest {

    @TempDir
    Path dir;

    final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(QuarryAutoConfiguration.class))
            .withPropertyValues("quarry.bedrock.enabled=false", "quarry.agent.tool-beans=false");

    @Test
    void redactionAndTheApplicationsGuardrailBeansGuardEveryRun() {
        runner.withBean(ChatModel.class, () -> ScriptedChatModel.turns(AiMessage.from("mail ada@example.com")))
                .withBean(Guardrail.class, () -> Guardrail.of("audit", Set.of(Stage.ANSWER), s -> Verdict.pass()))
                .withPropertyValues("quarry.guardrails.redact-secrets=true", "quarry.guardrails.citation-check=correct")
                .run(context -> {
                    AgentResult result = context.getBean(Agent.class).run("who to mail?");
                    assertThat(result.answer()).isEqualTo("mail [REDACTED:email]");
                    assertThat(result.trace().guardrails())
                            .extracting(GuardrailCheck::guardrail)
                            .containsExactly("secret-redactor", "citation-check", "audit");
                });
    }

    @Test
    void conversationsGoToTheApplicationsDatabaseWithAHistoryBudget() throws Exception {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:file:" + dir.resolve("app") + ";DB_CLOSE_DELAY=0");
        ScriptedChatModel model = ScriptedChatModel.replying(request -> AiMessage.from("ok"));
        runner.withBean(ChatModel.class, () -> model)
                .withBean(DataSource.class, () -> h2)
                .withPropertyValues("quarry.memory.store=jdbc", "quarry.memory.max-history-tokens=2000")
                .run(context -> {
                    Agent agent = context.getBean(Agent.class);
                    agent.session("user-7").run("first");
                    agent.session("user-7").run("second");
                    assertThat(model.requests().getLast().messages())
                            .contains(UserMessage.from("first"), UserMessage.from("second"));
                });
        try (Connection connection = h2.getConnection();
                ResultSet rows = connection
                        .createStatement()
                        .executeQuery("SELECT revision FROM quarry_conversations WHERE conversation_id = 'user-7'")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getLong(1)).isEqualTo(2);
        }
    }

    @Test
    void toolSearchShowsTheModelOnlySearchAndTheAlwaysOnTools() {
        ScriptedChatModel model = ScriptedChatModel.turns(AiMessage.from("ok"));
        runner.withBean(ChatModel.class, () -> model)
                .withBean("a", dev.quarry.agent.tool.Tool.class, () -> tool("alpha"))
                .withBean("b", dev.quarry.agent.tool.Tool.class, () -> tool("beta"))
                .withBean("c", dev.quarry.agent.tool.Tool.class, () -> tool("gamma"))
                .withPropertyValues(
                        "quarry.tool-search.enabled=true",
                        "quarry.tool-search.threshold=2",
                        "quarry.tool-search.always-on=beta")
                .run(context -> {
                    context.getBean(Agent.class).run("anything");
                    assertThat(model.requests().getFirst().toolSpecifications())
                            .extracting(ToolSpecification::name)
                            .containsExactly("beta", "search_tools");
                });
    }

    @Test
    void aJdbcJournalOnTheApplicationsDatabaseIsMigratedAndReportsItsHealth() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:file:" + dir.resolve("journal") + ";DB_CLOSE_DELAY=0");
        runner.withConfiguration(AutoConfigurations.of(QuarryHealthAutoConfiguration.class))
                .withBean(ChatModel.class, () -> ScriptedChatModel.replying(request -> AiMessage.from("ok")))
                .withBean(DataSource.class, () -> h2)
                .withPropertyValues("quarry.journal.type=jdbc", "quarry.journal.lease-time=10s")
                .run(context -> {
                    Agent agent = context.getBean(Agent.class);
                    AgentResult result = agent.run("anything");
                    assertThat(context.getBean(dev.quarry.agent.durable.RunJournal.class)
                                    .read(result.runId()))
                            .hasSize(3);
                    assertThat(agent.resumeOrphans()).isEmpty();
                    org.springframework.boot.health.contributor.Health health = context.getBean(
                                    "quarryJournalHealthIndicator",
                                    org.springframework.boot.health.contributor.HealthIndicator.class)
                            .health();
                    assertThat(health.getStatus().getCode()).isEqualTo("UP");
                    assertThat(health.getDetails())
                            .containsEntry("type", "jdbc")
                            .containsEntry("table", "quarry_run_journal")
                            .containsEntry("schemaVersion", 2);
                });
        JdbcDataSource empty = new JdbcDataSource();
        empty.setURL("jdbc:h2:file:" + dir.resolve("unmanaged") + ";DB_CLOSE_DELAY=0");
        runner.withBean(ChatModel.class, () -> ScriptedChatModel.turns(AiMessage.from("x")))
                .withBean(DataSource.class, () -> empty)
                .withPropertyValues("quarry.journal.type=jdbc", "quarry.journal.migrate=false")
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("table quarry_run_journal is at schema version 0 and this Quarry needs"
                                + " version 2"));
    }

    @Test
    void badValuesFailAtStartupNamingTheProperty() {
        runner.withBean(ChatModel.class, () -> ScriptedChatModel.turns(AiMessage.from("x")))
                .withPropertyValues("quarry.guardrails.citation-check=maybe")
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("quarry.guardrails.citation-check"));
        runner.withBean(ChatModel.class, () -> ScriptedChatModel.turns(AiMessage.from("x")))
                .withPropertyValues("quarry.memory.store=file")
                .run(context ->
                        assertThat(context).getFailure().rootCause().hasMessageContaining("quarry.memory.path"));
        runner.withBean(ChatModel.class, () -> ScriptedChatModel.turns(AiMessage.from("x")))
                .withPropertyValues("quarry.journal.type=file")
                .run(context ->
                        assertThat(context).getFailure().rootCause().hasMessageContaining("quarry.journal.path"));
        runner.withBean(ChatModel.class, () -> ScriptedChatModel.turns(AiMessage.from("x")))
                .withPropertyValues("quarry.memory.store=jdbc")
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("quarry.memory.store=jdbc needs a DataSource bean"));
    }

    private static dev.quarry.agent.tool.Tool tool(String name) {
        return dev.quarry.agent.tool.Tool.of(
                ToolSpecification.builder().name(name).description(name).build(),
                dev.quarry.agent.tool.ToolPolicy.readOnly(),
                (arguments, context) -> dev.quarry.agent.tool.ToolResult.of(name));
    }
}
