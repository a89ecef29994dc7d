package dev.quarry.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.agent.Agent;
import dev.quarry.agent.AgentListener;
import dev.quarry.agent.AgentResult;
import dev.quarry.agent.error.QuarryException;
import dev.quarry.agent.schedule.RetryPolicy;
import dev.quarry.testkit.BedrockSimulator;
import dev.quarry.testkit.Fault;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A planted AWS secret key never appears in logs (every logger at DEBUG, written to one file), traces
 * (JSON and HTML), results or exceptions (messages, causes and stack traces), through successful runs,
 * streamed runs and every kind of Bedrock failure.
 */
class SecretsTest {

    @Test
    void thePlantedSecretAppearsNowhere() throws Exception {
        List<String> texts = new ArrayList<>();
        List<Fault> faults = List.of(
                Fault.ACCESS_DENIED, Fault.VALIDATION, Fault.THROTTLING, Fault.INTERNAL_ERROR, Fault.MALFORMED_JSON);
        try (BedrockSimulator simulator =
                BedrockSimulator.builder().script(Simulated::sumOfTwoLookups).start()) {
            var claude = Simulated.claude(simulator, 16);
            for (boolean streaming : new boolean[] {false, true}) {
                Agent.Builder builder = Agent.builder()
                        .model(claude.chatModel())
                        .toolsFrom(new Simulated.Lookup())
                        .modelRetry(RetryPolicy.NONE)
                        .listener(new AgentListener() {
                            @Override
                            public void onRunFailed(String runId, QuarryException error) {
                                texts.add(everything(error));
                            }
                        });
                if (streaming) {
                    builder.streamingModel(claude.streamingChatModel());
                }
                Agent agent = builder.build();
                AgentResult ok = agent.run(Simulated.task(1));
                assertThat(ok.answer()).isEqualTo(Simulated.answer(1));
                texts.add(ok.trace().toJson());
                texts.add(ok.trace().toHtml());
                texts.add(ok.toString());
                for (Fault fault : faults) {
                    simulator.injectFaults(fault);
                    try {
                        texts.add(agent.run(Simulated.task(2)).toString());
                    } catch (QuarryException e) {
                        texts.add(everything(e));
                    }
                }
            }
        }
        Path log = Path.of(System.getProperty("hostile.log", "target/hostile.log"));
        assertThat(log).exists();
        texts.add(Files.readString(log));
        assertThat(texts).hasSizeGreaterThan(10);
        assertThat(texts).noneMatch(text -> text.contains(Simulated.SECRET_ACCESS_KEY));
        // the failures were explained, so the scan looked at real error text
        assertThat(String.join("\n", texts)).contains("AccessDenied").contains("ValidationException");
    }

    private static String everything(Throwable error) {
        StringWriter out = new StringWriter();
        error.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
