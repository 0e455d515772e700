package dev.harden.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.harden.yaml.DataValue;
import dev.harden.yaml.YamlException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A user's image knowledge file is read by type, and each error names the line and column it is about. */
class ImageKnowledgeFileTest {

    private static void assertRefused(String text, String error) {
        assertThatThrownBy(() -> ImageKnowledge.parse(text.getBytes(StandardCharsets.UTF_8), "mine.yaml"))
                .isInstanceOf(YamlException.class).hasMessage(error);
    }

    @Test
    void anUnknownFactIsAnErrorAtItsKeyWithTheClosestFact() {
        assertRefused("images:\n  - name: team/app\n    writeablePaths: [/tmp]\n",
                "3:5: images[0]: unknown key 'writeablePaths' (did you mean 'writablePaths'?)");
    }

    @Test
    void aFactOfTheWrongTypeIsAnErrorAtItsValue() {
        // "    readOnlyRootFilesystem: " is 28 characters
        assertRefused("images:\n  - name: team/app\n    readOnlyRootFilesystem: sometimes\n",
                "3:29: images[0].readOnlyRootFilesystem must be true or false, not 'sometimes'");
        assertRefused("images:\n  - name: team/app\n    writablePaths: /tmp\n",
                "3:20: images[0].writablePaths must be a list, not '/tmp'");
    }

    @Test
    void aPortThatIsNoPortIsAnErrorAtThatItem() {
        // "    ports: [80, " is 16 characters
        assertRefused("images:\n  - name: team/app\n    ports: [80, http]\n",
                "3:17: images[0].ports[1] must be a port number from 1 to 65535, not 'http'");
    }

    @Test
    void anEntryWithoutANameIsAnErrorAtTheEntry() {
        assertRefused("images:\n  - name: a\n  - runsAs: root\n", "3:5: images[1]: missing required key 'name'");
    }

    @Test
    void aVariantTagThatIsNoRegularExpressionIsAnErrorAtTheTag() {
        // "      - tag: " is 13 characters
        assertRefused("images:\n  - name: a\n    variants:\n      - tag: \"1.[\"\n",
                "4:14: images[0].variants[0].tag is not a regular expression: Unclosed character class");
        // a variant may not rename its entry; "      - {tag: x, " is 17 characters
        assertRefused("images:\n  - name: a\n    variants:\n      - {tag: x, name: b}\n",
                "4:18: images[0].variants[0]: unknown key 'name'");
    }

    @Test
    void aFileThatIsNotKnowledgeIsRefusedAtItsKindOrRoot() {
        assertRefused("kind: Profile\nimages: []\n", "1:7: kind must be ImageKnowledge, not 'Profile'");
        assertRefused("- nginx\n", "1:1: the document must be a mapping, not a list");
        assertRefused("kind: ImageKnowledge\n", "1:1: missing required key 'images'");
    }

    @Test
    void theShippedKnowledgeReadsTheSameFromItsYamlAsFromItsCompiledForm() throws Exception {
        byte[] yaml = Files.readAllBytes(Path.of("profiles/images.yaml"));
        try (InputStream in = ImageKnowledge.class.getResourceAsStream("/dev/harden/profiles/images.yaml")) {
            assertThat(in.readAllBytes()).isEqualTo(yaml);
        }
        ImageKnowledge fromYaml = ImageKnowledge.parse(yaml, "images.yaml");
        ImageKnowledge shipped = ImageKnowledge.builtIn();
        assertThat(fromYaml.size()).isEqualTo(shipped.size()).isGreaterThan(30);
        for (DataValue item : DataValue.parse(yaml).require("images").items()) {
            for (String tag : new String[] {"latest", "1.2-alpine", "deb-user"}) {
                ImageRef ref = ImageRef.parse(item.require("name").text() + ":" + tag).orElseThrow();
                assertThat(fromYaml.lookup(ref)).as(ref.text()).isEqualTo(shipped.lookup(ref)).isPresent();
            }
        }
    }
}
