package dev.harden.rule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harden.engine.FileHardener;
import dev.harden.image.ImageFacts;
import dev.harden.image.ImageKnowledge;
import dev.harden.profile.RepoConfig;
import dev.harden.report.FileReport;
import dev.harden.report.Finding;
import dev.harden.testing.ComposeSchema;
import dev.harden.testing.Fixtures;
import dev.harden.yaml.Limits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * An image that runs as uid 1001 from the start and must own an empty folder (facts read from its
 * files): the tmpfs harden adds there is made with that owner in Compose; Kubernetes, whose emptyDir
 * belongs to root, keeps a writable root and says why.
 */
class OwnedTmpfsTest {
    /** What ImageInspection derives for {@code USER 1001} with an empty {@code /var/lib/app} owned by 1001. */
    private static final ImageFacts APP = new ImageFacts("team/app", "1001", false, "1001:1001", List.of(),
            List.of("/tmp", "/var/lib/app"), List.of(), true, true, List.of(), "image",
            List.of("image files: /var/lib/app is owned by uid 1001 and empty"), null, List.of(), List.of("/var/lib/app"));

    private static FileReport fix(String profile, String text) {
        ImageKnowledge knowledge = ImageKnowledge.builtIn().withFallback(ref -> ref.name().equals("team/app") ? Optional.of(APP)
                : Optional.empty());
        return new FileHardener(Fixtures.profile(profile), knowledge, RepoConfig.none(), Limits.DEFAULT)
                .process(Path.of("compose.yaml"), "compose.yaml", text.getBytes(StandardCharsets.UTF_8), true);
    }

    @Test
    void aComposeTmpfsOverAFolderTheImagesUserMustOwnIsMadeWithThatOwner() {
        FileReport r = fix("restricted", "services:\n  app:\n    image: team/app:1\n");
        String fixed = new String(r.fixed(), StandardCharsets.UTF_8);

        assertThat(fixed).contains("""
                    read_only: true
                    tmpfs:
                      - /tmp
                      - /var/lib/app:uid=1001,gid=1001
                """);
        assertThat(r.findings()).filteredOn(f -> f.ruleId().equals("read-only-root-filesystem")).singleElement()
                .satisfies(f -> assertThat(f.message()).isEqualTo("made the root filesystem read-only with tmpfs at /tmp,"
                        + " /var/lib/app (owned by uid 1001, as in the image)"));
        if (ComposeSchema.available()) {
            assertThat(ComposeSchema.errors(fixed)).as("compose-spec schema").isEmpty();
        }
        assertThat(fix("restricted", fixed).changed()).as("idempotent").isFalse();
    }

    @Test
    void aServiceThatSetsAnotherUserGetsAPlainTmpfsAndOneThatSetsTheSameUserKeepsTheOwner() {
        String fixed = new String(fix("restricted", "services:\n  app:\n    image: team/app:1\n    user: \"2000\"\n").fixed(),
                StandardCharsets.UTF_8);
        assertThat(fixed).contains("      - /var/lib/app\n").doesNotContain("uid=");

        String same = new String(fix("restricted", "services:\n  app:\n    image: team/app:1\n    user: \"1001\"\n").fixed(),
                StandardCharsets.UTF_8);
        assertThat(same).contains("      - /var/lib/app:uid=1001,gid=1001\n");
    }

    @Test
    void aKubernetesContainerKeepsAWritableRootSinceAnEmptyDirBelongsToRoot() {
        FileReport r = fix("restricted", """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: app
                spec:
                  containers:
                    - name: app
                      image: team/app:1
                """);
        assertThat(new String(r.fixed(), StandardCharsets.UTF_8)).doesNotContain("readOnlyRootFilesystem").doesNotContain("emptyDir");
        assertThat(r.findings()).filteredOn(f -> f.ruleId().equals("read-only-root-filesystem")).singleElement().satisfies(f -> {
            assertThat(f.status()).isEqualTo(Finding.Status.EXEMPTED);
            assertThat(f.reason()).isEqualTo("image team/app runs as uid 1001, which must own /var/lib/app, and an emptyDir"
                    + " belongs to root: mount a volume there, then make the root read-only");
        });
    }
}
