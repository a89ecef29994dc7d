package dev.quarry.agent.docs;

import dev.quarry.agent.guard.Guardrail;
import dev.quarry.agent.guard.Stage;
import dev.quarry.agent.guard.Verdict;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Lets the agent write e-mail only to the company's own domain; the model is told to fix any other address. */
public final class OwnDomainsOnly implements Guardrail {

    private static final Pattern ADDRESS = Pattern.compile("[\\w.+-]+@([\\w-]+(?:\\.[\\w-]+)+)");

    @Override
    public String name() {
        return "own-domains-only";
    }

    @Override
    public Set<Stage> stages() {
        return Set.of(Stage.TOOL_ARGUMENTS);
    }

    @Override
    public Verdict check(Subject subject) {
        Matcher address = ADDRESS.matcher(subject.text());
        while (address.find()) {
            if (!address.group(1).equalsIgnoreCase("example.com")) {
                return Verdict.correct("mail may go to example.com addresses only, not " + address.group());
            }
        }
        return Verdict.pass();
    }
}
