package dev.harden.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A lock file harden would not have written is refused at the line and column of what is wrong. */
class LockFileReadingTest {
    private static final String DIGEST = "sha256:" + "a".repeat(64);

    private static void assertRefused(String text, String error) {
        assertThatThrownBy(() -> LockFile.parse(text.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(error);
    }

    @Test
    void aDigestHardenWouldNotWriteIsAnErrorAtTheDigest() {
        // "    digest: " is twelve characters
        assertRefused("kind: Lock\nimages:\n  - image: nginx:latest\n    digest: sha256:abc\n    resolved: \"2026-11-29\"\n",
                "4:13: images[0].digest: not a valid digest: 'sha256:abc'");
    }

    @Test
    void anEntryWithoutItsDateIsAnErrorAtTheEntry() {
        assertRefused("kind: Lock\nimages:\n  - image: nginx:latest\n    digest: " + DIGEST + "\n",
                "3:5: images[0]: missing required key 'resolved'");
    }

    @Test
    void anotherKindIsRefusedAtTheKind() {
        assertRefused("apiVersion: harden/v1\nkind: Profile\n", "2:7: not a harden lock file (kind: Lock)");
        assertRefused("images: []\n", "1:1: not a harden lock file (kind: Lock)");
    }

    @Test
    void factsHardenWouldNotWriteAreAnErrorAtTheirEntry() {
        assertRefused("kind: Lock\nfacts:\n  - {digest: \"" + DIGEST + "\", runsAs: nobody}\n",
                "3:5: facts[0] is not facts harden wrote");
    }

    @Test
    void anEmptyLockFileHasNoEntries() {
        assertThat(LockFile.parse(new byte[0]).entries()).isEmpty();
        assertThat(LockFile.parse("kind: Lock\nimages: []\nlater: ignored\n".getBytes(StandardCharsets.UTF_8)).entries()).isEmpty();
    }

    @Test
    void aTagWithCapitalLettersIsWrittenAndReadBack() {
        LockFile lock = LockFile.empty();
        lock.put(new LockFile.Entry("registry.example/harden:0.1.0-SNAPSHOT", null, DIGEST, java.util.List.of(), "2026-11-29"));
        LockFile read = LockFile.parse(lock.render());
        assertThat(read.get("registry.example/harden:0.1.0-SNAPSHOT")).map(LockFile.Entry::digest).contains(DIGEST);
    }
}
