package dev.harden.profile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harden.report.FileReport;
import dev.harden.report.Severity;
import dev.harden.rule.RuleCatalog;
import dev.harden.testing.Fixtures;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every rule, with each shipped profile's parameters (the catalogue's defaults where a profile does
 * not apply the rule), checks and fixes every rule fixture: a rule asking for a parameter its
 * {@code rules.yaml} entry does not declare throws, and the file fails instead of being hardened.
 */
class EveryProfileThroughEveryRuleTest {

    @TestFactory
    Stream<DynamicTest> everyRuleReadsOnlyParametersItDeclares() throws IOException, URISyntaxException {
        List<Path> fixtures;
        try (Stream<Path> files = Files.walk(Path.of(EveryProfileThroughEveryRuleTest.class.getResource("/rules").toURI()))) {
            fixtures = files.filter(f -> f.getFileName().toString().startsWith("bad.")).sorted().toList();
        }
        assertThat(fixtures).hasSizeGreaterThan(50);
        return Profile.BUILT_IN.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            Profile all = everyRule(Fixtures.profile(name));
            for (Path fixture : fixtures) {
                String text = Files.readString(fixture, StandardCharsets.UTF_8);
                for (FileReport r : List.of(Fixtures.check(all, text), Fixtures.fix(all, text))) {
                    assertThat(r.outcome()).as("%s with %s: %s", fixture, name, r.problem()).isNotEqualTo(FileReport.Outcome.FAILED);
                }
            }
        }));
    }

    /** A profile applying every catalogue rule with fix on, with the parameters {@code shipped} gives the rules it applies. */
    private static Profile everyRule(Profile shipped) {
        Map<String, RuleSetting> rules = new LinkedHashMap<>();
        RuleCatalog.builtIn().parameters().forEach((id, declared) -> {
            RuleSetting s = shipped.rules().get(id);
            rules.put(id, new RuleSetting(s == null ? Severity.WARNING : s.severity(), true, s == null ? declared : s.params()));
        });
        return new Profile(shipped.name(), "", rules, shipped.podSpecPaths(), shipped.unknownImages());
    }
}
