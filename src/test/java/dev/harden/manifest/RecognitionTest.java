package dev.harden.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harden.yaml.YamlException;
import dev.harden.yaml.YamlFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RecognitionTest {
    private static Recognition recognise(String fileName, String text) {
        try {
            return Recognition.of(YamlFile.parse(text), fileName);
        } catch (YamlException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aSpringApplicationYmlWithServicesThatHaveImagesIsNotTakenAsCompose() {
        Recognition r = recognise("application.yml", """
                spring:
                  application:
                    name: shop
                server:
                  port: 8080
                services:
                  catalog:
                    image: registry.example.com/catalog
                    url: http://catalog:8080
                """);

        assertThat(r.kind()).isEqualTo(Recognition.Kind.NEITHER);
        assertThat(positioned(r)).isEqualTo("1:1: has a top-level 'services' but also 'spring', 'server', which Compose files"
                + " do not have, so it is not taken as one (name it compose.yaml if it is)");
    }

    @Test
    void aComposeFileIsTakenByItsNameEvenWithKeysComposeDoesNotKnow() {
        String text = """
                spring: {}
                services:
                  web:
                    image: nginx:1.27
                """;
        for (String name : new String[] {"compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.prod.yaml",
                "compose.override.yml", "app.compose.yaml", "dev-compose.yml", "test_compose.base.override.yml"}) {
            Recognition r = recognise(name, text);
            assertThat(r.kind()).as(name).isEqualTo(Recognition.Kind.COMPOSE);
            assertThat(r.why()).as(name).isEqualTo("by name");
        }
    }

    @Test
    void aFileWithAnotherNameIsComposeByAShapeOnlyComposeFilesHave() {
        Recognition r = recognise("stack.yml", """
                version: "3.8"
                x-common: &common
                  restart: always
                services:
                  web:
                    <<: *common
                    build: .
                volumes:
                  data: {}
                """);

        assertThat(r.kind()).isEqualTo(Recognition.Kind.COMPOSE);
        assertThat(r.why()).isEqualTo("by shape: services with 'image' or 'build', and only Compose keys at the top");
    }

    @Test
    void servicesWithoutImageBuildOrExtendsInAFileNotNamedComposeAreNotTaken() {
        Recognition r = recognise("catalog.yaml", """
                services:
                  billing:
                    url: http://billing
                """);

        assertThat(r.kind()).isEqualTo(Recognition.Kind.NEITHER);
        assertThat(positioned(r)).startsWith("1:1: no service under 'services' has 'image', 'build' or 'extends', and 'url'"
                + " is not a Compose service key");
    }

    @Test
    void anOverrideFragmentWithOnlyComposeKeysIsComposeByShape() {
        Recognition r = recognise("error-page.yml", """
                services:
                  proxy:
                    volumes:
                      - ./50x.html:/usr/share/nginx/html/50x.html:ro
                """);

        assertThat(r.kind()).isEqualTo(Recognition.Kind.COMPOSE);
        assertThat(r.why()).isEqualTo("by shape: only Compose keys at the top and in its services");
    }

    @Test
    void servicesWithNoValueSaysServicesIsEmptyAtItsLine() {
        Recognition r = recognise("compose.yaml", "# stack\nname: shop\nservices:\n");

        assertThat(r.kind()).isEqualTo(Recognition.Kind.NEITHER);
        assertThat(positioned(r)).isEqualTo("3:1: 'services' is empty: there is no service to harden");
    }

    @Test
    void servicesAsAListIsNamedAsTheProblem() {
        Recognition r = recognise("compose.yaml", "services:\n  - web\n");

        assertThat(positioned(r)).isEqualTo("1:1: 'services' must map service names to services, not hold a list");
    }

    @Test
    void aServiceThatIsTextIsReportedAtItsLine() {
        Recognition r = recognise("compose.yaml", "services:\n  web: foo\n  db:\n    image: postgres:17\n");

        assertThat(r.kind()).isEqualTo(Recognition.Kind.COMPOSE);
        assertThat(r.compose().malformedService()).hasValueSatisfying(m -> assertThat(m.line() + ":" + m.column() + ": " + m.reason())
                .startsWith("2:8: service 'web' is 'foo', not a mapping of settings, and Compose refuses it"));
    }

    @Test
    void hardensOwnImageKnowledgeAndProfilesAreNotKubernetesManifests() throws IOException, YamlException {
        for (String name : new String[] {"images.yaml", "restricted.yaml"}) {
            Recognition r = Recognition.of(YamlFile.parse(Files.readString(Path.of("profiles", name))), name);
            assertThat(r.kind()).as(name).isEqualTo(Recognition.Kind.NEITHER);
            assertThat(r.why()).as(name).contains("has 'apiVersion' and 'kind' but no 'metadata'");
        }
    }

    @Test
    void aKubernetesObjectNeedsMetadataOrListItems() {
        Recognition pod = recognise("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec: {}\n");
        Recognition list = recognise("all.yaml", "apiVersion: v1\nkind: List\nitems: []\n");

        assertThat(pod.kind()).isEqualTo(Recognition.Kind.KUBERNETES);
        assertThat(pod.why()).isEqualTo("1 document with apiVersion, kind and metadata");
        assertThat(list.kind()).isEqualTo(Recognition.Kind.KUBERNETES);
    }

    @Test
    void jsonManifestsAreRecognisedLikeYaml() {
        Recognition r = recognise("deploy.json", """
                {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
                 "spec": {"template": {"spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}}}
                """);

        assertThat(r.kind()).isEqualTo(Recognition.Kind.KUBERNETES);
    }

    /** How harden prints why a file is neither: {@code line:col: reason}. */
    private static String positioned(Recognition r) {
        return r.line() + ":" + r.column() + ": " + r.why();
    }
}
