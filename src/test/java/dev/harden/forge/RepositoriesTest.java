package dev.harden.forge;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.harden.testing.FakeTime;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Listing an owner's repositories, against answers shaped like each forge's REST documentation. */
class RepositoriesTest {
    private final FakeTime time = new FakeTime();
    private final List<String> log = new ArrayList<>();
    private WireMockServer server;

    @BeforeEach
    void start() {
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private String base() {
        return "http://127.0.0.1:" + server.port();
    }

    private Repositories lister(Forge.Kind kind, String prefix) {
        return Repositories.of(kind, URI.create(base() + prefix), "t0ken", time.pace(), log::add);
    }

    private void page(MappingBuilder request, String body, String next) {
        var response = aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
        if (next != null) {
            response = response.withHeader("Link", "<" + base() + next + ">; rel=\"next\", <" + base() + next + ">; rel=\"last\"");
        }
        server.stubFor(request.willReturn(response));
    }

    /** GitHub's "List organization repositories" item, cut to the fields harden reads plus a few around them. */
    private static String gitHubRepo(String fullName, boolean archived, boolean fork) {
        return """
                {"id": 1296269, "name": "%s", "full_name": "%s", "private": false, "fork": %s, "archived": %s,
                 "disabled": false, "html_url": "https://github.com/%s", "clone_url": "https://github.com/%s.git",
                 "default_branch": "main", "topics": ["docker-compose"], "visibility": "public"}
                """.formatted(fullName.substring(fullName.indexOf('/') + 1), fullName, fork, archived, fullName, fullName);
    }

    @Test
    void listsEveryPageOfAGitHubOrganisationWithArchivedAndForkFlags() throws Exception {
        page(get(urlPathEqualTo("/orgs/acme/repos")).withQueryParam("type", equalTo("all"))
                .withQueryParam("per_page", equalTo("100")).withHeader("Authorization", equalTo("Bearer t0ken")),
                "[" + gitHubRepo("acme/shop", false, false) + "," + gitHubRepo("acme/old", true, false) + "]",
                "/organizations/42/repos?type=all&per_page=100&page=2");
        page(get(urlPathEqualTo("/organizations/42/repos")).withQueryParam("page", equalTo("2")),
                "[" + gitHubRepo("acme/fork-of-x", false, true) + "]", null);

        List<HostedRepository> repos = lister(Forge.Kind.GITHUB, "").organisation("acme");

        assertThat(repos).containsExactly(
                new HostedRepository("acme/shop", "https://github.com/acme/shop.git", "main", false, false),
                new HostedRepository("acme/old", "https://github.com/acme/old.git", "main", true, false),
                new HostedRepository("acme/fork-of-x", "https://github.com/acme/fork-of-x.git", "main", false, true));
    }

    @Test
    void findsGitHubRepositoriesByTopicWithinAnOrganisationThroughTheSearchApisItems() throws Exception {
        page(get(urlPathEqualTo("/search/repositories")).withQueryParam("q", equalTo("topic:docker-compose org:acme")),
                "{\"total_count\": 2, \"incomplete_results\": false, \"items\": [" + gitHubRepo("acme/shop", false, false)
                        + "]}", "/search/repositories?q=topic%3Adocker-compose+org%3Aacme&per_page=100&page=2");
        page(get(urlPathEqualTo("/search/repositories")).withQueryParam("page", equalTo("2")),
                "{\"total_count\": 2, \"incomplete_results\": false, \"items\": [" + gitHubRepo("acme/api", false, false) + "]}",
                null);

        List<HostedRepository> repos = lister(Forge.Kind.GITHUB, "").topic("docker-compose", "acme");

        assertThat(repos).extracting(HostedRepository::path).containsExactly("acme/shop", "acme/api");
    }

    @Test
    void listsAGitLabGroupWithItsSubgroupsAndTellsForksByTheirForkedFromProject() throws Exception {
        String project = """
                {"id": %d, "description": null, "name": "%s", "path": "%s", "path_with_namespace": "%s",
                 "default_branch": "main", "http_url_to_repo": "https://gitlab.example.com/%s.git",
                 "web_url": "https://gitlab.example.com/%s", "archived": %s, "topics": []%s}
                """;
        String ci = project.formatted(3, "ci", "ci", "platform/services/ci", "platform/services/ci", "platform/services/ci",
                false, "");
        String fork = project.formatted(4, "fork", "fork", "platform/fork", "platform/fork", "platform/fork", false,
                ", \"forked_from_project\": {\"id\": 1, \"path_with_namespace\": \"upstream/fork\"}");
        String old = project.formatted(5, "old", "old", "platform/old", "platform/old", "platform/old", true, "");
        page(get(urlPathEqualTo("/api/v4/groups/platform/projects")).withQueryParam("include_subgroups", equalTo("true"))
                .withQueryParam("topic", equalTo("compose")).withQueryParam("page", absent())
                .withHeader("PRIVATE-TOKEN", equalTo("t0ken")),
                "[" + ci + "," + fork + "]", "/api/v4/groups/platform/projects?include_subgroups=true&per_page=100&topic=compose&page=2");
        page(get(urlPathEqualTo("/api/v4/groups/platform/projects")).withQueryParam("page", equalTo("2")), "[" + old + "]", null);

        List<HostedRepository> repos = lister(Forge.Kind.GITLAB, "/api/v4").group("platform", "compose");

        assertThat(repos).containsExactly(
                new HostedRepository("platform/services/ci", "https://gitlab.example.com/platform/services/ci.git", "main",
                        false, false),
                new HostedRepository("platform/fork", "https://gitlab.example.com/platform/fork.git", "main", false, true),
                new HostedRepository("platform/old", "https://gitlab.example.com/platform/old.git", "main", true, false));
    }

    @Test
    void listsAGiteaOrganisationPageByPage() throws Exception {
        String repo = """
                {"id": %d, "owner": {"login": "infra"}, "name": "%s", "full_name": "infra/%s", "fork": %s,
                 "archived": false, "empty": false, "clone_url": "https://git.example.com/infra/%s.git",
                 "default_branch": "%s"}
                """;
        page(get(urlPathEqualTo("/api/v1/orgs/infra/repos")).withQueryParam("limit", equalTo("50"))
                .withQueryParam("page", absent())
                .withHeader("Authorization", equalTo("token t0ken")),
                "[" + repo.formatted(1, "dns", "dns", false, "dns", "main") + "]", "/api/v1/orgs/infra/repos?limit=50&page=2");
        page(get(urlPathEqualTo("/api/v1/orgs/infra/repos")).withQueryParam("page", equalTo("2")),
                "[" + repo.formatted(2, "mirror", "mirror", true, "mirror", "master") + "]", null);

        List<HostedRepository> repos = lister(Forge.Kind.GITEA, "/api/v1").organisation("infra");

        assertThat(repos).containsExactly(
                new HostedRepository("infra/dns", "https://git.example.com/infra/dns.git", "main", false, false),
                new HostedRepository("infra/mirror", "https://git.example.com/infra/mirror.git", "master", false, true));
    }

    @Test
    void skipsAndSaysSoWhenTheForgeListsANameThatIsNotAnOwnerSlashNamePath() throws Exception {
        page(get(urlPathEqualTo("/orgs/acme/repos")), "[" + gitHubRepo("acme/shop", false, false) + ","
                + gitHubRepo("acme/../etc", false, false) + "]", null);
        assertThat(lister(Forge.Kind.GITHUB, "").organisation("acme")).extracting(HostedRepository::path)
                .containsExactly("acme/shop");
        assertThat(log).singleElement().asString().contains("skipping a repository listed as 'acme/../etc'");
    }

    @Test
    void refusesAnOwnerNameThatCouldLeaveTheApiPathAndASourceTheForgeLacks() {
        assertThatThrownBy(() -> lister(Forge.Kind.GITHUB, "").organisation("../admin"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> lister(Forge.Kind.GITLAB, "").organisation("acme")).hasMessageContaining("groups");
        assertThatThrownBy(() -> lister(Forge.Kind.GITEA, "").topic("compose", null)).hasMessageContaining("GitHub");
        assertThatThrownBy(() -> lister(Forge.Kind.GITHUB, "").group("acme", null)).hasMessageContaining("GitLab");
    }

    @Test
    void aMissingOrganisationFailsWithTheForgesReason() {
        server.stubFor(get(urlPathEqualTo("/orgs/nobody/repos")).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json").withBody("{\"message\": \"Not Found\"}")));
        assertThatThrownBy(() -> lister(Forge.Kind.GITHUB, "").organisation("nobody"))
                .isInstanceOf(ForgeException.class).hasMessageContaining("HTTP 404: Not Found");
    }
}
