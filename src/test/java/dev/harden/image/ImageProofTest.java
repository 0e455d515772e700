package dev.harden.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.harden.yaml.YamlException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Knowledge entries say whether they were proven on an engine, when, on which engine and with which image. */
class ImageProofTest {
    @Test
    void anEntryProvenOnAnEngineCarriesItsDateEngineAndImageAndAVariantItsOwn() throws Exception {
        ImageKnowledge k = ImageKnowledge.parse(Files.readAllBytes(Path.of("examples/compose/local-images.yaml")), "local-images.yaml");

        ImageFacts root = k.lookup(ImageRef.parse("local/nginx:deb").orElseThrow()).orElseThrow();
        ImageFacts user = k.lookup(ImageRef.parse("local/nginx:deb-user").orElseThrow()).orElseThrow();

        assertThat(root.proven()).isNotNull();
        assertThat(root.proven().engine()).startsWith("Docker Engine");
        assertThat(root.proven().image()).startsWith("local/nginx:deb ");
        assertThat(user.proven().image()).startsWith("local/nginx:deb-user ");
    }

    @Test
    void builtInEntriesWithoutAProofSayTheirFactsAreOnlyDocumentedOrDerived() {
        ImageFacts nginx = ImageKnowledge.builtIn().lookup(ImageRef.parse("nginx:1.27").orElseThrow()).orElseThrow();

        assertThat(nginx.proven()).isNull();
        assertThat(nginx.evidence()).isIn("documented", "derived");
    }

    @Test
    void aProofWithoutItsImageIsRefusedWhereTheProofIsWritten() {
        String text = "images:\n  - name: x\n    proven: {date: \"2026-11-23\", engine: Docker Engine 20.10.24}\n";

        // "    proven: " is twelve characters: the proof's mapping starts in column 13 of line 3
        assertThatThrownBy(() -> ImageKnowledge.parse(text.getBytes(StandardCharsets.UTF_8), "k.yaml"))
                .isInstanceOf(YamlException.class).hasMessage("3:13: images[0].proven: missing required key 'image'");
    }
}
