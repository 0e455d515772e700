package dev.harden.pr;

import static dev.harden.testing.GitCli.git;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.harden.engine.FileHardener;
import dev.harden.image.ImageKnowledge;
import dev.harden.profile.RepoConfig;
import dev.harden.report.FileReport;
import dev.harden.report.Problem;
import dev.harden.testing.Fixtures;
import dev.harden.testing.GitCli;
import dev.harden.testing.Needs;
import dev.harden.yaml.Limits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Fetched}: what harden reads of a repository is written out, and nothing else; the change is a checkout's. */
class FetchedTest {
    private static final long LIMIT = 2000;

    @TempDir
    Path dir;

    @BeforeAll
    static void needGit() {
        assumeTrue(GitCli.available(), Needs.GIT);
    }

    private static Map<String, String> repository() {
        String deployment = """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: api
                spec:
                  template:
                    spec:
                      containers:
                        - name: api
                          image: nginx:1.27
                """;
        Map<String, String> files = new LinkedHashMap<>();
        files.put(".harden.yaml", "profile: policy/team-profile\nimages: team/images.data\n");
        files.put("policy/team-profile", "apiVersion: harden/v1\nkind: Profile\nname: team\nextends: restricted\n");
        files.put("team/images.data", "images: []\n");
        files.put(".harden.lock", "# harden lock file\n");
        files.put("deploy/compose.yaml", "services:\n  web:\n    image: nginx:${TAG}\n");
        files.put("deploy/.env", "TAG=1.27\n");
        files.put("k/Kustomization", "resources: [base.yaml]\npatchesStrategicMerge: [patch.yaml]\n");
        files.put("k/base.yaml", deployment);
        files.put("k/patch.yaml", deployment.replace("nginx:1.27", "nginx:1.28"));
        files.put("k8s.json", "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"p\"},"
                + " \"spec\": {\"containers\": [{\"name\": \"c\", \"image\": \"nginx:1.27\"}]}}\n");
        files.put("package.json", "{\"name\": \"not-a-manifest\"}\n");
        files.put("node_modules/lib/compose.yaml", "services:\n  dep:\n    image: nginx:1.27\n");
        files.put("huge/compose.yaml", "services:\n  big:\n    image: nginx:1.27\n" + "# padding\n".repeat(300));
        files.put("README.md", "read me\n");
        return files;
    }

    private static FileHardener hardener(Path root) throws Exception {
        RepoConfig cfg = RepoConfig.load(root.resolve(".harden.yaml"));
        return new FileHardener(Fixtures.profile("restricted"), ImageKnowledge.builtIn(), cfg,
                Limits.DEFAULT.withMaxBytes(LIMIT));
    }

    private static Set<String> written(Path root) throws Exception {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(Files::isRegularFile).map(p -> root.relativize(p).toString())
                    .filter(p -> !p.startsWith(".git/")).collect(Collectors.toSet());
        }
    }

    @Test
    void writesOutTheManifestsConfigLockEnvKustomizationsAndFilesTheConfigNamesAndNothingElse() throws Exception {
        Path bare = GitCli.bare(dir, "app");
        GitCli.seed(bare, repository());
        Fetched fetched = Fetched.fetch(bare.toUri().toString(), null, null, LIMIT, List.of("README.md"), false);
        try (var git = fetched.git()) {
            assertThat(written(git.workTree())).containsExactlyInAnyOrder(".harden.yaml", "policy/team-profile",
                    "team/images.data", ".harden.lock", "deploy/compose.yaml", "deploy/.env", "k/Kustomization",
                    "k/base.yaml", "k/patch.yaml", "k8s.json", "README.md");
            assertThat(fetched.notRead()).containsOnlyKeys("huge/compose.yaml");
        }
    }

    @Test
    void theChangeOfAFetchIsTheChangeOfAFullCheckoutFileForFileAndReportForReport() throws Exception {
        Path bare = GitCli.bare(dir, "app");
        GitCli.seed(bare, repository());
        Path checkout = Files.createDirectories(dir.resolve("checkout"));
        git(checkout, "clone", "-q", bare.toUri().toString(), ".");
        Change full = Change.compute(hardener(checkout), checkout, List.of(checkout));

        Fetched fetched = Fetched.fetch(bare.toUri().toString(), null, null, LIMIT, List.of(), false);
        Change change;
        try (var git = fetched.git()) {
            change = fetched.change(hardener(git.workTree()), List.of(git.workTree()));
        }

        assertThat(change.files()).isNotEmpty();
        assertThat(change.hash()).isEqualTo(full.hash());
        assertThat(change.patch()).isEqualTo(full.patch());
        assertThat(change.unreadable()).containsExactlyInAnyOrderElementsOf(full.unreadable());
        assertThat(change.unreadable()).containsExactly("huge/compose.yaml:1:1: file is " + Files.size(checkout.resolve(
                "huge/compose.yaml")) + " bytes, over the limit of " + LIMIT + " (raise it with --max-file-size)");
        assertThat(summary(change.reports())).containsExactlyInAnyOrderElementsOf(summary(full.reports()));
        // the kustomization without an extension was read: the patch is reported as one, not hardened whole
        assertThat(change.reports()).filteredOn(r -> r.file().equals("k/patch.yaml")).singleElement()
                .satisfies(r -> assertThat(r.problem().kind()).isEqualTo(Problem.Kind.KUSTOMIZE_PATCH));
    }

    private static List<String> summary(List<FileReport> reports) {
        return reports.stream().map(r -> r.file() + " " + r.outcome() + " " + r.findings().size() + " "
                + (r.problem() == null ? "" : r.problem().text())).toList();
    }
}
