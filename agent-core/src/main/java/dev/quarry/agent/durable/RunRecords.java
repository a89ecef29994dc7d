package dev.quarry.agent.durable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessageDeserializer;
import dev.langchain4j.data.message.ChatMessageSerializer;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import dev.quarry.agent.error.JournalException;
import dev.quarry.agent.model.CacheTokenUsage;
import dev.quarry.agent.model.ModelCall;
import dev.quarry.agent.model.ModelInterceptor;
import dev.quarry.agent.model.ModelResponse;
import dev.quarry.agent.schedule.ApprovalHandler;
import dev.quarry.agent.schedule.StepInterceptor;
import dev.quarry.agent.schedule.StepJournal;
import dev.quarry.agent.schedule.StepResult;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The journal of one run as the run uses it: a {@link ModelInterceptor} that records every model response
 * (and answers a call an earlier process already made from the record), and the run's {@link StepJournal}.
 * Records are JSON documents in a {@link RunJournal}.
 *
 * <p>A model call is matched to its record by a SHA-256 of what it sends (purpose, messages, tools, response
 * format), so replay does not depend on the order parallel calls happen in. A side-effecting step does not
 * start before the response that planned it is recorded: a crash can then never leave a side effect whose
 * plan a resumed run would not find.
 */
public final class RunRecords implements StepJournal, ModelInterceptor {

    private volatile boolean ended;
    private volatile boolean failed;

    private static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final int FORMAT = 1;

    private final RunJournal journal;
    private final String runId;
    private final String task;
    private final Set<String> allowedTools;
    private final Map<String, ConcurrentLinkedDeque<ChatResponse>> responses = new ConcurrentHashMap<>();
    private final Map<String, StepResult> finished = new ConcurrentHashMap<>();
    private final Set<String> started = ConcurrentHashMap.newKeySet();
    private final Map<String, ApprovalHandler.Decision> decisions = new ConcurrentHashMap<>();
    private final Map<String, String> approvers = new ConcurrentHashMap<>();
    private final Map<String, ApprovalHandler.Request> waiting = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, String> plannedBy = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> recorded = new ConcurrentHashMap<>();

    private RunRecords(RunJournal journal, String runId, String task, Set<String> allowedTools) {
        this.journal = journal;
        this.runId = runId;
        this.task = task;
        this.allowedTools = allowedTools;
    }

    /** Journals a new run of {@code task}, with the run's tool allowlist (null: every tool of the agent). */
    public static RunRecords start(RunJournal journal, String runId, String task, Set<String> allowedTools) {
        if (!journal.read(runId).isEmpty()) {
            throw new IllegalArgumentException("the journal already has a run " + runId);
        }
        RunRecords records = new RunRecords(journal, runId, task, allowedTools);
        ObjectNode run = record("run").put("format", FORMAT).put("task", task);
        if (allowedTools != null) {
            allowedTools.stream().sorted().forEach(run.putArray("tools")::add);
        }
        records.append(run);
        return records;
    }

    /**
     * The records of a run nested in this one (a sub-agent), in the same journal: resumed when an earlier
     * process began it (its model responses and finished steps answer from the journal, so a finished child
     * is never re-run and no side effect of it repeats), started otherwise.
     */
    public RunRecords nested(String childRunId, String childTask) {
        return journal.read(childRunId).isEmpty()
                ? start(journal, childRunId, childTask, null)
                : resume(journal, childRunId);
    }

    /**
     * What the journal holds of run {@code runId}, ready to continue it.
     *
     * @throws IllegalArgumentException when the journal has no such run
     * @throws JournalException when its records cannot be read back
     */
    public static RunRecords resume(RunJournal journal, String runId) {
        List<String> lines = journal.read(runId);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("the journal has no run " + runId);
        }
        List<JsonNode> entries = lines.stream().map(line -> parse(runId, line)).toList();
        JsonNode run = entries.getFirst();
        if (!"run".equals(run.path("t").asText()) || run.path("format").asInt() != FORMAT) {
            throw new JournalException("the journal of run " + runId + " does not start with a run record of format "
                    + FORMAT + "; it was written by another version or damaged");
        }
        Set<String> tools = null;
        if (run.has("tools")) {
            tools = new java.util.TreeSet<>();
            for (JsonNode tool : run.get("tools")) {
                tools.add(tool.asText());
            }
        }
        RunRecords records = new RunRecords(journal, runId, run.path("task").asText(), tools);
        for (JsonNode entry : entries.subList(1, entries.size())) {
            records.replay(entry);
        }
        return records;
    }

    private void replay(JsonNode entry) {
        String step = entry.path("step").asText();
        failed = false;
        switch (entry.path("t").asText()) {
            case "model" ->
                responses
                        .computeIfAbsent(entry.path("key").asText(), k -> new ConcurrentLinkedDeque<>())
                        .add(response(entry));
            case "start" -> {
                started.add(step);
                decisions.remove(step);
            }
            case "step" -> {
                finished.put(step, convert(entry.get("result"), StepResult.class));
                waiting.remove(step);
            }
            case "decision" -> {
                ApprovalHandler.Decision decision = convert(entry.get("decision"), ApprovalHandler.Decision.class);
                if (decision.verdict() == ApprovalHandler.Verdict.SUSPEND) {
                    waiting.put(step, convert(entry.get("request"), ApprovalHandler.Request.class));
                } else {
                    decisions.put(step, decision);
                    waiting.remove(step);
                    if (entry.hasNonNull("by")) {
                        approvers.put(step, entry.get("by").asText());
                    }
                }
            }
            case "end" -> ended = true;
            case "failed" -> failed = true;
            default ->
                throw new JournalException("the journal of run " + runId + " has a record of unknown type "
                        + entry.path("t") + "; it was written by another version or damaged");
        }
    }

    /** Whether the run answered (its last record is its answer). */
    public boolean ended() {
        return ended;
    }

    /** Whether the run's last record says it failed (nothing was written after). */
    public boolean failed() {
        return failed;
    }

    /** Records that the run failed with {@code error}, so it is not taken for an orphan. */
    public void failedWith(String error) {
        append(record("failed").put("error", error));
    }

    /** The run's id. */
    public String runId() {
        return runId;
    }

    /** The run's task. */
    public String task() {
        return task;
    }

    /** The run's tool allowlist; empty when it could use every tool of the agent. */
    public Optional<Set<String>> allowedTools() {
        return Optional.ofNullable(allowedTools);
    }

    /** The calls waiting for a person's decision, in the order they asked. */
    public List<ApprovalHandler.Request> waiting() {
        synchronized (waiting) {
            return List.copyOf(waiting.values());
        }
    }

    /**
     * Records decisions for calls that wait, and who gave them, so the next resume acts on them.
     *
     * @param approver who decided, as the application identified them
     * @throws IllegalArgumentException naming a step that does not wait for approval
     */
    public void decide(Map<String, ApprovalHandler.Decision> given, String approver) {
        for (String step : given.keySet()) {
            if (!waiting.containsKey(step)) {
                throw new IllegalArgumentException("step " + step + " of run " + runId
                        + " is not waiting for approval; waiting: " + waiting.keySet());
            }
            if (given.get(step).verdict() == ApprovalHandler.Verdict.SUSPEND) {
                throw new IllegalArgumentException("a decision for step " + step + " must approve or refuse it");
            }
        }
        given.forEach((step, decision) -> {
            ObjectNode entry = decision(waiting.remove(step), decision).put("by", approver);
            append(entry);
            decisions.put(step, decision);
            approvers.put(step, approver);
        });
    }

    /** Who decided on a step that waited for a person, as {@link #decide} recorded it. */
    public Optional<String> approver(String stepId) {
        return Optional.ofNullable(approvers.get(stepId));
    }

    /** Tells the journal which model call planned a step (null for one no model call planned). */
    public void planned(String stepId, String modelCallId) {
        if (modelCallId != null) {
            plannedBy.put(stepId, modelCallId);
        }
    }

    /** Records the run's answer. */
    public void ended(String answer) {
        append(record("end").put("answer", answer));
    }

    /** Thrown by a model call the run would make while a call waits for approval: the run ends there. */
    public static final class Suspended extends RuntimeException {
        private Suspended() {
            super("the run waits for approval", null, false, false);
        }
    }

    // model calls

    @Override
    public ModelResponse intercept(ModelCall call, Chain chain) {
        String key = key(call);
        ConcurrentLinkedDeque<ChatResponse> earlier = responses.get(key);
        ChatResponse replayed = earlier == null ? null : earlier.pollFirst();
        if (replayed != null) {
            recorded(call.id()).complete(null);
            return ModelResponse.answered(replayed);
        }
        if (!waiting.isEmpty() && call.toolStep().isEmpty()) {
            throw new Suspended();
        }
        ModelResponse response;
        try {
            response = chain.proceed(call);
        } catch (RuntimeException e) {
            recorded(call.id()).completeExceptionally(e);
            throw e;
        }
        append(responseRecord(key, response.chatResponse()));
        recorded(call.id()).complete(null);
        return response;
    }

    private CompletableFuture<Void> recorded(String modelCallId) {
        return recorded.computeIfAbsent(modelCallId, id -> new CompletableFuture<>());
    }

    static String key(ModelCall call) {
        ChatRequest request = call.request();
        String text = call.purpose() + "\n" + ChatMessageSerializer.messagesToJson(request.messages()) + "\n"
                + request.toolSpecifications() + "\n" + request.responseFormat();
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static ObjectNode responseRecord(String key, ChatResponse response) {
        ObjectNode entry = record("model").put("key", key);
        entry.put("message", ChatMessageSerializer.messageToJson(response.aiMessage()));
        if (response.finishReason() != null) {
            entry.put("finish", response.finishReason().name());
        }
        if (response.modelName() != null) {
            entry.put("model", response.modelName());
        }
        TokenUsage usage = response.tokenUsage();
        if (usage != null) {
            ObjectNode tokens = entry.putObject("usage");
            tokens.put("in", usage.inputTokenCount()).put("out", usage.outputTokenCount());
            if (usage instanceof CacheTokenUsage cache) {
                tokens.put("cacheRead", cache.cacheReadTokens()).put("cacheWrite", cache.cacheWriteTokens());
            }
        }
        return entry;
    }

    private static ChatResponse response(JsonNode entry) {
        ChatResponse.Builder response = ChatResponse.builder().aiMessage((AiMessage)
                ChatMessageDeserializer.messageFromJson(entry.get("message").asText()));
        if (entry.hasNonNull("finish")) {
            response.finishReason(FinishReason.valueOf(entry.get("finish").asText()));
        }
        if (entry.hasNonNull("model")) {
            response.modelName(entry.get("model").asText());
        }
        JsonNode usage = entry.get("usage");
        if (usage != null) {
            Integer in = usage.hasNonNull("in") ? usage.get("in").asInt() : null;
            Integer out = usage.hasNonNull("out") ? usage.get("out").asInt() : null;
            response.tokenUsage(
                    usage.has("cacheRead")
                            ? new CacheTokenUsage(
                                    in,
                                    out,
                                    usage.get("cacheRead").asInt(),
                                    usage.get("cacheWrite").asInt())
                            : new TokenUsage(in, out));
        }
        return response.build();
    }

    // steps

    @Override
    public Optional<StepResult> finished(String stepId) {
        return Optional.ofNullable(finished.get(stepId));
    }

    @Override
    public void finish(StepResult result) {
        append(record("step").put("step", result.stepId()).set("result", JSON.valueToTree(result)));
    }

    @Override
    public boolean startedBefore(String stepId) {
        return started.contains(stepId);
    }

    @Override
    public void start(StepInterceptor.StepCall call) throws InterruptedException {
        String planner = plannedBy.get(call.step().id());
        if (planner != null && call.tool().policy().sideEffecting()) {
            awaitRecorded(planner, call);
        }
        append(record("start").put("step", call.step().id()));
    }

    private void awaitRecorded(String modelCallId, StepInterceptor.StepCall call) throws InterruptedException {
        try {
            long nanos = call.deadline().remainingNanos();
            recorded(modelCallId).get(Math.max(nanos, 0), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new JournalException(
                    "step " + call.step().id() + " was not run: the model call " + modelCallId
                            + " that planned it failed before it was journaled",
                    e.getCause());
        } catch (TimeoutException e) {
            throw new JournalException("step " + call.step().id() + " was not run: the run's deadline passed before"
                    + " the model call " + modelCallId + " that planned it was journaled");
        }
    }

    @Override
    public Optional<ApprovalHandler.Decision> decision(String stepId) {
        return Optional.ofNullable(decisions.get(stepId));
    }

    @Override
    public void decided(ApprovalHandler.Request request, ApprovalHandler.Decision decision) {
        if (decision.verdict() == ApprovalHandler.Verdict.SUSPEND) {
            waiting.put(request.stepId(), request);
        }
        append(decision(request, decision));
    }

    private static ObjectNode decision(ApprovalHandler.Request request, ApprovalHandler.Decision decision) {
        ObjectNode entry = record("decision").put("step", request.stepId());
        entry.set("request", JSON.valueToTree(request));
        entry.set("decision", JSON.valueToTree(decision));
        return entry;
    }

    @Override
    public boolean canSuspend() {
        return true;
    }

    // records

    private static ObjectNode record(String type) {
        return JSON.createObjectNode().put("t", type);
    }

    private void append(ObjectNode entry) {
        journal.append(runId, entry.toString());
    }

    private static JsonNode parse(String runId, String line) {
        try {
            return JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new JournalException(
                    "a record of the journal of run " + runId + " is not JSON: " + e.getMessage(), e);
        }
    }

    private <T> T convert(JsonNode node, Class<T> type) {
        try {
            return JSON.treeToValue(node, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new JournalException(
                    "a record of the journal of run " + runId + " cannot be read back as " + type.getSimpleName() + ": "
                            + e.getMessage(),
                    e);
        }
    }
}
