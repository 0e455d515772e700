package dev.harden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code harden learn}'s refusals, which need no engine, and learned facts committed in a lock file,
 * which check and fix use in every {@code --image-facts} mode without an engine or a registry.
 */
class LearnCommandTest {
    private static final String DIGEST = "sha256:" + "ab".repeat(32);
    /** What {@code harden learn --lock} records for a postgres-like image, as it writes it. */
    private static final String LOCK = """
            apiVersion: harden/v1
            kind: Lock
            images: []
            facts:
              - digest: "%s"
                image: "local/pg:1"
                name: "local/pg"
                runsAs: "root"
                dropsPrivileges: true
                nonRootUid: null
                rootCapabilities: ["CHOWN", "FOWNER", "SETGID", "SETUID"]
                writablePaths: ["/run/postgresql"]
                dataPaths: []
                readOnlyRootFilesystem: true
                ports: [5432]
                sources: ["learned on 2026-11-29 with Docker Engine 20.10.24 from image %s (local/pg:1): 7 trials"]
                notes: null
                evidence: "learned"
                noNewPrivileges: true
            """.formatted(DIGEST, DIGEST);

    @TempDir
    Path dir;

    @Test
    void withoutATargetItSaysWhatToName() {
        Cli r = Cli.run("learn");

        assertThat(r.exit()).isEqualTo(HardenCommand.BAD_INPUT);
        assertThat(r.err()).contains("name an image or FILE[:SERVICE] to learn");
    }

    @Test
    void aFileThatIsNotThereIsNamedAsMissingBeforeAnyEngineIsAsked() {
        for (String target : List.of(dir.resolve("missing.yaml").toString(), "compose.yml:db", "./k8s")) {
            Cli r = Cli.run("learn", "--docker-host", "unix://" + dir.resolve("no.sock"), target);

            assertThat(r.exit()).as(target).isEqualTo(HardenCommand.BAD_INPUT);
            assertThat(r.err()).as(target).isEqualTo("harden: " + target + ": no such file (name an image, or FILE[:SERVICE])\n");
        }
    }

    @Test
    void anEngineThatDoesNotAnswerIsBadInputNamingTheAddress() {
        Cli r = Cli.run("learn", "--docker-host", "unix://" + dir.resolve("no.sock"), "local/pg:1");

        assertThat(r.exit()).isEqualTo(HardenCommand.BAD_INPUT);
        assertThat(r.err()).contains("no Docker engine answers at unix://" + dir.resolve("no.sock")).contains("--docker-host");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void anEngineAddressThatIsNotAUnixSocketIsRefused() {
        Cli r = Cli.run("learn", "--docker-host", "tcp://127.0.0.1:2375", "local/pg:1");

        assertThat(r.exit()).isEqualTo(HardenCommand.BAD_INPUT);
        assertThat(r.err()).contains("cannot use tcp://127.0.0.1:2375: only unix sockets are supported");
    }

    @Test
    void aFileWithSeveralServicesNeedsTheOneToLearnNamed() throws Exception {
        Path file = Files.writeString(dir.resolve("compose.yaml"), "services:\n  db:\n    image: a:1\n  web:\n    image: b:1\n");

        Cli none = Cli.run("learn", "--docker-host", "unix://" + dir.resolve("no.sock"), file.toString());
        Cli wrong = Cli.run("learn", "--docker-host", "unix://" + dir.resolve("no.sock"), file + ":cache");

        assertThat(none.exit()).isEqualTo(HardenCommand.BAD_INPUT);
        assertThat(none.err()).contains("it has 2 services; name one as " + file + ":SERVICE (db, web)");
        assertThat(wrong.exit()).isEqualTo(HardenCommand.BAD_INPUT);
        assertThat(wrong.err()).contains("no service cache; name one as " + file + ":SERVICE (db, web)");
    }

    @Test
    void aServiceBuiltFromSourceWithoutAnImageCannotBeLearned() throws Exception {
        Path file = Files.writeString(dir.resolve("compose.yaml"), "services:\n  api:\n    build: .\n");

        Cli r = Cli.run("learn", "--docker-host", "unix://" + dir.resolve("no.sock"), file + ":api");

        assertThat(r.exit()).isEqualTo(HardenCommand.BAD_INPUT);
        assertThat(r.err()).contains(file + ": service api names no image (build: only): build it, set image: and learn again");
    }

    @Test
    void atLeastOneTrialIsNeeded() {
        Cli r = Cli.run("learn", "--max-trials", "0", "local/pg:1");

        assertThat(r.exit()).isEqualTo(HardenCommand.BAD_INPUT);
        assertThat(r.err()).contains("--max-trials must be at least 1");
    }

    @Test
    void learnedFactsInTheLockFileHardenTheImageInTheDefaultModeAndSaySo() throws Exception {
        Files.writeString(dir.resolve(".harden.lock"), LOCK);
        Path file = Files.writeString(dir.resolve("compose.yaml"), "services:\n  db:\n    image: local/pg:1\n");

        Cli fix = Cli.run("fix", file.toString());

        assertThat(fix.exit()).as(fix.err()).isZero();
        assertThat(Files.readString(file)).contains("    cap_add:\n      - CHOWN\n      - FOWNER\n      - SETGID\n      - SETUID\n")
                .contains("    read_only: true\n").contains("      - /run/postgresql\n").doesNotContain("user:");
        assertThat(fix.err()).contains("added back CHOWN, FOWNER, SETGID, SETUID, which local/pg needs to start as root and step"
                + " down (learned by starting the image)");
    }

    @Test
    void learnedFactsInTheLockFileHoldOfflineWithRegistryFactsToo() throws Exception {
        Files.writeString(dir.resolve(".harden.lock"), LOCK);
        Path file = Files.writeString(dir.resolve("compose.yaml"), "services:\n  db:\n    image: local/pg:1\n");

        Cli fix = Cli.run("fix", "--image-facts", "registry", "--offline", file.toString());

        assertThat(fix.exit()).as(fix.err()).isZero();
        assertThat(fix.err()).contains("which local/pg needs to start as root and step down (learned by starting the image)");
    }

    @Test
    void learnedFactsForAnotherTagDoNotApply() throws Exception {
        Files.writeString(dir.resolve(".harden.lock"), LOCK);
        Path file = Files.writeString(dir.resolve("compose.yaml"), "services:\n  db:\n    image: local/pg:2\n");

        Cli fix = Cli.run("fix", file.toString());

        assertThat(fix.err()).doesNotContain("learned");
        assertThat(Files.readString(file)).doesNotContain("CHOWN");
    }
}
