package dev.harden.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.harden.testing.GitCli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code harden --version} names the commit the build recorded. */
class BuildInfoTest {
    @TempDir
    Path dir;

    @Test
    void versionPrintsTheCommitThisCheckoutWasBuiltFrom() {
        assumeTrue(GitCli.available() && Files.exists(Path.of(".git")), "no git checkout here");
        String head = GitCli.git(Path.of("."), "rev-parse", "--short=12", "HEAD").trim();
        assertThat(Cli.run("--version").out()).startsWith("harden ").contains(" (commit " + head + ")\n");
        assertThat(Cli.run("check", "--version").out()).contains(" (commit " + head + ")");
    }

    @Test
    void aBuildOutsideAGitRepositoryRecordsUnknownAndDoesNotFail() throws Exception {
        BuildInfo.main(new String[] {dir.resolve("classes").toString(), dir.toString()});
        assertThat(Files.readString(dir.resolve("classes").resolve(BuildInfo.RESOURCE))).isEqualTo("unknown\n");
    }
}
