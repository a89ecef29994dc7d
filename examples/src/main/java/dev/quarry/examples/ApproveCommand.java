package dev.quarry.examples;

import dev.quarry.agent.AgentResult;
import dev.quarry.agent.durable.FileJournal;
import dev.quarry.agent.durable.RunRecords;
import dev.quarry.agent.schedule.ApprovalHandler;
import dev.quarry.agent.schedule.ApprovalHandler.Decision;
import dev.quarry.index.LuceneIndex;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code quarry approve <run>}: approves (or with {@code --refuse}, refuses) the calls a journaled run waits
 * for, and continues the run from its journal: what it had done is replayed, not done again. Give the same
 * model, planner and e-mail options as the command that started the run. The journal records the OS user as
 * the approver; two approvals of one run at once (two shells, two machines sharing the journal folder) send
 * its side effect once: the second finds nothing waiting.
 */
@Command(
        mixinStandardHelpOptions = true,
        name = "approve",
        description = "Approve (or --refuse) what a journaled run waits for, and continue the run.")
final class ApproveCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "the run, as `quarry pending` shows it")
    String runId;

    @Option(names = "--step", description = "only this step (default: every step the run waits for)")
    String step;

    @Option(names = "--refuse", paramLabel = "<reason>", description = "refuse instead, telling the model why")
    String refuse;

    @Mixin
    EmailOptions email;

    @Mixin
    AgentOptions options;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** The OS user running the command: who the journal records as the approver. */
    static String approver() {
        return System.getProperty("user.name", "unknown");
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        FileJournal journal = email.journal();
        List<ApprovalHandler.Request> waiting =
                RunRecords.resume(journal, runId).waiting();
        Map<String, Decision> decisions = new LinkedHashMap<>();
        for (ApprovalHandler.Request request : waiting) {
            if (step == null || step.equals(request.stepId())) {
                decisions.put(request.stepId(), refuse == null ? Decision.approve() : Decision.refuse(refuse));
            }
        }
        if (decisions.isEmpty()) {
            throw new IllegalArgumentException("run " + runId + " waits for no "
                    + (step == null ? "approval" : "step " + step) + "; see quarry pending");
        }
        try (LuceneIndex index = options.openIndexed(out)) {
            AgentResult result = options.builder(index)
                    .tools(email.tools(List.of()).tools())
                    .journal(journal)
                    .approvalHandler(ApprovalHandler.suspendRun())
                    .build()
                    .approve(runId, decisions, approver());
            options.report(result, out, !result.waitingForApproval());
            return 0;
        }
    }
}
