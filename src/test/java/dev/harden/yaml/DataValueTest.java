package dev.harden.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Typed reads of a data file, and errors at the line and column of the offending key or value. */
class DataValueTest {

    private static DataValue parse(String text) throws YamlException {
        return DataValue.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anUnknownKeyIsAnErrorAtTheKeyWithTheClosestKnownKey() throws YamlException {
        DataValue root = parse("a: 1\nservce: x\n");
        assertThatThrownBy(() -> root.keys(Set.of("a", "service")))
                .isInstanceOf(YamlException.class).hasMessage("2:1: unknown key 'servce' (did you mean 'service'?)");
    }

    @Test
    void anUnknownKeyInANestedFlowMappingNamesItsPathAndColumn() throws YamlException {
        DataValue inner = parse("top:\n  inner: {colour: red}\n").require("top").require("inner");
        // "  inner: {" is ten characters, so the key starts in column 11
        assertThatThrownBy(() -> inner.keys(Set.of("color")))
                .hasMessage("2:11: top.inner: unknown key 'colour' (did you mean 'color'?)");
    }

    @Test
    void aValueOfTheWrongTypeIsAnErrorAtTheValue() throws YamlException {
        DataValue root = parse("fix: yes\ncount: many\nlist: {a: 1}\nname: [a]\n");
        assertThatThrownBy(() -> root.require("fix").bool()).hasMessage("1:6: fix must be true or false, not 'yes'");
        assertThatThrownBy(() -> root.require("count").number()).hasMessage("2:8: count must be a number, not 'many'");
        assertThatThrownBy(() -> root.require("list").items()).hasMessage("3:7: list must be a list, not a mapping");
        assertThatThrownBy(() -> root.require("name").text()).hasMessage("4:7: name must be a single value, not a list");
    }

    @Test
    void aMissingRequiredKeyIsAnErrorAtTheMappingThatLacksIt() throws YamlException {
        DataValue item = parse("exemptions:\n  - rules: [a]\n    service: db\n").require("exemptions").items().get(0);
        // the item's mapping starts after "  - ", in column 5
        assertThatThrownBy(() -> item.require("reason")).hasMessage("2:5: exemptions[0]: missing required key 'reason'");
    }

    @Test
    void aBadValueIsReportedWhereTheValueStarts() throws YamlException {
        DataValue policy = parse("policy:   sometimes\n").require("policy");
        assertThat(policy.error("policy must be no or always").getMessage()).isEqualTo("1:11: policy must be no or always");
    }

    @Test
    void aValueMergedWithAMergeKeyIsReportedWhereItIsWritten() throws YamlException {
        DataValue svc = parse("base: &b\n  fix: maybe\nsvc:\n  <<: *b\n").require("svc");
        assertThatThrownBy(() -> svc.require("fix").bool()).hasMessage("2:8: svc.fix must be true or false, not 'maybe'");
    }

    @Test
    void anAliasedValueIsReportedWhereTheAliasIsWritten() throws YamlException {
        DataValue y = parse("x: &v maybe\ny: *v\n").require("y");
        assertThatThrownBy(y::bool).hasMessage("2:4: y must be true or false, not 'maybe'");
    }

    @Test
    void listItemsAndEntriesKeepTheirOrderAndPaths() throws YamlException {
        DataValue root = parse("ports: [80, 443]\nnames: {b: 1, a: 2}\n");
        assertThat(root.require("ports").items()).extracting(DataValue::path).containsExactly("ports[0]", "ports[1]");
        assertThat(root.require("names").entries()).extracting(e -> e.key().path() + "=" + e.value().plain())
                .containsExactly("names.b=1", "names.a=2");
        assertThatThrownBy(() -> root.require("names").itemsOrOne())
                .hasMessage("2:8: names must be a list or a single value, not a mapping");
    }

    @Test
    void aSingleValueReadsAsTheOnlyItemWhereAListMayBeWritten() throws YamlException {
        DataValue root = parse("rules: cap-drop-all\n");
        assertThat(root.require("rules").itemsOrOne()).extracting(DataValue::text).containsExactly("cap-drop-all");
    }

    @Test
    void aNullValueReadsAsAbsentAndAnEmptyFileAsNull() throws YamlException {
        assertThat(parse("name: ~\n").get("name")).isEmpty();
        assertThat(parse("").isNull()).isTrue();
        assertThat(parse("# only a comment\n").isNull()).isTrue();
    }

    @Test
    void plainValuesReadTheSameAsTheirYaml() throws YamlException {
        DataValue plain = DataValue.of(Map.of("ports", List.of(80L), "fix", true, "name", "web"));
        DataValue yaml = parse("ports: [80]\nfix: true\nname: web\n");
        for (DataValue v : List.of(plain, yaml)) {
            assertThat(v.require("ports").items().get(0).number()).isEqualTo(80L);
            assertThat(v.require("fix").bool()).isTrue();
            assertThat(v.textOf("name")).contains("web");
        }
    }

    @Test
    void shippedDataThatTurnsOutWrongIsReadAgainFromItsYamlToSayWhere() {
        Object plain = Map.of("count", "many");
        assertThatThrownBy(() -> DataValue.readPlainOr(plain, () -> "count: many\n".getBytes(StandardCharsets.UTF_8),
                root -> root.require("count").number()))
                .isInstanceOf(YamlException.class).hasMessage("1:8: count must be a number, not 'many'");
    }

    @Test
    void controlCharactersInAQuotedValueArePrintedAsQuestionMarks() throws YamlException {
        DataValue v = parse("name: \"a\\u001b[31mb\"\n").require("name");
        assertThatThrownBy(v::bool).hasMessage("1:7: name must be true or false, not 'a?[31mb'");
    }
}
