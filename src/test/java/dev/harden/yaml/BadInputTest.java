package dev.harden.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BadInputTest {

    private static YamlException refusal(String text) {
        try {
            YamlFile.parse(text.getBytes(StandardCharsets.UTF_8), Limits.DEFAULT);
        } catch (YamlException e) {
            return e;
        }
        throw new AssertionError("accepted: " + text);
    }

    @Test
    void refusesAnAliasBombBeforeExpandingIt() {
        StringBuilder bomb = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (char c = 'b'; c <= 'j'; c++) {
            char p = (char) (c - 1);
            bomb.append(c).append(": &").append(c).append(" [*").append(p);
            for (int i = 0; i < 8; i++) {
                bomb.append(",*").append(p);
            }
            bomb.append("]\n");
        }
        YamlException e = refusal(bomb.toString());
        assertThat(e.kind()).isEqualTo(YamlException.Kind.LIMIT);
        assertThat(e.reason()).contains("alias bomb");
        assertThat(e.line()).isBetween(6, 10);
    }

    @Test
    void refusesADuplicateKeyInAnyMappingNamingBothLines() {
        YamlException nested = refusal("services:\n  web:\n    image: a\n  db:\n    image: b\n  web:\n    image: c\n");
        assertThat(nested.kind()).isEqualTo(YamlException.Kind.SYNTAX);
        assertThat(nested.getMessage()).isEqualTo("6:3: duplicate key 'web' (first at line 2)");
        assertThat(refusal("services: {}\nx: 1\nservices:\n  a: {}\n").getMessage())
                .isEqualTo("3:1: duplicate key 'services' (first at line 1)");
        assertThat(refusal("a: {p: 1, q: 2, p: 3}\n").getMessage()).isEqualTo("1:17: duplicate key 'p' (first at line 1)");
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            big.append("k").append(i).append(": ").append(i).append('\n');
        }
        assertThat(refusal(big + "k7: again\n").getMessage()).isEqualTo("41:1: duplicate key 'k7' (first at line 8)");
    }

    @Test
    void acceptsEqualKeysInDifferentMappingsAndDocuments() throws Exception {
        YamlFile f = YamlFile.parse("a:\n  x: 1\nb:\n  x: 2\n---\na: 3\n");
        assertThat(f.documents()).hasSize(2);
    }

    @Test
    void refusesNestingDeeperThanTheLimit() {
        YamlException e = refusal("a: " + "[".repeat(5000) + "]".repeat(5000) + "\n");
        assertThat(e.kind()).isEqualTo(YamlException.Kind.LIMIT);
        assertThat(e.reason()).contains("nesting deeper than 200");
    }

    @Test
    void refusesFilesOverTheSizeLimitWithoutParsingThem() {
        byte[] big = ("a: " + "x".repeat(2000) + "\n").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> YamlFile.parse(big, Limits.DEFAULT.withMaxBytes(1000)))
                .isInstanceOf(YamlException.class).hasMessageContaining("over the limit of 1000");
    }

    @Test
    void namesTheLineAndColumnOfInvalidUtf8() {
        byte[] bytes = {'a', ':', ' ', '1', '\n', 'b', ':', ' ', (byte) 0xC3, (byte) 0x28, '\n'};
        assertThatThrownBy(() -> YamlFile.parse(bytes, Limits.DEFAULT))
                .isInstanceOf(YamlException.class).hasMessage("2:4: invalid UTF-8 byte 0xC3; harden reads UTF-8 only");
    }

    @Test
    void namesTheLineAndColumnOfASyntaxError() {
        YamlException e = refusal("services:\n  web:\n    image: nginx\n   ports: [80\n");
        assertThat(e.kind()).isEqualTo(YamlException.Kind.SYNTAX);
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.reason()).startsWith("YAML syntax error:").doesNotContain("\n");
    }

    @Test
    void recognisesHelmTemplateActionsOutsideStrings() {
        YamlException control = refusal("metadata:\n  name: x\n{{- if .Values.enabled }}\nspec: {}\n{{- end }}\n");
        assertThat(control.kind()).isEqualTo(YamlException.Kind.TEMPLATE);
        assertThat(control.line()).isEqualTo(3);
        YamlException value = refusal("metadata:\n  name: {{ .Release.Name }}\n");
        assertThat(value.kind()).isEqualTo(YamlException.Kind.TEMPLATE);
        assertThat(value.line()).isEqualTo(2);
    }

    @Test
    void acceptsTemplateTextInsideStringsAndBlockScalars() throws Exception {
        YamlFile f = YamlFile.parse("""
                groups:
                  - alert: Down
                    annotations:
                      summary: "{{ $labels.instance }} is down"
                      description: '{{ $value }} for 5m'
                data:
                  config.j2: |
                    {{ if x }}
                    {% for a in b %}
                """);
        assertThat(f.documents()).hasSize(1);
    }

    @Test
    void refusesAliasesToUndefinedAnchors() {
        assertThat(refusal("a: *nowhere\n").reason()).contains("refers to no anchor");
    }

    @Test
    void parsesTabsInCommentsVeryLongLinesAndNonAsciiText() throws Exception {
        String text = "# a\tcomment\twith tabs\nkey: " + "ü".repeat(200_000) + "  #\tend\nlist: [日本, 😀]\n";
        YamlFile f = YamlFile.parse(text.getBytes(StandardCharsets.UTF_8), Limits.DEFAULT);
        Editor e = f.edit();
        e.put((Mapping) f.documents().get(0), "z", Scalar.string("ok"));
        assertThat(e.applyText()).isEqualTo(text + "z: ok\n");
    }
}
