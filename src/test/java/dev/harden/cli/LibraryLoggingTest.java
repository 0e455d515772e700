package dev.harden.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.harden.testing.GitCli;
import dev.harden.testing.Needs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Libraries' own logging never reaches the user: only a separate JVM shows what SLF4J prints at start. */
class LibraryLoggingTest {
    @TempDir
    Path dir;

    private static String run(Path workDir, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] output = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new String(output, StandardCharsets.UTF_8);
    }

    @Test
    void aPrDryRunPrintsNoSlf4jWarning() throws Exception {
        assumeTrue(GitCli.available(), Needs.GIT);
        Path bare = GitCli.bare(dir, "shop");
        GitCli.seed(bare, Map.of("compose.yaml", "services:\n  web:\n    image: nginx:1.27\n"));

        String output = run(dir, "pr", "--dry-run", "--clone", bare.toUri().toString(), "--repo", "acme/shop");

        assertThat(output).contains("compose.yaml").doesNotContain("SLF4J");
    }

    @Test
    void prHelpPrintsNoSlf4jWarning() throws Exception {
        String output = run(dir, "pr", "--help");

        assertThat(output).contains("Usage:").doesNotContain("SLF4J");
    }
}
