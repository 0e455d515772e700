package dev.harden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harden.engine.FileHardener;
import dev.harden.image.ImageKnowledge;
import dev.harden.profile.Profile;
import dev.harden.profile.RepoConfig;
import dev.harden.report.FileReport;
import dev.harden.report.GeneratedFile;
import dev.harden.json.Json;
import dev.harden.report.Sarif;
import dev.harden.rule.RuleCatalog;
import dev.harden.rule.RuleInfo;
import dev.harden.testing.Fixtures;
import dev.harden.testing.SarifSchema;
import dev.harden.yaml.Limits;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * SARIF for code scanning: valid against the official schema, fingerprints that survive edits above
 * a finding, and fixes that a consumer applying their replacements turns into exactly harden's fix.
 */
class SarifTest {
    @TempDir
    Path dir;

    private static final String STACK = """
            services:
              web:
                image: nginx:1.27  # front door
                ports:
                  - "80:80"
              db:
                image: postgres:17
            """;

    @Test
    void theSarifOfEveryRuleFixtureValidatesAgainstTheOfficialSchemaAndNamesEveryRule() throws Exception {
        for (Path ruleDir : list(root())) {
            for (Path bad : list(ruleDir)) {
                if (bad.getFileName().toString().startsWith("bad.")) {
                    Path copy = dir.resolve(ruleDir.getFileName().toString()).resolve(bad.getFileName().toString());
                    Files.createDirectories(copy.getParent());
                    Files.copy(bad, copy);
                }
            }
        }
        Cli r = Cli.run("check", "--format", "sarif", "--profile", "strict", dir.toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(SarifSchema.errors(r.out())).isEmpty();
        assertThat(SarifSchema.errors(r.out().replace("\"startLine\": ", "\"startLine\": -"))).as("the validator at work").isNotEmpty();
        Set<String> reported = new TreeSet<>();
        for (Map<String, Object> result : results(r.out())) {
            reported.add((String) result.get("ruleId"));
        }
        Set<String> catalogue = new TreeSet<>();
        RuleCatalog.builtIn().all().stream().map(RuleInfo::id).forEach(catalogue::add);
        assertThat(reported).isEqualTo(catalogue);
        assertThat(r.out()).contains("\"fixes\"", "\"partialFingerprints\"", "\"harden/v1\"", "\"security-severity\"");
    }

    @TestFactory
    Stream<DynamicTest> appliedFixesOfEverySingleRuleFixtureGiveExactlyWhatFixWrites() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path ruleDir : list(root())) {
            String rule = ruleDir.getFileName().toString();
            for (Path bad : list(ruleDir)) {
                String name = bad.getFileName().toString();
                if (name.startsWith("bad.")) {
                    tests.add(DynamicTest.dynamicTest(rule + " " + name, () -> {
                        String before = Files.readString(bad, StandardCharsets.UTF_8);
                        assertFixesGiveTheFix(Fixtures.only(rule), before);
                    }));
                }
            }
        }
        return tests.stream();
    }

    @Test
    void appliedFixesOfAWholeProfileGiveTheFixWhenItsRulesTouchDifferentPlaces() throws IOException {
        // baseline's fixable rules here (cap-drop-all, no-new-privileges, pids-limit) each add keys of their own
        String sarif = assertFixesGiveTheFix(Fixtures.profile("baseline"), STACK);
        assertThat(results(sarif)).extracting(m -> m.get("ruleId"))
                .contains("cap-drop-all", "no-new-privileges", "pids-limit");
    }

    @Test
    void eachFindingsFixAloneRemovesThatFindingAndNoOther() throws IOException {
        Profile profile = Fixtures.profile("baseline");
        String sarif = sarifOf(profile, STACK);
        List<String> before = fingerprints(sarif);
        int fixed = 0;
        for (Map<String, Object> result : results(sarif)) {
            if (!result.containsKey("fixes")) {
                continue;
            }
            String after = applyFixes(List.of(result), Map.of("compose.yaml", STACK)).get("compose.yaml");
            List<String> remaining = fingerprints(sarifOf(profile, after));
            List<String> expected = new ArrayList<>(before);
            expected.remove(fingerprint(result));
            assertThat(remaining).as("after fixing %s", fingerprint(result)).containsExactlyInAnyOrderElementsOf(expected);
            fixed++;
        }
        assertThat(fixed).isEqualTo(6);
    }

    @Test
    void fingerprintsStayTheSameWhenLinesAreInsertedAboveAFinding() throws IOException {
        Path file = dir.resolve("compose.yaml");
        Files.writeString(file, STACK);
        String first = Cli.run("check", "--format", "sarif", "--profile", "restricted", file.toString()).out();
        Files.writeString(file, "# the shop's front end\nname: shop\n\n" + STACK.replace("  db:\n", "\n  # storage\n  db:\n"));
        String second = Cli.run("check", "--format", "sarif", "--profile", "restricted", file.toString()).out();
        assertThat(first).contains("\"startLine\": 6").doesNotContain("\"startLine\": 11");
        assertThat(second).contains("\"startLine\": 11");
        assertThat(fingerprints(second)).isNotEmpty().containsExactlyElementsOf(fingerprints(first));
    }

    @Test
    void twoRunsPrintTheSameBytes() throws IOException {
        Path file = dir.resolve("compose.yaml");
        Files.writeString(file, STACK);
        String first = Cli.run("check", "--format", "sarif", file.toString()).out();
        assertThat(Cli.run("check", "--format", "sarif", file.toString()).out()).isEqualTo(first);
    }

    @Test
    void filesAreNamedRelativeToTheSourceRootAsUris() {
        Path root = Path.of("/repo");
        assertThat(CheckCommand.uri(root, Path.of("/repo/deploy/my app/compose.yaml"))).isEqualTo("deploy/my%20app/compose.yaml");
        assertThat(CheckCommand.uri(root, Path.of("/elsewhere/k8s.yaml"))).isEqualTo("file:///elsewhere/k8s.yaml");
        String sarif = Cli.run("check", "--format", "sarif", "examples/compose/shop").out();
        assertThat(sarif).contains("\"uri\": \"examples/compose/shop/compose.yaml\",\n", "\"uriBaseId\": \"%SRCROOT%\"");
    }

    @Test
    void ruleMetadataCarriesHelpTextLinksAndASecuritySeverity() {
        String sarif = Cli.run("check", "--format", "sarif", "examples/compose/shop").out();
        assertThat(sarif).contains("\"helpUri\": \"https://github.com/harden-dev/harden/blob/main/docs/rules.md#cap-drop-all\"",
                "[Rule documentation](https://github.com/harden-dev/harden/blob/main/docs/rules.md#cap-drop-all)",
                "\"security-severity\": \"8.0\"", "\"tags\": [\n");
    }

    // ---- the harness: a SARIF consumer applying fixes ----------------------------------------------

    /** Checks {@code before} as compose.yaml, applies every fix of the SARIF, and compares with the fix. */
    private static String assertFixesGiveTheFix(Profile profile, String before) throws IOException {
        String sarif = sarifOf(profile, before);
        if (SarifAvailable.yes()) {
            assertThat(SarifSchema.errors(sarif)).isEmpty();
        }
        FileReport fix = hardener(profile).process(Path.of("compose.yaml"), "compose.yaml", bytes(before), true);
        // regions count the characters after a byte order mark, as a reader decoding the file sees them
        String decoded = text(bytes(before));
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("compose.yaml", fix.changed() ? text(fix.fixed()) : decoded);
        Map<String, String> texts = new LinkedHashMap<>();
        texts.put("compose.yaml", decoded);
        for (GeneratedFile g : fix.generated()) {
            expected.put(g.name(), text(g.content()));
            texts.put(g.name(), "");
        }
        assertThat(applyFixes(results(sarif), texts)).isEqualTo(expected);
        return sarif;
    }

    private static String sarifOf(Profile profile, String text) {
        FileHardener hardener = hardener(profile);
        FileReport report = hardener.process(Path.of("compose.yaml"), "compose.yaml", bytes(text), false);
        Map<String, dev.harden.report.Severity> levels = new LinkedHashMap<>();
        profile.rules().forEach((id, s) -> levels.put(id, s.severity()));
        return Sarif.write(List.of(report), new Sarif.Input(RuleCatalog.builtIn().all().stream()
                .filter(r -> levels.containsKey(r.id())).map(RuleInfo::doc).toList(), levels, "test",
                hardener.fixes(Path.of("compose.yaml"), report), Map.of()));
    }

    private static FileHardener hardener(Profile profile) {
        return new FileHardener(profile, ImageKnowledge.builtIn(), RepoConfig.none(), Limits.DEFAULT);
    }

    /**
     * Applies the replacements of every fix of {@code results} to the texts by URI, locating each
     * region by line and column (and checking that its character offset says the same).
     */
    @SuppressWarnings("unchecked")
    static Map<String, String> applyFixes(List<Map<String, Object>> results, Map<String, String> texts) {
        Map<String, List<long[]>> edits = new LinkedHashMap<>();
        Map<String, List<String>> inserts = new LinkedHashMap<>();
        for (Map<String, Object> result : results) {
            for (Object fix : (List<Object>) result.getOrDefault("fixes", List.of())) {
                for (Object c : (List<Object>) ((Map<String, Object>) fix).get("artifactChanges")) {
                    Map<String, Object> change = (Map<String, Object>) c;
                    String uri = (String) ((Map<String, Object>) change.get("artifactLocation")).get("uri");
                    assertThat(texts).as("fix of an unknown file").containsKey(uri);
                    String text = texts.get(uri);
                    for (Object x : (List<Object>) change.get("replacements")) {
                        Map<String, Object> rep = (Map<String, Object>) x;
                        Map<String, Object> region = (Map<String, Object>) rep.get("deletedRegion");
                        long start = offset(text, (Long) region.get("startLine"), (Long) region.get("startColumn"));
                        long end = offset(text, (Long) region.get("endLine"), (Long) region.get("endColumn"));
                        assertThat(region.get("charOffset")).isEqualTo(start);
                        assertThat(region.get("charLength")).isEqualTo(end - start);
                        edits.computeIfAbsent(uri, k -> new ArrayList<>()).add(new long[] {start, end, inserts.size()});
                        inserts.computeIfAbsent(uri + "\0" + (edits.get(uri).size() - 1), k -> new ArrayList<>())
                                .add((String) ((Map<String, Object>) rep.get("insertedContent")).get("text"));
                    }
                }
            }
        }
        Map<String, String> out = new LinkedHashMap<>(texts);
        edits.forEach((uri, list) -> {
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                order.add(i);
            }
            order.sort((a, b) -> Long.compare(list.get(a)[0], list.get(b)[0]));
            String text = texts.get(uri);
            StringBuilder sb = new StringBuilder();
            long copied = 0;
            for (int i : order) {
                long[] e = list.get(i);
                assertThat(e[0]).as("replacements of %s overlap", uri).isGreaterThanOrEqualTo(copied);
                sb.append(text, (int) copied, (int) e[0]).append(inserts.get(uri + "\0" + i).get(0));
                copied = e[1];
            }
            out.put(uri, sb.append(text, (int) copied, text.length()).toString());
        });
        return out;
    }

    /** SARIF's 1-based line and column (UTF-16 units, lines ended by LF) as an offset into the text. */
    private static long offset(String text, long line, long column) {
        int at = 0;
        for (long l = 1; l < line; l++) {
            at = text.indexOf('\n', at) + 1;
            assertThat(at).as("line %s exists", line).isPositive();
        }
        return at + column - 1;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> results(String sarif) {
        Map<String, Object> root = (Map<String, Object>) Json.parse(sarif);
        Map<String, Object> run = (Map<String, Object>) ((List<Object>) root.get("runs")).get(0);
        return (List<Map<String, Object>>) (List<?>) run.get("results");
    }

    @SuppressWarnings("unchecked")
    private static String fingerprint(Map<String, Object> result) {
        return (String) ((Map<String, Object>) result.get("partialFingerprints")).get("harden/v1");
    }

    private static List<String> fingerprints(String sarif) {
        return results(sarif).stream().map(SarifTest::fingerprint).toList();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        String s = new String(b, StandardCharsets.UTF_8);
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }

    private static Path root() throws URISyntaxException {
        return Path.of(SarifTest.class.getResource("/rules").toURI());
    }

    private static List<Path> list(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.sorted().toList();
        }
    }

    /** Whether the schema is here; the fix harness runs either way. */
    private static final class SarifAvailable {
        static boolean yes() {
            return Files.isRegularFile(Path.of("../shared/schemas/sarif-schema-2.1.0.json"))
                    || Files.isRegularFile(Path.of("/work/shared/schemas/sarif-schema-2.1.0.json"));
        }
    }
}
