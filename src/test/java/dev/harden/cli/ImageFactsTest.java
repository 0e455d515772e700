package dev.harden.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.harden.testing.Layers;
import dev.harden.testing.Layers.Item;
import dev.harden.testing.RegistryServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --image-facts registry}: an image harden's knowledge does not name is read from its
 * registry (config and layers, nothing run) and hardened by what it says of itself.
 */
class ImageFactsTest {
    @TempDir
    Path dir;

    @Test
    void anUnknownImageThatStepsDownWithGosuKeepsWhatItsEntrypointNeeds(@TempDir Path regRoot) throws Exception {
        assumeTrue(RegistryServer.available(), dev.harden.testing.Needs.REGISTRY);
        assumeTrue(Layers.canChown(), "chown of test files needs root (CI runs as root)");
        byte[] layer = Layers.layer(dir, "pg", true,
                new Item("etc/passwd", 0, "root:x:0:0:root:/root:/bin/sh\npgx:x:999:999::/var/lib/pgx:/bin/sh\n"),
                new Item("etc/group", 0, "root:x:0:\npgx:x:999:\n"),
                new Item("usr/local/bin/docker-entrypoint.sh", 0,
                        "#!/bin/sh\nset -e\nchown -R pgx /var/lib/pgx/data\nexec gosu pgx \"$@\"\n"),
                new Item("var/lib/pgx/data/", 999, null),
                new Item("run/pgx/", 999, null));
        try (RegistryServer server = RegistryServer.start(regRoot)) {
            Layers.push(server, "team/pgx", "16.1", """
                    {"architecture":"amd64","os":"linux","config":{"Entrypoint":["docker-entrypoint.sh"],"Cmd":["pgx"],
                     "ExposedPorts":{"5432/tcp":{}},"Volumes":{"/var/lib/pgx/data":{}}}}""", layer);
            Path file = dir.resolve("compose.yaml");
            Files.writeString(file, """
                    services:
                      db:
                        image: %s/team/pgx:16.1
                        volumes:
                          - data:/var/lib/pgx/data
                    volumes:
                      data:
                    """.formatted(server.host()));

            Cli blind = Cli.run("fix", "--diff", "--profile", "restricted", file.toString());
            Cli r = Cli.run("fix", "--diff", "--profile", "restricted", "--image-facts", "registry", file.toString());

            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(blind.out()).doesNotContain("- CHOWN");
            assertThat(r.out()).contains("+      - CHOWN", "+      - SETGID", "+      - SETUID")
                    .doesNotContain("+    user:").doesNotContain("read_only");
            // without facts, restricted leaves the capabilities and the root as they are
            assertThat(blind.out()).doesNotContain("cap_drop").doesNotContain("read_only");
            assertThat(r.err()).contains("uid 999 writes /run/pgx");

            // written in place, the facts go into the lock file beside the manifest; offline, with the
            // registry gone and the user cache emptied, the lock file alone gives the same change
            String original = Files.readString(file);
            Cli written = Cli.run("fix", "--profile", "restricted", "--image-facts", "registry", file.toString());
            assertThat(written.exit()).as(written.err()).isZero();
            String online = Files.readString(file);
            String lock = Files.readString(dir.resolve(".harden.lock"));
            assertThat(lock).contains("facts:", "rootCapabilities: [\"CHOWN\", \"SETGID\", \"SETUID\"]");
            server.close();
            String digest = lock.substring(lock.indexOf("digest: sha256:") + "digest: ".length()).substring(0, 71);
            Files.deleteIfExists(dev.harden.image.ImageFactsSource.defaultCache(System.getenv())
                    .resolve(digest.replace(':', '-') + ".json"));
            Files.writeString(file, original);
            Cli offline = Cli.run("fix", "--profile", "restricted", "--image-facts", "registry", "--offline", file.toString());
            assertThat(offline.exit()).as(offline.err()).isZero();
            assertThat(Files.readString(file)).isEqualTo(online).contains("- CHOWN");
        }
    }
}
