package dev.harden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which files a folder search reads, what they are taken as, and what the user is told about the rest. */
class DiscoveryTest {
    private static final String COMPOSE = "services:\n  web:\n    image: nginx:1.27\n";
    private static final String DEPLOYMENT_JSON = """
            {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
             "spec": {"template": {"spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}}}
            """;

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    @Test
    void hiddenFoldersAreSearchedButVersionControlAndDependencyFoldersAreNotAndVerboseSaysSo() throws IOException {
        write(".docker/compose.yaml", COMPOSE);
        write(".devcontainer/docker-compose.yml", COMPOSE);
        write("node_modules/pkg/compose.yaml", COMPOSE);
        write(".git/compose.yaml", COMPOSE);

        Cli quiet = Cli.run("check", "--profile", "baseline", "--format", "json", dir.toString());
        Cli verbose = Cli.run("check", "--profile", "baseline", "-v", dir.toString());

        assertThat(quiet.out()).contains(".docker/compose.yaml", ".devcontainer/docker-compose.yml")
                .doesNotContain("node_modules").doesNotContain(".git/");
        assertThat(verbose.err()).contains(dir.resolve("node_modules") + "/: skipped: dependencies")
                .contains(dir.resolve(".git") + "/: skipped: version control")
                .contains("2 files checked");
    }

    @Test
    void jsonManifestsAreCheckedAndOtherJsonIsListedAsSkippedWithVerbose() throws IOException {
        write("k8s/deploy.json", DEPLOYMENT_JSON);
        write("package.json", "{\"name\": \"shop\", \"version\": \"1.0.0\"}\n");

        Cli r = Cli.run("check", "--profile", "baseline", "-v", dir.toString());

        assertThat(r.out()).contains("deploy.json:").contains("error cap-drop-all [Deployment/web/web]");
        assertThat(r.err()).contains(dir.resolve("package.json")
                + ": skipped: JSON without \"apiVersion\" and \"kind\" or \"services\", so not a manifest");
    }

    @Test
    void aSpringApplicationYmlIsNotTakenAsComposeAndVerboseSaysWhyEachFileWasTaken() throws IOException {
        write("src/main/resources/application.yml", """
                spring:
                  application:
                    name: shop
                services:
                  catalog:
                    image: registry.example.com/catalog
                """);
        write("compose.yaml", COMPOSE);
        write("stack.yml", "version: '3'\n" + COMPOSE);

        Cli r = Cli.run("check", "--profile", "baseline", "-v", dir.toString());

        assertThat(r.out()).doesNotContain("application.yml");
        assertThat(r.err()).contains("application.yml:1:1: skipped: has a top-level 'services' but also 'spring'")
                .contains("compose.yaml: taken as a Compose file by name")
                .contains("stack.yml: taken as a Compose file by shape: services with 'image' or 'build'");
    }

    @Test
    void servicesWithNoValueIsReportedAsEmptyNotAsMissing() throws IOException {
        Path file = write("compose.yaml", "name: shop\nservices:\n");

        Cli r = Cli.run("check", file.toString());

        assertThat(r.err()).contains("compose.yaml:2:1: skipped: 'services' is empty: there is no service to harden")
                .doesNotContain("no top-level 'services'");
    }

    @Test
    void aServiceWrittenAsTextIsBadInputWithItsLine() throws IOException {
        Path file = write("compose.yaml", "services:\n  web: foo\n");

        Cli r = Cli.run("check", file.toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("compose.yaml:2:8: service 'web' is 'foo', not a mapping of settings");
    }

    @Test
    void aServiceThatExtendsAnotherFileIsNotCalledBuiltLocally() throws IOException {
        Path file = write("compose.yaml", """
                services:
                  web:
                    extends:
                      file: common.yaml
                      service: base
                """);

        Cli r = Cli.run("check", file.toString());

        assertThat(r.out()).doesNotContain("built locally").contains("image (set by the service it extends)");
    }

    @Test
    void hardensOwnImageKnowledgeIsNotCheckedAsAKubernetesManifest() {
        Cli r = Cli.run("check", "-v", "profiles/images.yaml");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("profiles/images.yaml:32:1: skipped: has 'apiVersion' and 'kind' but no 'metadata',"
                + " so it is not a Kubernetes object (apiVersion harden/v1, kind ImageKnowledge)");
    }

    @Test
    void aFolderWithoutManifestsSaysSoAndExitsTwo() throws IOException {
        write("docs/mkdocs.yml", "site_name: shop\n");

        Cli r = Cli.run("check", dir.toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("harden: no Compose file or Kubernetes manifest found in " + dir
                + " (1 YAML or JSON file was neither; --verbose lists them and the folders not searched)")
                .doesNotContain("0 files checked");
        Cli verify = Cli.run("verify", "--docker-host", "unix:///nonexistent/harden-test.sock", dir.toString());
        assertThat(verify.exit()).as(verify.err()).isEqualTo(2);
        assertThat(verify.err()).contains("harden: no Compose file or Kubernetes manifest found in " + dir);
    }
}
