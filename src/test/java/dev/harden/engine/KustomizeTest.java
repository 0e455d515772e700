package dev.harden.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.harden.yaml.DataValue;
import dev.harden.yaml.YamlException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kustomization files read by type: which files they list, and errors at the line and column. */
class KustomizeTest {
    private static final Path FILE = Path.of("/repo/app/kustomization.yaml").toAbsolutePath();

    @Test
    void listsFileNamesAndPathsButNotInlinePatchesOrUrls() throws Exception {
        Kustomize.Kustomization k = read("""
                resources:
                  - deployment.yaml
                  - https://example.com/remote.yaml
                patches:
                  - path: memory.yaml
                  - patch: |-
                      - op: remove
                        path: /spec/replicas
                    target: {kind: Deployment}
                patchesJson6902:
                  - target: {kind: Deployment, name: web}
                    path: ops.yaml
                """);

        assertThat(k.resources()).containsExactly(FILE.resolveSibling("deployment.yaml"));
        assertThat(k.patches()).containsExactly(FILE.resolveSibling("memory.yaml"));
        assertThat(k.jsonPatches()).containsExactly(FILE.resolveSibling("ops.yaml"));
        assertThat(k.mergePatches()).isEmpty();
    }

    @Test
    void aListThatIsASingleValueIsAnErrorAtItsLineAndColumn() {
        assertThatThrownBy(() -> read("resources: [deployment.yaml]\npatchesStrategicMerge: memory.yaml\n"))
                .isInstanceOf(YamlException.class)
                .hasMessage("2:24: patchesStrategicMerge must be a list, not 'memory.yaml'");
    }

    @Test
    void anItemThatIsAListIsAnErrorAtTheItem() {
        assertThatThrownBy(() -> read("resources:\n  - [a.yaml, b.yaml]\n"))
                .isInstanceOf(YamlException.class)
                .hasMessage("2:5: resources[0] must be a single value, not a list");
    }

    @Test
    void aKustomizationThatCannotBeReadListsNothingSoItsFilesAreHardenedAsUsual(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("kustomization.yaml"), "patches: memory.yaml\n");
        Files.writeString(dir.resolve("memory.yaml"), "kind: Pod\n");

        assertThat(new Kustomize().patch(dir.resolve("memory.yaml"), Optional.empty())).isEmpty();
    }

    @Test
    void aFileListedUnderPatchesThatHoldsNoManifestIsTakenForAJsonPatch(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("kustomization.yaml"), "patches:\n  - path: memory.yaml\n");

        Optional<Kustomize.Patch> patch = new Kustomize().patch(dir.resolve("memory.yaml"), Optional.empty());

        assertThat(patch).isPresent();
        assertThat(patch.get().json()).isTrue();
    }

    @Test
    void aKustomizationWithAListOfTheWrongShapeIsSaidOnceAsAWarningAtItsLineAndColumn() {
        assertThat(Kustomize.unreadable(FILE, "resources: [a.yaml]\npatches: memory.yaml\n".getBytes(StandardCharsets.UTF_8)))
                .hasValue("2:10: warning: patches must be a list, not 'memory.yaml'; harden cannot tell which files this"
                        + " kustomization patches, so it hardens them as whole manifests");
        assertThat(Kustomize.unreadable(FILE, "resources: [a.yaml]\n".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(Kustomize.unreadable(FILE.resolveSibling("other.yaml"), "patches: memory.yaml\n"
                .getBytes(StandardCharsets.UTF_8))).isEmpty();
    }

    private static Kustomize.Kustomization read(String yaml) throws YamlException {
        return Kustomize.read(FILE, DataValue.parse(yaml.getBytes(StandardCharsets.UTF_8)));
    }
}
