package dev.harden.pr;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harden.engine.FileHardener;
import dev.harden.image.ImageKnowledge;
import dev.harden.profile.RepoConfig;
import dev.harden.report.FileReport;
import dev.harden.testing.Fixtures;
import dev.harden.yaml.Limits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code harden pr} proposes for a working tree. */
class ChangeTest {
    private static final String SMALL = "services:\n  web:\n    image: nginx:1.27\n";

    @Test
    void aFileOverTheMaxFileSizeIsNotReadAndIsReportedAsCheckAndFixReportIt(@TempDir Path repo) throws Exception {
        Files.writeString(repo.resolve("compose.yaml"), SMALL);
        Path big = Files.createDirectories(repo.resolve("big")).resolve("compose.yaml");
        String bigText = SMALL + "# padding\n".repeat(20);
        Files.writeString(big, bigText);
        long limit = 100;
        assertThat((long) SMALL.length()).isLessThan(limit);
        assertThat((long) bigText.length()).isGreaterThan(limit);
        FileHardener hardener = new FileHardener(Fixtures.profile("restricted"), ImageKnowledge.builtIn(), RepoConfig.none(),
                Limits.DEFAULT.withMaxBytes(limit));

        Change change = Change.compute(hardener, repo, List.of(repo));

        assertThat(change.unreadable()).containsExactly("big/compose.yaml:1:1: file is " + bigText.length()
                + " bytes, over the limit of 100 (raise it with --max-file-size)");
        assertThat(change.reports()).filteredOn(r -> r.file().equals("big/compose.yaml")).singleElement()
                .satisfies(r -> {
                    assertThat(r.outcome()).isEqualTo(FileReport.Outcome.FAILED);
                    assertThat(r.original()).isNull();
                });
        assertThat(change.files()).extracting(Change.FileChange::path).containsExactly("compose.yaml");
    }
}
