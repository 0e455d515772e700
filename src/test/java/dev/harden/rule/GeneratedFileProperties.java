package dev.harden.rule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harden.engine.FileHardener;
import dev.harden.image.ImageKnowledge;
import dev.harden.profile.RepoConfig;
import dev.harden.report.FileReport;
import dev.harden.report.Finding;
import dev.harden.report.GeneratedFile;
import dev.harden.testing.Fixtures;
import dev.harden.yaml.Limits;
import dev.harden.yaml.Node;
import dev.harden.yaml.Plain;
import dev.harden.yaml.YamlFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** The NetworkPolicy file harden writes reads back as YAML with the namespace it was written for, whatever that holds. */
class GeneratedFileProperties {
    private static final int[] HOSTILE = {0x00, 0x01, 0x09, 0x0A, 0x0D, 0x1B, 0x7F, 0x85, 0x9B, 0xA0, 0x2028, 0x2029,
        0xFEFF, 0xFFFE, '"', '\'', '\\', ':', '#', ' ', '-', '{', '&', '*', 'a', 'z', '0', 0xE9, 0x1F600};
    private static final FileHardener HARDENER = new FileHardener(Fixtures.profile("strict"), ImageKnowledge.builtIn(),
            RepoConfig.none(), Limits.DEFAULT, p -> java.util.Optional.empty());

    @Property(tries = 300)
    void theNamespaceReadsBackExactlyOrNoFileIsWritten(@ForAll long seed) throws Exception {
        Random random = new Random(seed);
        StringBuilder namespace = new StringBuilder();
        StringBuilder escaped = new StringBuilder();
        for (int i = 0, n = 1 + random.nextInt(6); i < n; i++) {
            int cp = HOSTILE[random.nextInt(HOSTILE.length)];
            namespace.appendCodePoint(cp);
            escaped.append(String.format("\\U%08X", cp));
        }
        String manifest = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: \"" + escaped
                + "\"\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: nginx:1.27\n";
        FileReport report = HARDENER.process(Path.of("app.yaml"), "app.yaml", manifest.getBytes(StandardCharsets.UTF_8), true);
        assertThat(report.outcome()).isEqualTo(FileReport.Outcome.CHECKED);
        assertThat(report.kind()).isEqualTo(FileReport.Kind.KUBERNETES);
        if (report.generated().isEmpty()) {
            assertThat(report.findings()).anySatisfy(f -> {
                assertThat(f.ruleId()).isEqualTo("network-policy-default-deny");
                assertThat(f.status()).isEqualTo(Finding.Status.OPEN);
            });
            return;
        }
        GeneratedFile g = report.generated().get(0);
        YamlFile parsed = YamlFile.parse(g.content(), Limits.DEFAULT);
        assertThat(parsed.documents()).isNotEmpty();
        for (Node doc : parsed.documents()) {
            Map<?, ?> metadata = (Map<?, ?>) ((Map<?, ?>) Plain.of(doc)).get("metadata");
            assertThat(metadata.get("namespace")).isEqualTo(namespace.toString());
        }
    }
}
