package dev.harden.manifest;

import static org.assertj.core.api.Assertions.assertThat;

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
