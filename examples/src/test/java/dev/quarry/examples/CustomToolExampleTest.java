package dev.quarry.examples;

import static dev.quarry.testkit.ScriptedChatModel.call;
import static dev.quarry.testkit.ScriptedChatModel.toolCalls;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.data.message.AiMessage;
import dev.quarry.agent.Agent;
import dev.quarry.agent.AgentResult;
import dev.quarry.agent.schedule.ApprovalHandler;
import dev.quarry.agent.schedule.StepStatus;
import dev.quarry.agent.tool.Policy;
import dev.quarry.testkit.ScriptedChatModel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The example of docs/custom-tools.md, run. */
class CustomToolExampleTest {

    static class TicketTools {
        final List<String> closed = new ArrayList<>();

        @Tool("Open tickets of a customer")
        @Policy(sideEffecting = false)
        List<String> openTickets(@P("customer id") String customerId) {
            return List.of(customerId + "-1", customerId + "-2");
        }

        @Tool("Close a ticket")
        @Policy(sideEffecting = true, timeoutMillis = 5_000)
        String close(@P("ticket id") String ticketId) {
            closed.add(ticketId);
            return "closed";
        }
    }

    @Test
    void annotatedToolsRunAndSideEffectsWaitForApproval() {
        TicketTools tickets = new TicketTools();
        ScriptedChatModel model = ScriptedChatModel.turns(
                toolCalls(call("a", "openTickets", "{\"customerId\":\"acme\"}")),
                toolCalls(
                        call("b", "close", "{\"ticketId\":\"acme-1\"}"),
                        call("c", "close", "{\"ticketId\":\"acme-2\"}")),
                AiMessage.from("Closed acme-1."));
        Agent agent = Agent.builder()
                .model(model)
                .toolsFrom(tickets)
                .approvalHandler(
                        request -> request.arguments().get("ticketId").asText().endsWith("-1")
                                ? ApprovalHandler.Decision.approve()
                                : ApprovalHandler.Decision.refuse("user said no"))
                .build();
        AgentResult result = agent.run("Close acme's tickets");
        assertThat(result.steps().getFirst().text()).isEqualTo("[\"acme-1\",\"acme-2\"]");
        assertThat(result.steps())
                .extracting(s -> s.status())
                .containsExactly(StepStatus.SUCCEEDED, StepStatus.SUCCEEDED, StepStatus.REFUSED);
        assertThat(tickets.closed).containsExactly("acme-1");
    }
}
