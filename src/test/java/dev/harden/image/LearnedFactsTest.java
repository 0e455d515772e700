package dev.harden.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Facts learned by starting an image, as the lock file and the facts cache keep them: with their
 * evidence and the reference they were learned from, found for that tag, preferred over facts read
 * from the image's config and files for the same digest, and older entries still read as they were.
 */
class LearnedFactsTest {
    private static final String DIGEST = "sha256:" + "c".repeat(64);

    @TempDir
    Path cache;

    private static ImageFacts learned(List<String> caps, boolean noNewPrivileges) {
        return new ImageFacts("local/pg", "root", true, null, caps, List.of("/run/postgresql"), List.of("/var/lib/pg"), false,
                noNewPrivileges, List.of(5432), "learned", List.of("learned on 2026-11-29 with Docker Engine 20.10.24 from image "
                + DIGEST + " (local/pg:1): 7 trials"), "it writes /var/lib/pg: mount a volume there, then make the root read-only");
    }

    private static ImageFacts fromImage() {
        return new ImageFacts("local/pg", "root", true, null, List.of("CHOWN", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID"),
                List.of("/tmp"), List.of(), false, true, List.of(), "image", List.of("image config: USER (none: root)"), null);
    }

    private static ImageRef ref(String text) {
        return ImageRef.parse(text).orElseThrow();
    }

    @Test
    void learnedFactsSurviveTheLockFileWithTheirEvidenceAndTheTagTheyWereLearnedFrom() {
        LockFile lock = LockFile.empty();
        lock.putLearned(DIGEST, "local/pg:1", learned(List.of("CHOWN", "SETUID"), false));

        LockFile read = LockFile.parse(lock.render());

        ImageFacts f = read.factsFor(ref("local/pg:1")).orElseThrow();
        assertThat(f).isEqualTo(learned(List.of("CHOWN", "SETUID"), false));
        assertThat(f.learned()).isTrue();
        assertThat(read.factsFor(ref("local/pg:2"))).isEmpty();
        assertThat(read.factsFor(ref("local/pg@" + DIGEST))).contains(f);
        assertThat(new String(lock.render(), StandardCharsets.UTF_8)).contains("    image: \"local/pg:1\"\n")
                .contains("    evidence: \"learned\"\n    noNewPrivileges: false\n");
    }

    @Test
    void factsReadFromAnImageKeepTheStoredFormTheyAlwaysHad() {
        LockFile lock = LockFile.empty();
        lock.putFacts(DIGEST, fromImage());

        String text = new String(lock.render(), StandardCharsets.UTF_8);

        assertThat(text).doesNotContain("evidence").doesNotContain("noNewPrivileges").doesNotContain("image: ");
        assertThat(LockFile.parse(lock.render()).facts(DIGEST)).contains(fromImage());
    }

    @Test
    void aPinnedTagFindsTheFactsOfItsDigestAndLearnedOnesWin() {
        String other = "sha256:" + "d".repeat(64);
        LockFile lock = LockFile.empty();
        lock.put(new LockFile.Entry("local/pg:1", null, other, List.of(), "2026-11-29"));
        lock.putFacts(other, fromImage());

        assertThat(lock.factsFor(ref("local/pg:1"))).contains(fromImage());

        lock.putLearned(DIGEST, "local/pg:1", learned(List.of("CHOWN"), true));

        assertThat(lock.factsFor(ref("local/pg:1")).orElseThrow().evidence()).isEqualTo("learned");
    }

    @Test
    void theCacheFindsLearnedFactsForTheirTagWithoutARegistryAndPrefersThemToFactsFromTheImage() throws Exception {
        List<String> log = new ArrayList<>();
        ImageFactsSource source = new ImageFactsSource(null, Pins.of(null, LockFile.empty(), null, false, Clock.systemUTC()), cache,
                log::add);

        assertThat(source.apply(ref("local/pg:1"))).isEmpty();
        assertThat(source.remember(ref("local/pg:1"), DIGEST, learned(List.of("CHOWN"), true))).isPresent();

        assertThat(source.apply(ref("local/pg:1"))).contains(learned(List.of("CHOWN"), true));
        assertThat(log).isEmpty();

        // a lock file that recorded the image's own facts for that digest does not hide what was learned
        LockFile lock = LockFile.empty();
        lock.putFacts(DIGEST, fromImage());
        ImageFactsSource locked = new ImageFactsSource(null, Pins.of(null, lock, null, false, Clock.systemUTC()), cache, log::add);
        assertThat(locked.apply(ref("local/pg@" + DIGEST)).orElseThrow().evidence()).isEqualTo("learned");
    }

    @Test
    void theLocalEngineSourceTakesTheFactsLearnedForThatVeryImageWithoutDerivingAny() {
        LocalImages engine = new LocalImages() {
            @Override
            public Optional<byte[]> inspect(String image) {
                return Optional.of(("{\"Id\":\"" + DIGEST + "\",\"RepoTags\":[\"local/pg:1\"],\"RepoDigests\":[],\"Config\":{}}")
                        .getBytes(StandardCharsets.UTF_8));
            }

            @Override
            public InputStream save(String image) throws IOException {
                throw new IOException("not read: the learned facts are for this image");
            }

            @Override
            public String where() {
                return "unix:///fake.sock";
            }
        };
        List<String> log = new ArrayList<>();
        ImageFactsSource source = new ImageFactsSource(null, engine, false, Pins.of(null, LockFile.empty(), null, false,
                Clock.systemUTC()), cache, log::add, log::add);
        source.remember(ref("local/pg:1"), DIGEST, learned(List.of("CHOWN"), true));

        assertThat(source.apply(ref("local/pg:1"))).contains(learned(List.of("CHOWN"), true));
        assertThat(log).isEmpty();
    }

    @Test
    void aCachedEntryFromBeforeLearningReadsAsFactsFromTheImage() throws Exception {
        Files.writeString(cache.resolve(DIGEST.replace(':', '-') + ".json"), "{\"format\": 3, \"digest\": \"" + DIGEST
                + "\", \"name\": \"local/pg\", \"runsAs\": \"999\", \"rootCapabilities\": [], \"writablePaths\": [\"/tmp\"],"
                + " \"dataPaths\": [], \"readOnlyRootFilesystem\": true, \"ports\": [], \"sources\": [], \"notes\": null}");
        ImageFactsSource source = new ImageFactsSource(null, Pins.of(null, LockFile.empty(), null, false, Clock.systemUTC()), cache,
                line -> { });

        ImageFacts f = source.apply(ref("local/pg@" + DIGEST)).orElseThrow();

        assertThat(f.evidence()).isEqualTo("image");
        assertThat(f.noNewPrivileges()).isTrue();
        assertThat(f.runsAs()).isEqualTo("999");
    }
}
