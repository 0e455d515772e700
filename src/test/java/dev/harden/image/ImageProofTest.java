package dev.harden.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.harden.yaml.Limits;
import dev.harden.yaml.Plain;
import dev.harden.yaml.YamlException;
import dev.harden.yaml.YamlFile;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Knowledge entries record for people whether they were proven on an engine, when, on which engine
 * and with which image; harden checks those records when it loads the file, and decides nothing by them.
 */
class ImageProofTest {
    @Test
    void anEntryProvenOnAnEngineRecordsItsDateEngineAndImageAndAVariantItsOwn() throws Exception {
        byte[] bytes = Files.readAllBytes(Path.of("examples/compose/local-images.yaml"));
        ImageKnowledge.parse(bytes, "local-images.yaml");

        Map<?, ?> nginx = entry(bytes, "local/nginx");
        Map<?, ?> variant = (Map<?, ?>) ((List<?>) nginx.get("variants")).get(0);

        assertThat(nginx.get("evidence")).isEqualTo("proven");
        assertThat(String.valueOf(((Map<?, ?>) nginx.get("proven")).get("engine"))).startsWith("Docker Engine");
        assertThat(String.valueOf(((Map<?, ?>) nginx.get("proven")).get("image"))).startsWith("local/nginx:deb ");
        assertThat(String.valueOf(((Map<?, ?>) variant.get("proven")).get("image"))).startsWith("local/nginx:deb-user ");
    }

    @Test
    void builtInEntriesWithoutAProofSayTheirFactsAreOnlyDocumentedOrDerived() throws Exception {
        ImageFacts nginx = ImageKnowledge.builtIn().lookup(ImageRef.parse("nginx:1.27").orElseThrow()).orElseThrow();
        byte[] bytes;
        try (InputStream in = ImageKnowledge.class.getResourceAsStream("/dev/harden/profiles/images.yaml")) {
            bytes = in.readAllBytes();
        }

        assertThat(entry(bytes, "nginx").get("proven")).isNull();
        assertThat(nginx.evidence()).isIn("documented", "derived");
    }

    @Test
    void aProofWithoutItsImageIsRefusedWhereTheProofIsWritten() {
        String text = "images:\n  - name: x\n    proven: {date: \"2026-11-23\", engine: Docker Engine 20.10.24}\n";

        // "    proven: " is twelve characters: the proof's mapping starts in column 13 of line 3
        assertThatThrownBy(() -> ImageKnowledge.parse(text.getBytes(StandardCharsets.UTF_8), "k.yaml"))
                .isInstanceOf(YamlException.class).hasMessage("3:13: images[0].proven: missing required key 'image'");
    }

    @Test
    void aVariantsProofIsCheckedAsItsOwnWhereItIsWritten() {
        String text = "images:\n  - name: x\n    variants:\n      - tag: \"alpine\"\n        proven: {date: \"2026-11-23\"}\n";

        // "        proven: " is sixteen characters: the variant's proof starts in column 17 of line 5
        assertThatThrownBy(() -> ImageKnowledge.parse(text.getBytes(StandardCharsets.UTF_8), "k.yaml"))
                .isInstanceOf(YamlException.class).hasMessage("5:17: images[0].variants[0].proven: missing required key 'engine'");
    }

    @Test
    void aProofDatedOtherwiseThanYearMonthDayIsRefused() {
        String text = "images:\n  - name: x\n    proven: {date: \"23.11.2026\", engine: Docker Engine 20.10.24, image: x}\n";

        assertThatThrownBy(() -> ImageKnowledge.parse(text.getBytes(StandardCharsets.UTF_8), "k.yaml"))
                .isInstanceOf(YamlException.class).hasMessageContaining("a proof's date is YYYY-MM-DD, not '23.11.2026'");
    }

    private static Map<?, ?> entry(byte[] bytes, String name) throws YamlException {
        Map<?, ?> root = (Map<?, ?>) Plain.of(YamlFile.parse(bytes, Limits.DEFAULT).documents().get(0));
        return ((List<?>) root.get("images")).stream().map(o -> (Map<?, ?>) o).filter(e -> name.equals(e.get("name")))
                .findFirst().orElseThrow();
    }
}
