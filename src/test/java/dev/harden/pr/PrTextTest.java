package dev.harden.pr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.harden.report.FileReport;
import dev.harden.report.Finding;
import dev.harden.report.Severity;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrTextTest {
    private static Finding fixed(String file, int line, String rule, String subject, String message) {
        return new Finding(file, line, 3, rule, Severity.ERROR, message, subject, true, Finding.Status.FIXED, null);
    }

    private static Finding open(String file, int line, String rule, String subject, String message) {
        return new Finding(file, line, 3, rule, Severity.WARNING, message, subject, false, Finding.Status.OPEN, null);
    }

    private static Change change(String profile, FileReport.Kind kind, List<Finding> findings) {
        byte[] before = "services: {}\n".getBytes(StandardCharsets.UTF_8);
        byte[] after = "services: {a: 1}\n".getBytes(StandardCharsets.UTF_8);
        FileReport report = FileReport.checked("deploy/compose.yaml", kind, before, after, findings, null);
        return new Change(profile, List.of(new Change.FileChange("deploy/compose.yaml", before, after)), List.of(report),
                List.of());
    }

    @Test
    void theBodyTabulatesChangesLinksRulesListsOpenFindingsAndEndsWithTheMarker() {
        Change c = change("restricted", FileReport.Kind.COMPOSE, List.of(
                fixed("deploy/compose.yaml", 4, "cap-drop-all", "web", "dropped all capabilities"),
                open("deploy/compose.yaml", 9, "privileged-disabled", "worker", "runs privileged | needs <review>")));

        String body = PrText.body(c);

        assertThat(body).contains("harden applied **1 change** to **1 file** with the `restricted` profile.");
        assertThat(body).contains("| `deploy/compose.yaml:4` | web | [Capabilities dropped by default]"
                + "(https://github.com/harden-dev/harden/blob/main/docs/rules.md#cap-drop-all) | dropped all capabilities |");
        assertThat(body).contains("### Needs a person", "runs privileged \\| needs &lt;review&gt;");
        assertThat(body).contains("  - rules: [cap-drop-all]\n    service: web\n", "# harden:ignore cap-drop-all -- reason");
        assertThat(body.strip()).endsWith("<!-- harden:pr profile=restricted change=" + c.hash() + " -->");
        assertThat(Marker.find(body)).contains(new Marker("restricted", c.hash()));
    }

    @Test
    void kubernetesChangesAreExemptedByWorkload() {
        Change c = change("strict", FileReport.Kind.KUBERNETES, List.of(
                fixed("deploy/compose.yaml", 4, "read-only-root-filesystem", "api", "set readOnlyRootFilesystem")));
        assertThat(PrText.body(c)).contains("    workload: api\n").doesNotContain("harden:ignore");
    }

    @Test
    void aHugeChangeStaysWithinGitHubsBodyLimitAndKeepsItsMarker() {
        List<Finding> many = new ArrayList<>();
        for (int i = 1; i <= 5_000; i++) {
            many.add(fixed("deploy/compose.yaml", i, "cap-drop-all", "service-" + i, "dropped all capabilities of service " + i));
            many.add(open("deploy/compose.yaml", i, "privileged-disabled", "service-" + i, "runs privileged"));
        }
        Change c = change("restricted", FileReport.Kind.COMPOSE, many);

        String body = PrText.body(c);

        assertThat(body.length()).isLessThanOrEqualTo(PrText.BODY_LIMIT);
        assertThat(body).containsPattern("\\| \\.\\.\\. \\| \\| \\| \\d+ more changes: the commit holds them all \\|");
        assertThat(Marker.find(body)).contains(new Marker("restricted", c.hash()));
    }

    @Test
    void theCommitMessageListsTheRulesAppliedAndCarriesTrailers() {
        Change c = change("restricted", FileReport.Kind.COMPOSE, List.of(
                fixed("deploy/compose.yaml", 4, "cap-drop-all", "web", "m"),
                fixed("deploy/compose.yaml", 8, "cap-drop-all", "db", "m"),
                fixed("deploy/compose.yaml", 8, "pids-limit", "db", "m")));
        assertThat(PrText.commitMessage(c)).isEqualTo("""
                Harden containers with the restricted profile

                Rules applied:
                - cap-drop-all (2 changes)
                - pids-limit (1 change)

                Harden-Profile: restricted
                Harden-Change: %s
                """.formatted(c.hash()));
    }

    @Test
    void theHashChangesWithTheProfileOrAnyFileAndOnlyThen() {
        Change a = change("restricted", FileReport.Kind.COMPOSE, List.of());
        assertThat(change("restricted", FileReport.Kind.COMPOSE, List.of()).hash()).isEqualTo(a.hash());
        assertThat(change("strict", FileReport.Kind.COMPOSE, List.of()).hash()).isNotEqualTo(a.hash());
        Change other = new Change("restricted", List.of(new Change.FileChange("deploy/compose.yaml",
                "services: {}\n".getBytes(), "services: {b: 1}\n".getBytes())), List.of(), List.of());
        assertThat(other.hash()).isNotEqualTo(a.hash()).hasSize(20);
    }

    @Test
    void theBranchIsNamedAfterTheProfileUnlessGivenAndMustBeAValidRef() {
        Settings s = Settings.defaults();
        assertThat(s.branchFor("restricted")).isEqualTo("harden/restricted");
        assertThat(s.branchFor("Company Profile v2")).isEqualTo("harden/company-profile-v2");
        assertThatThrownBy(() -> new Settings("bad..name", null, s.author(), s.committer(), false, List.of(), List.of(),
                List.of(), false, 3)).hasMessageContaining("'bad..name' is not a valid branch name");
    }

    @Test
    void aVerificationSectionGoesBeforeTheTailAndAHugeOneIsCutAtALineSoTheBodyStaysWithinTheLimit() {
        List<Finding> many = new ArrayList<>();
        for (int i = 1; i <= 3_000; i++) {
            many.add(fixed("deploy/compose.yaml", i, "cap-drop-all", "service-" + i, "dropped all capabilities of service " + i));
        }
        Change c = change("restricted", FileReport.Kind.COMPOSE, many);
        StringBuilder section = new StringBuilder("### Verified on a Docker engine\n\n");
        for (int i = 1; i <= 3_000; i++) {
            section.append("| service-").append(i).append(" | `local/nginx:deb` | runs before and after |\n");
        }

        String small = PrText.body(c, "### Verified on a Docker engine\n\n| web | `nginx` | runs before and after |\n");
        String huge = PrText.body(c, section.toString());

        assertThat(small.indexOf("### Verified on a Docker engine")).isLessThan(small.indexOf("### Keeping a service as it is"));
        assertThat(huge.length()).isLessThanOrEqualTo(PrText.BODY_LIMIT);
        assertThat(huge).contains("| service-1 | `local/nginx:deb` | runs before and after |\n",
                "\n... and more: run `harden verify` for every service\n", "more changes: the commit holds them all");
        assertThat(Marker.find(huge)).contains(new Marker("restricted", c.hash()));
    }
}
