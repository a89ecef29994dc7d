package dev.quarry.agent.guard;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A guardrail that redacts secrets and personal data from tool results and answers: cloud and API keys,
 * private key blocks, e-mail addresses and payment card numbers (Luhn-checked, so order numbers and
 * phone numbers pass). Each match becomes {@code [REDACTED:<kind>]}; the verdict's reason counts what went.
 *
 * <pre>{@code
 * Agent.builder().guardrail(SecretRedactor.builder().without("email").pattern("ticket", "TCK-\\d{6}").build())
 * }</pre>
 */
public final class SecretRedactor implements Guardrail {

    /** The kinds redacted by default, in the order they are applied, with their patterns. */
    public static final Map<String, String> DEFAULT_PATTERNS = defaultPatterns();

    private static final Pattern CARD = Pattern.compile("\\b\\d(?:[ -]?\\d){12,18}\\b");

    private final Map<String, Pattern> patterns;
    private final List<String> order;
    private final boolean cards;
    private final Set<Stage> stages;

    private SecretRedactor(Builder builder) {
        this.patterns = Map.copyOf(builder.patterns);
        this.cards = builder.cards;
        this.stages = Set.copyOf(builder.stages);
        this.order = List.copyOf(builder.patterns.keySet());
    }

    /** The default redactor, on tool results and answers. */
    public static SecretRedactor defaults() {
        return builder().build();
    }

    /** A builder starting from every default kind and {@code card-number}. */
    public static Builder builder() {
        return new Builder();
    }

    private static Map<String, String> defaultPatterns() {
        Map<String, String> patterns = new LinkedHashMap<>();
        patterns.put("private-key", "-----BEGIN [A-Z ]*PRIVATE KEY-----[\\s\\S]*?-----END [A-Z ]*PRIVATE KEY-----");
        patterns.put("aws-access-key", "\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b");
        patterns.put(
                "aws-secret-key", "(?i)(?<=aws_secret_access_key[\"']?\\s{0,3}[=:]\\s{0,3}[\"']?)[A-Za-z0-9/+=]{40}");
        patterns.put("api-key", "\\b(?:sk|pk|rk)-[A-Za-z0-9_-]{20,}\\b");
        patterns.put("github-token", "\\bgh[pousr]_[A-Za-z0-9]{36,}\\b");
        patterns.put("slack-token", "\\bxox[abprs]-[A-Za-z0-9-]{10,}\\b");
        patterns.put("bearer-token", "(?i)(?<=\\bbearer\\s)[A-Za-z0-9._~+/-]{20,}=*");
        patterns.put("email", "\\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}\\b");
        return java.util.Collections.unmodifiableMap(patterns);
    }

    @Override
    public String name() {
        return "secret-redactor";
    }

    @Override
    public Set<Stage> stages() {
        return stages;
    }

    @Override
    public Verdict check(Subject subject) {
        Redaction redaction = redact(subject.text());
        return redaction.counts().isEmpty()
                ? Verdict.pass()
                : Verdict.replace(redaction.text(), "redacted " + describe(redaction.counts()));
    }

    /** The text with every match replaced, and how many of each kind were found. */
    public Redaction redact(String text) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        String result = text;
        for (String kind : order) {
            Matcher matcher = patterns.get(kind).matcher(result);
            StringBuilder out = new StringBuilder();
            int found = 0;
            while (matcher.find()) {
                matcher.appendReplacement(out, Matcher.quoteReplacement("[REDACTED:" + kind + "]"));
                found++;
            }
            matcher.appendTail(out);
            if (found > 0) {
                counts.put(kind, found);
                result = out.toString();
            }
        }
        if (cards) {
            Matcher matcher = CARD.matcher(result);
            StringBuilder out = new StringBuilder();
            int found = 0;
            while (matcher.find()) {
                boolean card = luhn(matcher.group().replaceAll("[ -]", ""));
                matcher.appendReplacement(
                        out, Matcher.quoteReplacement(card ? "[REDACTED:card-number]" : matcher.group()));
                found += card ? 1 : 0;
            }
            matcher.appendTail(out);
            if (found > 0) {
                counts.put("card-number", found);
                result = out.toString();
            }
        }
        return new Redaction(result, counts);
    }

    private static boolean luhn(String digits) {
        if (digits.length() < 13 || digits.length() > 19) {
            return false;
        }
        int sum = 0;
        for (int i = 0; i < digits.length(); i++) {
            int digit = digits.charAt(digits.length() - 1 - i) - '0';
            if (i % 2 == 1) {
                digit *= 2;
                if (digit > 9) {
                    digit -= 9;
                }
            }
            sum += digit;
        }
        return sum % 10 == 0;
    }

    private static String describe(Map<String, Integer> counts) {
        List<String> parts = new ArrayList<>();
        counts.forEach((kind, n) -> parts.add(n + " " + kind));
        return String.join(", ", parts);
    }

    /**
     * A redacted text.
     *
     * @param text the text with matches replaced
     * @param counts how many matches of each kind were replaced (empty when none)
     */
    public record Redaction(String text, Map<String, Integer> counts) {}

    /** Configures a {@link SecretRedactor}. */
    public static final class Builder {
        private final Map<String, Pattern> patterns = new LinkedHashMap<>();
        private boolean cards = true;
        private Set<Stage> stages = Set.of(Stage.TOOL_RESULT, Stage.ANSWER);

        private Builder() {
            DEFAULT_PATTERNS.forEach((kind, regex) -> patterns.put(kind, Pattern.compile(regex)));
        }

        /** Stops redacting a default kind ({@code email}, {@code card-number}, ...). */
        public Builder without(String kind) {
            if ("card-number".equals(kind)) {
                cards = false;
            } else if (patterns.remove(kind) == null) {
                throw new IllegalArgumentException("no redaction kind '" + kind + "'; the kinds are "
                        + DEFAULT_PATTERNS.keySet() + " and card-number");
            }
            return this;
        }

        /** Also redacts what {@code regex} matches, as {@code [REDACTED:<kind>]}. */
        public Builder pattern(String kind, String regex) {
            if (kind == null || !kind.matches("[a-z0-9-]+")) {
                throw new IllegalArgumentException(
                        "a redaction kind is lower-case letters, digits and '-'; got " + kind);
            }
            try {
                patterns.put(kind, Pattern.compile(Objects.requireNonNull(regex, "regex")));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(
                        "the pattern for '" + kind + "' is not a regular expression: " + e.getDescription(), e);
            }
            return this;
        }

        /** Where it redacts; default tool results and answers (inputs and arguments may be added). */
        public Builder stages(Set<Stage> where) {
            if (where == null || where.isEmpty()) {
                throw new IllegalArgumentException("the redactor needs at least one stage");
            }
            this.stages = Set.copyOf(where);
            return this;
        }

        /** The redactor. */
        public SecretRedactor build() {
            return new SecretRedactor(this);
        }
    }
}
