package dev.harden.bulk;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.harden.forge.Forge;
import dev.harden.forge.Repositories;
import dev.harden.testing.FakeTime;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiscoveryTest {
    private static Campaign campaign(String repositories) throws CampaignException {
        String text = """
                apiVersion: harden/v1
                kind: Campaign
                name: roll
                forge: github
                api: %s
                profile: restricted
                repositories:
                %s""";
        return campaign(text, "https://api.github.com", repositories);
    }

    private static Campaign campaign(String text, String api, String repositories) throws CampaignException {
        return CampaignFile.parse(Path.of("c.yaml"), text.formatted(api, repositories.indent(2)).getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> paths(Discovery.Result r) {
        return r.targets().stream().map(t -> t.id().path()).toList();
    }

    @Test
    void namedRepositoriesNeedNoForgeCallAndAreFilteredByTheGlobs() throws Exception {
        Campaign c = campaign("""
                names: [acme/shop, acme/legacy-cms, acme/api, other/tool, acme/deep/nested]
                include: ["acme/*", "acme/**"]
                exclude: ["acme/legacy-*"]
                """);
        Discovery.Result r = Discovery.run(c, null);
        assertThat(paths(r)).containsExactly("acme/shop", "acme/api", "acme/deep/nested");
        assertThat(r.targets().get(0).id()).isEqualTo(new RepoId("github.com", "acme/shop"));
        assertThat(r.skipped()).containsExactly("acme/legacy-cms: matches an exclude glob", "other/tool: matches no include glob");
    }

    @Test
    void aListedOrganisationDropsArchivedRepositoriesAndForksUnlessAskedAndNamesEachOnce() throws Exception {
        WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        try {
            String item = "{\"full_name\": \"%s\", \"clone_url\": \"https://github.com/%s.git\", \"default_branch\": \"main\","
                    + " \"archived\": %s, \"fork\": %s}";
            server.stubFor(get(urlPathEqualTo("/orgs/acme/repos")).withQueryParam("per_page", equalTo("100"))
                    .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("["
                            + item.formatted("acme/shop", "acme/shop", false, false) + ","
                            + item.formatted("acme/old", "acme/old", true, false) + ","
                            + item.formatted("acme/mine", "acme/mine", false, true) + ","
                            + item.formatted("acme/api", "acme/api", false, false) + "]")));
            String api = "http://127.0.0.1:" + server.port();
            Repositories lister = Repositories.of(Forge.Kind.GITHUB, URI.create(api), "t", new FakeTime().pace(), s -> { });
            String text = """
                    apiVersion: harden/v1
                    kind: Campaign
                    name: roll
                    forge: github
                    api: %s
                    profile: restricted
                    repositories:
                    %s""";

            Discovery.Result r = Discovery.run(campaign(text, api, "names: [acme/api]\norg: acme\n"), lister);
            assertThat(paths(r)).containsExactly("acme/api", "acme/shop");
            assertThat(r.targets().get(1)).isEqualTo(new Target(new RepoId("127.0.0.1", "acme/shop"),
                    "https://github.com/acme/shop.git", "main"));
            assertThat(r.skipped()).containsExactly(
                    "acme/old: archived (set repositories.archived: true to include it)",
                    "acme/mine: a fork (set repositories.forks: true to include it)");

            Discovery.Result all = Discovery.run(campaign(text, api, "org: acme\narchived: true\nforks: true\n"), lister);
            assertThat(paths(all)).containsExactly("acme/shop", "acme/old", "acme/mine", "acme/api");
            assertThat(all.skipped()).isEmpty();
        } finally {
            server.stop();
        }
    }
}
