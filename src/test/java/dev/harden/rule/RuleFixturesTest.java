package dev.harden.rule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harden.profile.Profile;
import dev.harden.report.Finding;
import dev.harden.testing.ComposeSchema;
import dev.harden.testing.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every before/after fixture: {@code rules/<rule-id>/bad.<case>.yaml} fixed by that rule alone
 * (strict's settings) must equal {@code fixed.<case>.yaml}; a bad case without a fixed file must be
 * left byte-identical. Each rule's documentation example ({@code dev/harden/examples/<rule-id>/})
 * runs the same way.
 */
class RuleFixturesTest {

    @TestFactory
    Stream<DynamicTest> everyFixtureFixesToItsExpectedBytes() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path ruleDir : list(root("rules"))) {
            String rule = ruleDir.getFileName().toString();
            for (Path bad : list(ruleDir)) {
                String name = bad.getFileName().toString();
                if (!name.startsWith("bad.")) {
                    continue;
                }
                String kase = name.substring("bad.".length(), name.length() - ".yaml".length());
                Path fixed = ruleDir.resolve("fixed." + kase + ".yaml");
                Path findings = ruleDir.resolve("findings." + kase + ".txt");
                tests.add(DynamicTest.dynamicTest(rule + " " + kase, () -> {
                    String before = Files.readString(bad, StandardCharsets.UTF_8);
                    String after = Files.exists(fixed) ? Files.readString(fixed, StandardCharsets.UTF_8) : before;
                    Fixtures.assertFixes(Fixtures.only(rule), before, after);
                    if (ComposeSchema.available() && after.contains("services:") && !before.equals(after)) {
                        assertThat(ComposeSchema.errors(after)).as("compose-spec schema").isEmpty();
                    }
                    if (Files.exists(findings)) {
                        assertThat(remaining(rule, before)).isEqualTo(Files.readString(findings, StandardCharsets.UTF_8));
                    }
                    Fixtures.assertIdempotentAndClean(Fixtures.profile("strict"), Fixtures.fixed(Fixtures.profile("strict"), before));
                }));
            }
        }
        for (Path exampleDir : list(root("dev/harden/examples"))) {
            String rule = exampleDir.getFileName().toString();
            tests.add(DynamicTest.dynamicTest(rule + " documentation example", () -> {
                String before = Files.readString(exampleDir.resolve("before.yaml"), StandardCharsets.UTF_8);
                String after = Files.readString(exampleDir.resolve("after.yaml"), StandardCharsets.UTF_8);
                Fixtures.assertFixes(Fixtures.only(rule), before, after);
            }));
        }
        return tests.stream();
    }

    @Test
    void everyRuleHasAnExampleAndAFixture() throws Exception {
        for (RuleInfo rule : RuleCatalog.builtIn().all()) {
            assertThat(root("dev/harden/examples").resolve(rule.id()).resolve("before.yaml")).as(rule.id()).exists();
            assertThat(root("rules").resolve(rule.id())).as(rule.id()).isDirectory();
        }
    }

    @Test
    void everyCatalogueRuleHasAClassWithBehaviourForItsTargetsAndEveryProfileRuleIsInTheCatalogue() {
        assertThat(Rules.disagreements(RuleCatalog.builtIn())).isEmpty();
        for (String name : Profile.BUILT_IN) {
            assertThat(Fixtures.profile(name).rules()).isNotEmpty();
        }
    }

    /** The findings a check of the rule leaves standing, one {@code line:col status message} per line. */
    private static String remaining(String rule, String text) {
        StringBuilder out = new StringBuilder();
        for (Finding f : Fixtures.check(Fixtures.only(rule), text).findings()) {
            if (f.status() != Finding.Status.FIXED && !(f.isOpen() && f.fixable())) {
                out.append(f.line()).append(':').append(f.column()).append(' ')
                        .append(f.status().name().toLowerCase(java.util.Locale.ROOT)).append(' ').append(f.message()).append('\n');
            }
        }
        return out.toString();
    }

    static Path root(String resource) throws URISyntaxException {
        URL url = RuleFixturesTest.class.getResource("/" + resource);
        if (url == null) {
            throw new IllegalStateException("no resource folder " + resource);
        }
        return Path.of(url.toURI());
    }

    static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    static String resource(String name) throws IOException {
        try (InputStream in = RuleFixturesTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
