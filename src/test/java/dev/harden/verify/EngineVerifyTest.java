package dev.harden.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harden.engine.FileHardener;
import dev.harden.image.ImageKnowledge;
import dev.harden.profile.RepoConfig;
import dev.harden.testing.Fixtures;
import dev.harden.yaml.Limits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real starts on a real engine: the local test images keep running under the restricted and strict
 * profiles when harden knows them, and wrong knowledge makes hardenings that verify catches and
 * names. Skipped when no engine answers (see {@link LocalEngine}).
 */
class EngineVerifyTest {
    private static final Path LOCAL_IMAGES = Path.of("examples/compose/local-images.yaml");

    @TempDir
    Path dir;

    static Stream<Arguments> imagesAndProfiles() {
        return LocalEngine.IMAGES.stream().flatMap(image -> Stream.of("restricted", "strict").map(p -> Arguments.of(image, p)));
    }

    @ParameterizedTest(name = "{0} keeps running under the {1} profile")
    @MethodSource("imagesAndProfiles")
    void eachTestImageKeepsRunningUnderTheProfile(String image, String profile) throws Exception {
        ServiceResult r = verifyOne(image, profile, knowledge(Files.readString(LOCAL_IMAGES)));

        assertThat(r.outcome()).as("%s: %s (log: %s)", r.service(), r.reason(), r.after() == null ? null : r.after().logs())
                .isEqualTo(ServiceResult.Outcome.RUNS_BEFORE_AND_AFTER);
        assertThat(r.changes()).contains("cap-drop-all", "read-only-root-filesystem", "no-new-privileges");
        assertThat(r.after().level()).isIn(Trial.Level.PORT_ANSWERED, Trial.Level.ALIVE);
    }

    @Test
    void readOnlyWithoutTheWritablePathsIsCaughtAndNamedWithItsLogLine() throws Exception {
        String wrong = Files.readString(LOCAL_IMAGES).replace("writablePaths: [/var/lib/nginx, /run]", "writablePaths: []");

        ServiceResult r = verifyOne("local/nginx:deb", "restricted", knowledge(wrong));

        assertThat(r.outcome()).isEqualTo(ServiceResult.Outcome.BROKEN_BY_HARDENING);
        assertThat(r.culprits()).containsExactly("read-only-root-filesystem");
        assertThat(r.logLine()).contains("mkdir() \"/var/lib/nginx/body\" failed (30: Read-only file system)");
    }

    @Test
    void capDropAllWithoutTheAddBacksOfARootEntrypointIsCaughtAndNamedForEachImage() throws Exception {
        String wrong = Files.readString(LOCAL_IMAGES).replaceAll("rootCapabilities: \\[[A-Z_, ]+]", "rootCapabilities: []");
        ImageKnowledge knowledge = knowledge(wrong);

        for (String image : List.of("local/nginx:deb", "local/postgres:deb", "local/redis:deb")) {
            ServiceResult r = verifyOne(image, "restricted", knowledge);

            assertThat(r.outcome()).as(image).isEqualTo(ServiceResult.Outcome.BROKEN_BY_HARDENING);
            assertThat(r.culprits()).as(image).containsExactly("cap-drop-all");
            assertThat(r.logLine()).as(image).contains("Operation not permitted");
        }
    }

    @Test
    void aNonRootUserOnARootOwnedDataDirectoryIsCaughtAndNamed() throws Exception {
        String wrong = Files.readString(LOCAL_IMAGES).replaceFirst(
                "(name: local/postgres\\n    runsAs: root\\n    dropsPrivileges: )true", "$1false");

        ServiceResult r = verifyOne("local/postgres:deb", "strict", knowledge(wrong));

        assertThat(r.outcome()).isEqualTo(ServiceResult.Outcome.BROKEN_BY_HARDENING);
        assertThat(r.culprits()).containsExactly("non-root-user");
        assertThat(r.logLine()).contains("/var/lib/postgresql/data").contains("Operation not permitted");
    }

    @Test
    void fixWithVerifyLeavesOutOnlyTheChangeThatBrokeTheService() throws Exception {
        String wrong = Files.readString(LOCAL_IMAGES).replace("writablePaths: [/var/lib/nginx, /run]", "writablePaths: []");
        Path file = compose("local/nginx:deb");

        try (VerifySession verifier = verifier("restricted", knowledge(wrong))) {
            PrunedFix fix = verifier.fix(file, "compose.yaml", Files.readAllBytes(file));

            assertThat(fix.leftOut()).singleElement().satisfies(d -> assertThat(d.rules()).containsExactly("read-only-root-filesystem"));
            String fixed = new String(fix.report().fixed(), StandardCharsets.UTF_8);
            assertThat(fixed).doesNotContain("read_only").contains("cap_drop").contains("no-new-privileges");
            assertThat(fix.report().findings()).anySatisfy(f -> {
                assertThat(f.ruleId()).isEqualTo("read-only-root-filesystem");
                assertThat(f.reason()).contains("harden verify").contains("Read-only file system");
            });
        }
    }

    @Test
    void aServiceWhoseImageIsNotAvailableLocallyCannotBeTold() throws Exception {
        ServiceResult r = verifyOne("local/never-built:1", "restricted", knowledge(Files.readString(LOCAL_IMAGES)));

        assertThat(r.outcome()).isEqualTo(ServiceResult.Outcome.CANNOT_TELL);
        assertThat(r.reason()).contains("not available locally");
    }

    @Test
    void aServiceThatDoesNotRunAsWrittenIsBrokenBeforeHardening() throws Exception {
        Path file = dir.resolve("compose.yaml");
        Files.writeString(file, "services:\n  app:\n    image: local/busybox:static\n    command: [\"sh\", \"-c\", \"echo no config >&2; exit 3\"]\n");

        try (VerifySession verifier = verifier("restricted", knowledge(Files.readString(LOCAL_IMAGES)))) {
            ServiceResult r = verifier.verify(file, "compose.yaml", Files.readAllBytes(file)).get(0);

            assertThat(r.outcome()).isEqualTo(ServiceResult.Outcome.BROKEN_BEFORE);
            assertThat(r.logLine()).isEqualTo("no config");
        }
    }

    /** Only this run's label is counted: other builds may share the engine, and their starts are none of this test's business. */
    @Test
    void nothingIsLeftBehindOnTheEngineAfterARun() throws Exception {
        Path file = compose("local/redis:deb");
        String runId;
        try (VerifySession verifier = verifier("strict", knowledge(Files.readString(LOCAL_IMAGES)))) {
            verifier.verify(file, "compose.yaml", Files.readAllBytes(file));
            runId = verifier.runId();
        }

        assertThat(runId).isNotNull();
        assertThat(DockerEngine.at(LocalEngine.host()).removeLabelled(Starter.LABEL, runId)).isZero();
    }

    /** Ctrl-C can reach the command's thread before it closes the session: the sweep must still reach the engine. */
    @Test
    void closingOnAnInterruptedThreadStillRemovesWhatTheRunCreatedAndKeepsTheInterrupt() throws Exception {
        Path file = compose("local/redis:deb");
        String runId;
        boolean stillInterrupted;
        VerifySession session = verifier("strict", knowledge(Files.readString(LOCAL_IMAGES)));
        try {
            session.verify(file, "compose.yaml", Files.readAllBytes(file));
            runId = session.runId();
            Thread.currentThread().interrupt();
            session.close();
        } finally {
            stillInterrupted = Thread.interrupted();
        }

        assertThat(runId).isNotNull();
        assertThat(stillInterrupted).as("the command still learns it was interrupted").isTrue();
        assertThat(DockerEngine.at(LocalEngine.host()).removeLabelled(Starter.LABEL, runId)).as("left behind").isZero();
    }

    private ServiceResult verifyOne(String image, String profile, ImageKnowledge knowledge) throws Exception {
        Path file = compose(image);
        try (VerifySession verifier = verifier(profile, knowledge)) {
            List<ServiceResult> results = verifier.verify(file, "compose.yaml", Files.readAllBytes(file));
            assertThat(results).hasSize(1);
            return results.get(0);
        }
    }

    private VerifySession verifier(String profile, ImageKnowledge knowledge) {
        String host = LocalEngine.host();
        FileHardener hardener = new FileHardener(Fixtures.profile(profile), knowledge, RepoConfig.none(), Limits.DEFAULT);
        // the search for the rule to blame and the retreat, which run when no repair works; RepairEngineTest covers repairs
        return VerifySession.connect(host, hardener, knowledge,
                new VerifySession.Settings(Duration.ofSeconds(60), Duration.ofSeconds(2), 20).withRepair(false));
    }

    /** A one-service Compose file; data images get a named volume where they keep their data. */
    private Path compose(String image) throws Exception {
        String volume = image.startsWith("local/postgres") ? "    volumes:\n      - data:/var/lib/postgresql/data\n"
                : image.startsWith("local/redis") ? "    volumes:\n      - data:/data\n" : "";
        Path file = dir.resolve("compose.yaml");
        Files.writeString(file, "services:\n  app:\n    image: " + image + "\n" + volume
                + (volume.isEmpty() ? "" : "volumes:\n  data:\n"));
        return file;
    }

    private static ImageKnowledge knowledge(String localImages) throws Exception {
        return ImageKnowledge.builtIn().with(ImageKnowledge.parse(localImages.getBytes(StandardCharsets.UTF_8), "local-images.yaml"));
    }
}
