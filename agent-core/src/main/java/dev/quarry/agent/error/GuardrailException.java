package dev.quarry.agent.error;

/**
 * A guardrail ended the run: it blocked the input, a tool call's arguments or result, or the answer (or a
 * correction it asked for was still refused after the allowed attempts, or the check itself failed).
 * Nothing after the checked point ran; the partial result holds what the run had done before.
 */
public final class GuardrailException extends QuarryException {

    private final String guardrail;
    private final String stage;
    private final String reason;

    public GuardrailException(String guardrail, String stage, String reason) {
        this(guardrail, stage, reason, null, null);
    }

    public GuardrailException(String guardrail, String stage, String reason, Throwable cause) {
        this(guardrail, stage, reason, cause, null);
    }

    private GuardrailException(String guardrail, String stage, String reason, Throwable cause, Object partial) {
        super("guardrail '" + guardrail + "' blocked the run at its " + stage + ": " + reason, cause, partial);
        this.guardrail = guardrail;
        this.stage = stage;
        this.reason = reason;
    }

    /** The guardrail's name. */
    public String guardrail() {
        return guardrail;
    }

    /** The stage it checked: {@code input}, {@code tool arguments}, {@code tool result} or {@code answer}. */
    public String stage() {
        return stage;
    }

    /** Why it blocked. */
    public String reason() {
        return reason;
    }

    @Override
    public GuardrailException withPartial(Object partialResult) {
        return new GuardrailException(guardrail, stage, reason, this, partialResult);
    }
}
