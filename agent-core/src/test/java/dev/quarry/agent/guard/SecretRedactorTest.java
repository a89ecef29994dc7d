package dev.quarry.agent.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.agent.schedule.StepResult;
import dev.quarry.agent.schedule.StepStatus;
import dev.quarry.agent.tool.Citation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The built-in guardrails on their own. */
class SecretRedactorTest {

    private final SecretRedactor redactor = SecretRedactor.defaults();

    @Test
    void redactsKeysTokensPrivateKeysAndEmailAddresses() {
        String text = """
                id AKIAIOSFODNN7EXAMPLE
                aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
                openai sk-proj-abcdefghijklmnopqrstuvwx
                gh ghp_abcdefghijklmnopqrstuvwxyz0123456789
                Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig
                -----BEGIN RSA PRIVATE KEY-----
                MIIEpAIBAAKCAQEA
                -----END RSA PRIVATE KEY-----
                mail ops@example.co.uk""";

        SecretRedactor.Redaction redaction = redactor.redact(text);

        assertThat(redaction.text())
                .doesNotContain("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI", "sk-proj", "ghp_", "eyJhbG", "MIIEpA", "ops@")
                .contains("aws_secret_access_key = [REDACTED:aws-secret-key]")
                .contains("Bearer [REDACTED:bearer-token]");
        assertThat(redaction.counts())
                .containsEntry("private-key", 1)
                .containsEntry("aws-access-key", 1)
                .containsEntry("api-key", 1)
                .containsEntry("github-token", 1)
                .containsEntry("email", 1);
    }

    @Test
    void cardNumbersAreLuhnCheckedSoOtherLongNumbersPass() {
        SecretRedactor.Redaction redaction =
                redactor.redact("card 4111-1111-1111-1111, order 1234 5678 9012 3456, visa 4012888888881881");

        assertThat(redaction.text())
                .isEqualTo("card [REDACTED:card-number], order 1234 5678 9012 3456, visa [REDACTED:card-number]");
        assertThat(redaction.counts()).isEqualTo(Map.of("card-number", 2));
    }

    @Test
    void kindsCanBeDroppedAndAdded() {
        SecretRedactor custom = SecretRedactor.builder()
                .without("email")
                .pattern("ticket", "TCK-\\d{6}")
                .build();

        assertThat(custom.redact("ops@example.com opened TCK-123456").text())
                .isEqualTo("ops@example.com opened [REDACTED:ticket]");
        assertThat(custom.stages()).containsExactlyInAnyOrder(Stage.TOOL_RESULT, Stage.ANSWER);
        assertThatThrownBy(() -> SecretRedactor.builder().without("phone"))
                .hasMessageContaining("no redaction kind 'phone'");
        assertThatThrownBy(() -> SecretRedactor.builder().pattern("bad", "(unclosed"))
                .hasMessageContaining("not a regular expression");
    }

    @Test
    void aCleanTextPassesAndADirtyOneIsReplacedWithTheCountsAsReason() {
        assertThat(redactor.check(subject("nothing secret here"))).isEqualTo(Verdict.pass());
        assertThat(redactor.check(subject("a@b.io and c@d.io")))
                .isEqualTo(Verdict.replace("[REDACTED:email] and [REDACTED:email]", "redacted 2 email"));
    }

    @Test
    void theCitationCheckFindsLabelsAndComparesThemWithWhatTheRunRetrieved() {
        StepResult search = new StepResult(
                "s1", "search", StepStatus.SUCCEEDED, "...", List.of(new Citation("a.md", 0, 0, 10, "", "")), 1, false);
        StepResult failed = new StepResult(
                "s2", "search", StepStatus.FAILED, "...", List.of(new Citation("b.md", 0, 0, 10, "", "")), 1, false);
        Guardrail.Subject answer = new Guardrail.Subject(
                Stage.ANSWER, "r", "see [a.md#0[0-10]] and [b.md#0[0-10]]", "", "", List.of(search, failed));

        assertThat(CitationCheck.cited(answer.text())).containsExactly("a.md#0[0-10]", "b.md#0[0-10]");
        assertThat(CitationCheck.correcting().check(answer))
                .isInstanceOf(Verdict.Correct.class)
                .extracting(Verdict::reason)
                .asString()
                .startsWith("the answer cites b.md#0[0-10], which no step");
        Guardrail.Subject uncited = new Guardrail.Subject(Stage.ANSWER, "r", "no sources", "", "", List.of(search));
        assertThat(CitationCheck.correcting().check(uncited)).isEqualTo(Verdict.pass());
        assertThat(CitationCheck.correcting().requiringCitation().check(uncited))
                .isInstanceOf(Verdict.Correct.class);
    }

    private static Guardrail.Subject subject(String text) {
        return new Guardrail.Subject(Stage.TOOL_RESULT, "r", text, "t", "s", List.of());
    }
}
