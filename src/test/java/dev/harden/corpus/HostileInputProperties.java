package dev.harden.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harden.engine.FileHardener;
import dev.harden.image.ImageKnowledge;
import dev.harden.profile.RepoConfig;
import dev.harden.report.FileReport;
import dev.harden.testing.Fixtures;
import dev.harden.yaml.Limits;
import dev.harden.yaml.YamlFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Malformed and hostile YAML: the hardener always answers with a report, never an exception. */
class HostileInputProperties {
    private static final List<String> SEEDS = List.of(
            "services:\n  web:\n    image: nginx:1.27\n    ports: [\"80:80\"]\n    environment:\n      A: &a 1\n      B: *a\n",
            "x-c: &c\n  restart: always\nservices:\n  a:\n    <<: *c\n    image: redis\n  b: *c\n",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: busybox\n---\nkind: List\n",
            "%YAML 1.2\n---\nservices: {a: {image: x, cap_drop: [ALL]}}\n...\n");
    private static final String NOISE = ":-[]{}#&*!|>'\"%@`,?\t\n \r\u00A0\uFEFF{{";
    private static final FileHardener HARDENER = new FileHardener(Fixtures.profile("strict"), ImageKnowledge.builtIn(),
            RepoConfig.none(), Limits.DEFAULT);

    @Property(tries = 1500)
    void mutatedFilesAreReportedNeverThrown(@ForAll @IntRange(min = 0, max = 3) int seedIndex, @ForAll long seed) {
        Random random = new Random(seed);
        StringBuilder text = new StringBuilder(SEEDS.get(seedIndex));
        int mutations = 1 + random.nextInt(6);
        for (int i = 0; i < mutations; i++) {
            int at = random.nextInt(text.length() + 1);
            switch (random.nextInt(3)) {
                case 0 -> text.insert(at, NOISE.charAt(random.nextInt(NOISE.length())));
                case 1 -> {
                    if (at < text.length()) {
                        text.deleteCharAt(at);
                    }
                }
                default -> text.insert(at, text.substring(random.nextInt(text.length() / 2 + 1)));
            }
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        FileReport report = HARDENER.process(Path.of("fuzz.yaml"), "fuzz.yaml", bytes, true);
        assertThat(report).isNotNull();
        assertThat(report.original()).isEqualTo(bytes);
        if (!report.checked()) {
            assertThat(report.problem().kind()).isNotEqualTo(dev.harden.report.Problem.Kind.INTERNAL_ERROR);
            assertThat(report.problem().text()).matches("\\d+:\\d+: [^\\n]+").doesNotContain("internal error");
            assertThat(report.fixed()).isNull();
        }
        if (report.changed()) {
            assertThat(parses(report.fixed())).as("a fixed file parses").isTrue();
        }
    }

    private static boolean parses(byte[] bytes) {
        try {
            YamlFile.parse(bytes, Limits.DEFAULT);
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
