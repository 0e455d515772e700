package dev.harden.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harden.testing.Corpus;
import dev.harden.yaml.Limits;
import dev.harden.yaml.YamlException;
import dev.harden.yaml.YamlFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every real file of the corpus loads and, with no edit, prints back byte for byte. */
class EditorCorpusTest {

    @Test
    void everyCorpusFileLoadsAndPrintsBackByteIdenticalWithoutAnEdit() throws Exception {
        List<String> failures = new ArrayList<>();
        int loaded = 0;
        for (String folder : List.of("compose", "kubernetes")) {
            for (Path path : Corpus.files(folder)) {
                byte[] bytes = Files.readAllBytes(path);
                try {
                    YamlFile file = YamlFile.parse(bytes, Limits.DEFAULT);
                    if (!java.util.Arrays.equals(file.edit().apply(), bytes) || !java.util.Arrays.equals(file.bytes(), bytes)) {
                        failures.add(path + ": printed back differently");
                    }
                    loaded++;
                } catch (YamlException e) {
                    failures.add(path + ":" + e.getMessage());
                }
            }
        }
        assertThat(failures).isEmpty();
        assertThat(loaded).isGreaterThan(100);
    }

    @Test
    void helmChartTemplatesAreRecognisedAsTemplatesNotBrokenYaml() throws Exception {
        int templates = 0;
        for (Path path : Corpus.files("kubernetes-helm")) {
            try {
                YamlFile.parse(Files.readAllBytes(path), Limits.DEFAULT);
            } catch (YamlException e) {
                assertThat(e.kind()).as(path + ": " + e.getMessage()).isEqualTo(YamlException.Kind.TEMPLATE);
                templates++;
            }
        }
        assertThat(templates).isGreaterThan(0);
    }
}
