package dev.quarry.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The JSONL dataset format: every field read, every mistake named by line and field. */
class EvalDatasetTest {

    static final String FULL = """
            {"id": "lyon-nice", "task": "Compare the populations of Lyon and Nice", \
            "answer": {"contains": ["Lyon", "Nice"]}, \
            "calls": {"expect": [{"tool": "lookup", "args": {"city": {"contains": "lyon"}}}, \
            {"tool": "lookup", "args": {"city": "Nice", "year": {"present": true}}}], "ordered": true, "match": "exactly"}, \
            "citations": ["cities.md"], "limits": {"maxModelCalls": 3, "maxTokens": 20000, "maxLatencyMs": 30000}, \
            "rubric": "Says which is larger", "tags": ["comparison", "cities"]}""";

    private static List<EvalCase> parse(String... lines) {
        return EvalDataset.parse(List.of(lines), "cases.jsonl");
    }

    @Test
    void everyFieldIsRead() {
        EvalCase c = parse("# a comment", "", FULL).getFirst();

        assertThat(c.id()).isEqualTo("lyon-nice");
        assertThat(c.line()).isEqualTo(3);
        assertThat(c.answer().matches("Lyon is larger than nice")).isTrue();
        assertThat(c.answer().matches("Lyon only")).isFalse();
        assertThat(c.calls()).hasSize(2);
        assertThat(c.callsOrdered()).isTrue();
        assertThat(c.callsExactly()).isTrue();
        JsonNode lyon = EvalDataset.JSON.createObjectNode().put("city", "Greater Lyon");
        assertThat(c.calls().get(0).matches("lookup", lyon)).isTrue();
        assertThat(c.calls().get(1).matches("lookup", lyon)).isFalse();
        assertThat(c.calls()
                        .get(1)
                        .matches(
                                "lookup",
                                EvalDataset.JSON
                                        .createObjectNode()
                                        .put("city", "Nice")
                                        .put("year", 2020)))
                .isTrue();
        assertThat(c.citations()).containsExactly("cities.md");
        assertThat(c.limits()).isEqualTo(new EvalCase.CaseLimits(3, 20000, Duration.ofSeconds(30)));
        assertThat(c.rubric()).isEqualTo("Says which is larger");
        assertThat(c.tags()).isEqualTo(Set.of("comparison", "cities"));
    }

    @Test
    void answerKindsMatchAsDocumented() {
        List<EvalCase> cases = parse(
                "{\"task\": \"t\", \"answer\": {\"exact\": \"42\"}}",
                "{\"task\": \"t\", \"answer\": {\"regex\": \"\\\\d{3}-\\\\d{4}\"}}",
                "{\"task\": \"t\", \"answer\": {\"number\": 1234.5, \"tolerance\": 0.5}}",
                "{\"task\": \"t\", \"answer\": {\"json\": {\"city\": \"Lyon\", \"people\": 522250}}}");

        assertThat(cases.get(0).answer().matches(" 42\n")).isTrue();
        assertThat(cases.get(0).id()).isEqualTo("line-1");
        assertThat(cases.get(1).answer().matches("call 555-0100 now")).isTrue();
        assertThat(cases.get(2).answer().matches("about 1,234.9 in all")).isTrue();
        assertThat(cases.get(2).answer().matches("about 1,236 in all")).isFalse();
        assertThat(cases.get(3).answer().matches("{\"people\": 522250, \"city\": \"Lyon\"}"))
                .isTrue();
        assertThat(cases.get(3).answer().matches("Lyon")).isFalse();
    }

    @Test
    void mistakesAreNamedByLineAndField() {
        String good = "{\"task\": \"fine\"}";
        assertThatThrownBy(() -> parse(good, "{\"task\": \"x\",}"))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith("cases.jsonl line 2: is not JSON");
        assertThatThrownBy(() -> parse("{\"task\": \"x\", \"expected\": \"y\"}"))
                .hasMessageStartingWith("cases.jsonl line 1, field expected: is not a field of an evaluation case");
        assertThatThrownBy(() -> parse("{\"id\": \"a\"}")).hasMessage("cases.jsonl line 1, field task: is missing");
        assertThatThrownBy(() -> parse("{\"task\": \"x\", \"answer\": {\"regex\": \"(unclosed\"}}"))
                .hasMessageContaining("line 1, field answer.regex: is not a regular expression");
        assertThatThrownBy(() -> parse("{\"task\": \"x\", \"answer\": {\"number\": 3, \"tolerance\": -1}}"))
                .hasMessageContaining("field answer.tolerance: must be a number >= 0");
        assertThatThrownBy(() -> parse("{\"task\": \"x\", \"answer\": {\"exact\": \"a\", \"contains\": \"a\"}}"))
                .hasMessageContaining("field answer: must give exactly one of");
        assertThatThrownBy(
                        () -> parse(
                                "{\"task\": \"x\", \"calls\": {\"expect\": [{\"tool\": \"t\", \"args\": {\"q\": {\"like\": \"a\"}}}]}}"))
                .hasMessageContaining("field calls.expect[0].args.q: has unknown matcher 'like'");
        assertThatThrownBy(() -> parse("{\"task\": \"x\", \"calls\": {\"expect\": [], \"match\": \"most\"}}"))
                .hasMessageContaining("field calls.match: must be at-least or exactly");
        assertThatThrownBy(() -> parse("{\"task\": \"x\", \"limits\": {\"maxTokens\": 0}}"))
                .hasMessageContaining("field limits.maxTokens: must be a whole number >= 1");
        assertThatThrownBy(() -> parse("{\"id\": \"a\", \"task\": \"x\"}", "{\"id\": \"a\", \"task\": \"y\"}"))
                .hasMessageContaining("line 2, field id: repeats id 'a'");
        assertThatThrownBy(() -> parse("# nothing but comments", ""))
                .hasMessageContaining("the dataset cases.jsonl has no cases");
    }

    @Test
    void theSchemaShipsInTheJarAndNamesEveryFieldTheReaderAccepts() throws Exception {
        try (InputStream in = EvalDataset.class.getResourceAsStream("eval-case.schema.json")) {
            assertThat(in).isNotNull();
            JsonNode schema = EvalDataset.JSON.readTree(in);
            assertThat(schema.path("properties").properties())
                    .extracting(java.util.Map.Entry::getKey)
                    .containsExactlyInAnyOrder(
                            "id", "task", "answer", "calls", "citations", "limits", "rubric", "tags");
            assertThat(schema.at("/properties/answer/properties").properties())
                    .extracting(java.util.Map.Entry::getKey)
                    .containsExactlyInAnyOrder("exact", "contains", "regex", "number", "tolerance", "json");
            assertThat(schema.at("/properties/limits/properties").properties())
                    .extracting(java.util.Map.Entry::getKey)
                    .containsExactlyInAnyOrder("maxModelCalls", "maxTokens", "maxLatencyMs");
        }
    }
}
