package dev.quarry.eval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An LLM judge: any langchain4j {@link ChatModel} grades the answer against the case's rubric (or a default
 * rubric given here) and replies with a JSON verdict. Gives the check {@code judge} (its value the judge's
 * score, 0 to 1), with the judge's prompt and reply in the metric's detail so the report keeps them, and the
 * figures {@code judge_calls} and {@code judge_tokens}, counted apart from the agent's. A reply that is not a
 * verdict is a scorer error, never a pass.
 */
public final class JudgeScorer implements Scorer {

    /** The judge's instructions. */
    public static final String INSTRUCTIONS = """
            You grade the answer an AI agent gave to a task, against a rubric. Judge only what the rubric asks.
            Reply with one JSON object and nothing else: {"pass": true or false, "score": a number from 0 to 1, \
            "reason": "one sentence"}""";

    private static final Pattern OBJECT = Pattern.compile("\\{.*}", Pattern.DOTALL);

    private final ChatModel judge;
    private final String defaultRubric;

    private JudgeScorer(ChatModel judge, String defaultRubric) {
        this.judge = Objects.requireNonNull(judge, "judge");
        this.defaultRubric = defaultRubric == null ? "" : defaultRubric;
    }

    /** A judge of the cases that have a rubric. */
    public static JudgeScorer on(ChatModel judge) {
        return new JudgeScorer(judge, "");
    }

    /** A judge of every case: {@code rubric} for those without their own. */
    public static JudgeScorer on(ChatModel judge, String rubric) {
        return new JudgeScorer(judge, rubric);
    }

    @Override
    public String name() {
        return "judge";
    }

    @Override
    public List<Metric> score(EvalCase evalCase, CaseRun run) {
        String rubric = evalCase.rubric().isBlank() ? defaultRubric : evalCase.rubric();
        if (rubric.isBlank() || run.error().isPresent()) {
            return List.of();
        }
        String prompt = "Task: " + evalCase.task() + "\n\nRubric: " + rubric + "\n\nAnswer:\n" + run.answer();
        ChatResponse response = judge.chat(ChatRequest.builder()
                .messages(SystemMessage.from(INSTRUCTIONS), UserMessage.from(prompt))
                .build());
        String reply =
                response.aiMessage().text() == null ? "" : response.aiMessage().text();
        TokenUsage usage = response.tokenUsage();
        long tokens = usage == null || usage.totalTokenCount() == null ? 0 : usage.totalTokenCount();
        String evidence = "judge prompt: " + prompt + "\njudge reply: " + reply;
        Matcher object = OBJECT.matcher(reply);
        JsonNode verdict = null;
        if (object.find()) {
            try {
                verdict = EvalDataset.JSON.readTree(object.group());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                verdict = null;
            }
        }
        Metric judged;
        if (verdict == null || !verdict.path("pass").isBoolean()) {
            judged = new Metric("judge", Double.NaN, Metric.Verdict.ERROR, "the judge gave no verdict; " + evidence);
        } else {
            boolean passed = verdict.get("pass").asBoolean();
            double score =
                    verdict.path("score").isNumber() ? verdict.get("score").asDouble() : (passed ? 1 : 0);
            judged = new Metric(
                    "judge",
                    score,
                    passed ? Metric.Verdict.PASS : Metric.Verdict.FAIL,
                    verdict.path("reason").asText("") + "\n" + evidence);
        }
        return List.of(judged, Metric.figure("judge_calls", 1), Metric.figure("judge_tokens", tokens));
    }
}
