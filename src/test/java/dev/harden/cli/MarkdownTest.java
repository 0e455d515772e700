package dev.harden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --format markdown}: a summary a CI job posts as its job summary or a pull request comment. */
class MarkdownTest {
    private static final String STACK = """
            services:
              web:
                image: nginx:1.27
              db:
                image: postgres:17
                environment:
                  POSTGRES_PASSWORD: hunter2|x
            """;

    @TempDir
    Path dir;

    private Path write() throws IOException {
        Path file = dir.resolve("compose.yaml");
        Files.writeString(file, STACK, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void checkSummarisesCountsTablesOpenFindingsAndShowsWhatFixWouldChange() throws IOException {
        Path file = write();
        Cli r = Cli.run("check", "--format", "markdown", "--profile", "baseline", file.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).startsWith("## harden check: 6 open findings\n\nProfile `baseline`, 1 file: **6 open** (6 fixable), 0 exempted.\n")
                .contains("| severity | where | rule | subject | finding |\n|---|---|---|---|---|\n")
                .contains("| error | `" + file + ":2:3` | `cap-drop-all` | web | keeps Docker's default capabilities (fixable) |")
                .contains("<details><summary>What <code>harden fix</code> would change</summary>\n\n```diff\n--- a/")
                .contains("+    pids_limit: 200\n").endsWith("```\n\n</details>\n");
        assertThat(Files.readString(file)).isEqualTo(STACK);
    }

    @Test
    void tableCellsEscapePipesSoANameCannotBreakTheTableAndSecretsStayOutOfIt() throws IOException {
        Path file = dir.resolve("compose.yaml");
        Files.writeString(file, STACK.replace("  db:", "  d|b:"));
        Cli r = Cli.run("check", "--format", "markdown", "--profile", "restricted", file.toString());
        assertThat(r.out()).contains("| `secrets-not-inline` | d\\|b | has a literal secret in environment POSTGRES_PASSWORD")
                .doesNotContainPattern("\\|[^\n]*hunter2");
    }

    @Test
    void fixWritesTheFilesAndSummarisesWhatItChangedOnStandardOutput() throws IOException {
        Path file = write();
        Cli r = Cli.run("fix", "--format", "markdown", "--profile", "baseline", file.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("## harden fix: 6 changes in 1 file, 0 open\n")
                .contains("6 fixed.", "What <code>harden fix</code> changed", "+    cap_drop:");
        assertThat(r.err()).isEmpty();
        assertThat(Files.readString(file)).contains("cap_drop:");
    }

    @Test
    void fixWithDiffAndMarkdownWritesNothing() throws IOException {
        Path file = write();
        Cli r = Cli.run("fix", "--diff", "--format", "markdown", "--profile", "baseline", file.toString());
        assertThat(r.out()).startsWith("## harden fix: ").contains("+    cap_drop:");
        assertThat(Files.readString(file)).isEqualTo(STACK);
    }

    @Test
    void verifyTablesEachServiceInMarkdown() throws IOException {
        Path file = write();
        Cli r = Cli.run("verify", "--format", "markdown", "--docker-host", "unix://" + dir.resolve("no-engine.sock"), file.toString());
        assertThat(r.out()).startsWith("## harden verify: 2 services: ").contains("| service | image | result |", "| web | `nginx:1.27` | cannot tell |");
    }

    @Test
    void aLongTableStopsAtTwoHundredRowsAndCountsTheRest() throws IOException {
        StringBuilder many = new StringBuilder("services:\n");
        for (int i = 0; i < 50; i++) {
            many.append("  s").append(i).append(":\n    image: nginx:1.27\n");
        }
        Path file = dir.resolve("compose.yaml");
        Files.writeString(file, many);
        Cli r = Cli.run("check", "--format", "markdown", "--profile", "baseline", file.toString());
        assertThat(r.out()).contains("**150 open**")
                .contains("`" + file + ":100:3` | `pids-limit` | s49 |")
                .doesNotContain("\n... and ");
        Cli more = Cli.run("check", "--format", "markdown", "--profile", "restricted", file.toString());
        long rows = more.out().lines().filter(l -> l.startsWith("| error |") || l.startsWith("| warning |") || l.startsWith("| note |")).count();
        assertThat(rows).isEqualTo(200);
        assertThat(more.out()).contains("**250 open**", "\n... and 50 more: run `harden check` for the full list.\n");
    }

    @Test
    void anUnknownFormatIsAUsageError() throws IOException {
        Path file = write();
        assertThat(Cli.run("fix", "--format", "html", file.toString()).err()).contains("--format must be text or markdown, not 'html'");
        assertThat(Cli.run("fix", "--format", "markdown", "--interactive", file.toString()).exit()).isEqualTo(2);
    }
}
