package dev.harden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --image-facts engine|auto}: which engine is asked, and an engine that does not answer. */
class ImageFactsSourceOptionTest {
    @TempDir
    Path dir;

    private Path compose() throws Exception {
        return Files.writeString(dir.resolve("compose.yaml"), "services:\n  api:\n    image: acme/unknown-api:1.2\n");
    }

    @Test
    void anEngineThatDoesNotAnswerIsNoSourceAndSaysSoOnlyWithVerbose() throws Exception {
        Path file = compose();
        String socket = "unix://" + dir.resolve("no-engine.sock");

        Cli quiet = Cli.run("fix", "--diff", "--image-facts", "engine", "--docker-host", socket, file.toString());
        Cli verbose = Cli.run("fix", "--diff", "-v", "--image-facts", "engine", "--docker-host", socket, file.toString());

        assertThat(quiet.exit()).as(quiet.err()).isIn(0, 1);
        assertThat(quiet.err()).doesNotContain("did not answer");
        assertThat(verbose.err()).containsOnlyOnce("harden: the local engine at " + socket + " did not answer")
                .contains("it is no source of image facts");
        assertThat(verbose.out()).as("the image stays unknown: the same changes as without the engine").isEqualTo(quiet.out());
    }

    @Test
    void theEngineMustBeAUnixSocketForEngineFacts() throws Exception {
        Cli tcp = Cli.run("fix", "--diff", "--image-facts", "engine", "--docker-host", "tcp://10.0.0.1:2375", compose().toString());

        assertThat(tcp.exit()).isEqualTo(2);
        assertThat(tcp.err()).contains("--image-facts engine: only unix sockets are supported");
    }

    @Test
    void anUnknownSourceNamesTheFourThereAre() throws Exception {
        Cli r = Cli.run("check", "--image-facts", "docker", compose().toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--image-facts: 'docker' is not one of shipped, registry, engine, auto");
    }
}
