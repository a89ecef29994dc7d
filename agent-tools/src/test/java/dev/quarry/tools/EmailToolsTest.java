package dev.quarry.tools;

import static dev.quarry.testkit.ScriptedChatModel.call;
import static dev.quarry.testkit.ScriptedChatModel.toolCalls;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.langchain4j.data.message.AiMessage;
import dev.quarry.agent.Agent;
import dev.quarry.agent.AgentResult;
import dev.quarry.agent.schedule.ApprovalHandler;
import dev.quarry.agent.schedule.StepStatus;
import dev.quarry.testkit.ScriptedChatModel;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class EmailToolsTest {

    @RegisterExtension
    static GreenMailExtension mail = new GreenMailExtension(ServerSetupTest.SMTP);

    @TempDir
    Path outbox;

    EmailTools tools() {
        Properties smtp = new Properties();
        smtp.put("mail.smtp.host", "127.0.0.1");
        smtp.put("mail.smtp.port", Integer.toString(ServerSetupTest.SMTP.getPort()));
        return new EmailTools(outbox, "agent@quarry.dev", smtp);
    }

    static String draftName(AgentResult result) {
        String text = result.steps().getFirst().text();
        return text.substring("Draft saved as ".length(), text.indexOf(".eml") + 4);
    }

    ScriptedChatModel draftThenSend() {
        return ScriptedChatModel.replying(request -> {
            int n = request.messages().size();
            if (n == 1) {
                return toolCalls(call(
                        "d",
                        "draft_email",
                        "{\"to\":[\"ops@example.com\"],\"subject\":\"Turbines\",\"body\":\"Blades are hot.\","
                                + "\"citations\":[\"turbines#1[30-50]\"]}"));
            }
            if (n == 3) {
                String result = request.messages().getLast().toString();
                String name = result.substring(result.indexOf("draft-"), result.indexOf(".eml") + 4);
                return toolCalls(call("s", "send_email", "{\"draft\":\"" + name + "\"}"));
            }
            return AiMessage.from("done");
        });
    }

    @Test
    void draftsARealMessageAndSendsItOnlyAfterApproval() throws Exception {
        AgentResult refused = Agent.builder()
                .model(draftThenSend())
                .tools(tools().tools())
                .build()
                .run("mail ops");
        assertThat(refused.steps().get(1).status()).isEqualTo(StepStatus.REFUSED);
        assertThat(mail.getReceivedMessages()).isEmpty();
        Path draft = outbox.resolve(draftName(refused));
        MimeMessage parsed = new MimeMessage(null, Files.newInputStream(draft));
        assertThat(parsed.getSubject()).isEqualTo("Turbines");
        assertThat(parsed.getContent().toString())
                .contains("Blades are hot.")
                .contains("Sources:\n- turbines#1[30-50]");

        AgentResult sent = Agent.builder()
                .model(draftThenSend())
                .tools(tools().tools())
                .approvalHandler(ApprovalHandler.approveAll())
                .build()
                .run("mail ops");
        assertThat(sent.steps().get(1).status()).isEqualTo(StepStatus.SUCCEEDED);
        MimeMessage[] received = mail.getReceivedMessages();
        assertThat(received).hasSize(1);
        assertThat(received[0].getSubject()).isEqualTo("Turbines");
        assertThat(received[0].getAllRecipients()[0].toString()).isEqualTo("ops@example.com");
        try (Stream<Path> moved = Files.list(outbox.resolve("sent"))) {
            assertThat(moved).hasSize(1);
        }
    }

    @Test
    void refusesPathsOutsideTheOutboxAndBadAddresses() throws Exception {
        EmailTools tools = tools();
        Path secret = Files.writeString(outbox.getParent().resolve("secret.eml"), "x");
        Files.createSymbolicLink(outbox.resolve("link.eml"), secret);
        ScriptedChatModel model = ScriptedChatModel.turns(
                toolCalls(
                        call("a", "send_email", "{\"draft\":\"../secret.eml\"}"),
                        call("b", "send_email", "{\"draft\":\"link.eml\"}"),
                        call("c", "draft_email", "{\"to\":[\"not an address\"],\"subject\":\"s\",\"body\":\"b\"}")),
                AiMessage.from("done"));
        AgentResult result = Agent.builder()
                .model(model)
                .tools(tools.tools())
                .approvalHandler(ApprovalHandler.approveAll())
                .build()
                .run("escape");
        assertThat(result.steps().get(0).text()).contains("is not a draft in the outbox");
        assertThat(result.steps().get(1).text()).contains("no draft named 'link.eml'");
        assertThat(result.steps().get(2).text()).contains("not a valid e-mail address");
        assertThat(mail.getReceivedMessages()).isEmpty();
    }
}
