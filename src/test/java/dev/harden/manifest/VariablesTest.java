package dev.harden.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class VariablesTest {

    @Test
    void defaultsApplyAsComposeAppliesThem() {
        Variables env = Variables.fromEnvFile("SET=x\nEMPTY=\n");
        assertThat(env.evaluate("${UNSET:-0}")).contains("0");
        assertThat(env.evaluate("${UNSET-0}")).contains("0");
        assertThat(env.evaluate("${EMPTY:-d}")).contains("d");
        assertThat(env.evaluate("${EMPTY-d}")).contains("");
        assertThat(env.evaluate("${SET:-d}")).contains("x");
        assertThat(env.evaluate("${SET:+alt}")).contains("alt");
        assertThat(env.evaluate("${UNSET:+alt}")).contains("");
        assertThat(env.evaluate("${SET:?needed}")).contains("x");
        assertThat(env.evaluate("$SET/${SET}:$$HOME")).contains("x/x:$HOME");
        assertThat(env.evaluate("${UNSET:-${SET:-y}}-${UNSET:-${OTHER:-z}}")).contains("x-z");
    }

    @Test
    void aVariableWithoutValueOrDefaultMakesTheTextUnknowable() {
        Variables env = Variables.none();
        assertThat(env.evaluate("${UID}")).isEmpty();
        assertThat(env.evaluate("$UID:0")).isEmpty();
        assertThat(env.evaluate("${UID:?set UID}")).isEmpty();
        assertThat(env.evaluate("${UID:-${GID}}")).isEmpty();
        assertThat(env.evaluate("${UNCLOSED:-0")).isEmpty();
        assertThat(env.evaluate("plain")).contains("plain");
    }

    @Test
    void substitutionAsComposeStartsAServiceReadsAVariableWithoutValueAsEmpty() {
        Variables env = Variables.of(Map.of("SET", "x", "EMPTY", ""));
        assertThat(env.substitute("${UID}:$GID/${SET}")).isEqualTo(":/x");
        assertThat(env.substitute("${UID:?set UID}|${EMPTY:?e}|${SET:?s}")).isEqualTo("||x");
        assertThat(env.substitute("${UID:-${GID:-1000}}")).isEqualTo("1000");
        assertThat(env.substitute("${UID-d}|${EMPTY-d}|${EMPTY:-d}|${UID:+a}|${SET+a}")).isEqualTo("d||d||a");
        assertThat(env.substitute("$$HOME ${SET} $")).isEqualTo("$HOME x $");
        assertThat(env.substitute(null)).isNull();
    }

    @Test
    void substitutionLeavesADollarAndBraceThatStartNoReferenceAsWritten() {
        Variables env = Variables.of(Map.of("SET", "x"));
        assertThat(env.substitute("${SET} ${UNCLOSED:-0")).isEqualTo("x ${UNCLOSED:-0");
        assertThat(env.substitute("${A B} ${SET}")).isEqualTo("${A B} x");
        assertThat(env.substitute("end ${")).isEqualTo("end ${");
    }

    @Property(tries = 2000)
    void substitutionGivesWhatEvaluationGivesWheneverEvaluationKnowsTheValue(@ForAll("texts") String text) {
        Variables env = Variables.of(Map.of("SET", "x", "EMPTY", "", "DOLLAR", "$"));
        env.evaluate(text).ifPresent(v -> assertThat(env.substitute(text)).as(text).isEqualTo(v));
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.of("$", "{", "}", "${", "SET", "EMPTY", "UNSET", ":-", "-", ":+", "+", ":?", "?", "$$", "a", "/", " ")
                .list().ofMaxSize(10).map(parts -> String.join("", parts));
    }

    @Test
    void readsEnvFilesWithQuotesCommentsAndExport() {
        Variables env = Variables.fromEnvFile("""
                # a comment
                export A=1
                B = two words # trailing comment
                C='${A} stays literal'
                D="line\\nbreak ${A}"
                E=${A}-x
                not a variable line
                """);
        assertThat(env.evaluate("${A}|${B}|${C}|${D}|${E}")).contains("1|two words|${A} stays literal|line\nbreak 1|1-x");
    }
}
