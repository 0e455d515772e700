package dev.harden.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Choosing version tags for floating ones, rewriting references, and the lock file's format. */
class PinsTest {
    private static final String D = "sha256:" + "a".repeat(64);

    @Test
    void aFloatingWordStandsForPlainVersionsMostSpecificAndNewestFirst() {
        assertThat(Pins.candidates("latest", List.of("1.27", "1.27.3", "1.26.10", "1.27.3-alpine", "1", "mainline", "1.27.10")))
                .containsExactly("1.27.10", "1.27.3", "1.26.10", "1.27");
    }

    @Test
    void aMovingVersionTagStandsForTheVersionsBelowItWithTheSameSuffix() {
        assertThat(Pins.candidates("7-alpine", List.of("7.2.5-alpine", "7.2-alpine", "7.2.5", "17.0.1-alpine", "7.2.5-bookworm")))
                .containsExactly("7.2.5-alpine", "7.2-alpine");
        assertThat(Pins.candidates("1.27", List.of("1.27.3", "1.27", "1.270.1", "1.28.0", "v1.27.2")))
                .containsExactly("1.27.3", "v1.27.2");
    }

    @Test
    void aRewrittenReferenceKeepsTheRegistryAndRepositoryAsWritten() {
        ImageRef hub = ImageRef.parse("docker.io/library/nginx:latest").orElseThrow();
        ImageRef none = ImageRef.parse("ghcr.io/acme/api").orElseThrow();
        ImageRef port = ImageRef.parse("127.0.0.1:5000/team/web:1.25@" + D).orElseThrow();

        assertThat(Pins.written(hub, "1.27.3", D)).isEqualTo("docker.io/library/nginx:1.27.3@" + D);
        assertThat(Pins.written(none, null, D)).isEqualTo("ghcr.io/acme/api@" + D);
        assertThat(Pins.written(port, "1.25", "sha256:" + "b".repeat(64))).isEqualTo("127.0.0.1:5000/team/web:1.25@sha256:" + "b".repeat(64));
    }

    @Test
    void theLockFileReadsBackWhatItWrote() {
        LockFile lock = LockFile.empty();
        lock.put(new LockFile.Entry("nginx:latest", "1.27.3", D, List.of("linux/amd64", "linux/arm64/v8"), "2026-11-29"));
        lock.put(new LockFile.Entry("127.0.0.1:5000/team/web:1.25", null, D, List.of(), "2026-11-29"));

        LockFile again = LockFile.parse(lock.render());

        assertThat(again.entries()).isEqualTo(lock.entries());
        assertThat(again.changed()).isFalse();
        assertThat(new String(lock.render(), StandardCharsets.UTF_8)).contains("    tag: \"1.27.3\"\n");
    }

    @Test
    void aLockFileWithValuesHardenWouldNeverWriteIsRefused() {
        assertThatThrownBy(() -> LockFile.parse("""
                kind: Lock
                images:
                  - {image: "nginx:latest\\nmalicious: 1", digest: "sha256:%s", resolved: "2026-11-29"}
                """.formatted("a".repeat(64)).getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a valid image");
        assertThatThrownBy(() -> LockFile.parse("kind: Profile\n".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kind: Lock");
    }

    @Test
    void factsReadFromAnImageRoundTripThroughTheLockFileFreeTextIncluded() {
        LockFile lock = LockFile.empty();
        lock.put(new LockFile.Entry("team/pg:15", null, D, List.of(), "2026-11-29"));
        ImageFacts facts = new ImageFacts("team/pg", "root", true, null, List.of("CHOWN", "SETGID", "SETUID"), List.of("/tmp"),
                List.of("/var/lib/postgresql/data"), false, true, List.of(5432), "image",
                List.of("image config of " + D + ": USER (none: root)", "image files: \"quoted\": a: b # not a comment"),
                "uid 999 writes /run/pg\nand more");
        lock.putFacts(D, facts);

        LockFile again = LockFile.parse(lock.render());

        assertThat(again.facts(D)).contains(facts);
        assertThat(again.entries()).isEqualTo(lock.entries());
        assertThat(LockFile.parse(again.render()).facts(D)).contains(facts);
    }
}
