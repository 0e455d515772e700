package dev.harden.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harden.image.ImageKnowledge;
import dev.harden.profile.RepoConfig;
import dev.harden.report.FileReport;
import dev.harden.report.Finding;
import dev.harden.report.Problem;
import dev.harden.testing.Fixtures;
import dev.harden.yaml.Limits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The engine's pipeline over paths and bytes held in memory, as a campaign over a bare clone runs it:
 * nothing here touches a disk.
 */
class PipelineTest {
    private static final Path TREE = Path.of("/memory/repo");

    /** A pipeline whose files beside the one hardened come from {@code beside}, by name. */
    private static Pipeline pipeline(String profile, boolean fix, Map<String, String> beside) {
        FileHardener hardener = new FileHardener(Fixtures.profile(profile), ImageKnowledge.builtIn(), RepoConfig.none(), Limits.DEFAULT,
                path -> Optional.ofNullable(beside.get(path.getFileName().toString())).map(s -> s.getBytes(StandardCharsets.UTF_8)));
        return new Pipeline(hardener, fix);
    }

    private static Hardened harden(Pipeline pipeline, String name, String text) {
        return pipeline.harden(TREE.resolve(name), name, text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aFixTheEditorRefusesIsFlaggedOnItsFindingWhoseMessageStillSaysWhy() {
        String pod = """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web
                spec:
                  containers:
                    - name: web
                      image: nginx:1.27
                      <<: {securityContext: {privileged: false}}
                """;

        FileReport report = harden(pipeline("restricted", true, Map.of()), "pod.yaml", pod).report();

        assertThat(report.findings()).filteredOn(Finding::fixRefused).isNotEmpty().allSatisfy(f -> {
            assertThat(f.message()).contains(" (not fixed: 'securityContext' is merged from line 9; fix it there)");
            assertThat(f.isOpen()).isTrue();
            assertThat(f.fixable()).isFalse();
        });
        assertThat(report.findings()).filteredOn(f -> f.message().contains("(not fixed: ")).allMatch(Finding::fixRefused);
    }

    @Test
    void aFileThatIsNeitherIsSkippedAtTheLineThatDecidedIt() {
        FileReport report = harden(pipeline("restricted", false, Map.of()), "app.yaml", "kind: Config\nservices:\n  web: {}\n").report();

        assertThat(report.outcome()).isEqualTo(FileReport.Outcome.SKIPPED);
        assertThat(report.kind()).isEqualTo(FileReport.Kind.UNKNOWN);
        assertThat(report.problem().kind()).isEqualTo(Problem.Kind.NOT_A_MANIFEST);
        assertThat(report.problem().line()).isEqualTo(1);
        assertThat(report.problem().column()).isEqualTo(1);
        assertThat(report.problem().reason()).startsWith("has a top-level 'services' but also 'kind'");
        assertThat(report.problem().text()).isEqualTo("1:1: " + report.problem().reason());
    }

    @Test
    void aMalformedComposeServiceFailsAComposeFileAtTheServicesValue() {
        FileReport report = harden(pipeline("restricted", true, Map.of()), "compose.yaml",
                "services:\n  web: foo\n  db:\n    image: postgres:17\n").report();

        assertThat(report.outcome()).isEqualTo(FileReport.Outcome.FAILED);
        assertThat(report.kind()).isEqualTo(FileReport.Kind.COMPOSE);
        assertThat(report.checked()).isFalse();
        assertThat(report.problem()).isEqualTo(new Problem(2, 8, Problem.Kind.INVALID, "service 'web' is 'foo', not a mapping"
                + " of settings, and Compose refuses it: write its settings below its name (for example 'image:')"));
    }

    @Test
    void yamlThatDoesNotParseFailsAtItsPositionAndATemplateIsSkipped() {
        Pipeline pipeline = pipeline("restricted", false, Map.of());

        FileReport broken = harden(pipeline, "compose.yaml", "services:\n  web:\n    image: [nginx\n").report();
        FileReport template = harden(pipeline, "deploy.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Name }}\n").report();

        assertThat(broken.outcome()).isEqualTo(FileReport.Outcome.FAILED);
        assertThat(broken.problem().kind()).isEqualTo(Problem.Kind.INVALID);
        assertThat(broken.problem().line()).isGreaterThan(1);
        assertThat(template.outcome()).isEqualTo(FileReport.Outcome.SKIPPED);
        assertThat(template.problem().kind()).isEqualTo(Problem.Kind.TEMPLATE);
        assertThat(template.problem().line()).isEqualTo(4);
    }

    @Test
    void filesTheFixCreatesAreNamedAndPlacedBesideTheFileRead() {
        String deployment = """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: api
                spec:
                  selector: {matchLabels: {app: api}}
                  template:
                    metadata: {labels: {app: api}}
                    spec:
                      containers:
                        - name: api
                          image: nginx:1.27
                """;

        Hardened hardened = pipeline("strict", true, Map.of()).harden(TREE.resolve("deploy/app.yaml"), "deploy/app.yaml",
                deployment.getBytes(StandardCharsets.UTF_8));

        assertThat(hardened.created()).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo("deploy/app.network-policies.yaml");
            assertThat(c.path()).isEqualTo(TREE.resolve("deploy/app.network-policies.yaml"));
            assertThat(c.ruleId()).isEqualTo("network-policy-default-deny");
            assertThat(new String(c.content(), StandardCharsets.UTF_8)).contains("kind: NetworkPolicy");
        });
    }

    @Test
    void aFileAlreadyBesideItIsNeverCreatedAgain() {
        String deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n"
                + "    metadata: {labels: {app: api}}\n    spec:\n      containers:\n        - name: api\n          image: nginx:1.27\n";

        Hardened hardened = harden(pipeline("strict", true, Map.of("app.network-policies.yaml", "# by hand\n")), "app.yaml",
                deployment);

        assertThat(hardened.created()).isEmpty();
    }

    @Test
    void anInlineIgnoreNamingNoKnownRuleIsAWarningAndAnUnreadableFileFailsWithoutBytes() {
        Pipeline pipeline = pipeline("restricted", false, Map.of());

        Hardened typo = harden(pipeline, "compose.yaml",
                "services:\n  web:\n    image: nginx:1.27  # harden:ignore read-only-rootfs -- tmp files\n");
        Hardened unreadable = pipeline.unreadable(TREE.resolve("gone.yaml"), "gone.yaml", "cannot read (AccessDeniedException)");

        assertThat(typo.warnings()).singleElement().asString().startsWith("3:").contains("read-only-rootfs");
        assertThat(unreadable.report().outcome()).isEqualTo(FileReport.Outcome.FAILED);
        assertThat(unreadable.report().original()).isNull();
        assertThat(unreadable.report().problem().text()).isEqualTo("1:1: cannot read (AccessDeniedException)");
        assertThat(unreadable.report().problem().kind()).isEqualTo(Problem.Kind.UNREADABLE);
    }
}
