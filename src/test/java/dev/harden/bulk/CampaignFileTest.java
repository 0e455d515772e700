package dev.harden.bulk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.harden.forge.Forge;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CampaignFileTest {
    private static final Path FILE = Path.of("c.yaml");
    private static final String HEAD = """
            apiVersion: harden/v1
            kind: Campaign
            name: roll
            forge: github
            profile: restricted
            """;

    private static Campaign parse(String text) throws CampaignException {
        return CampaignFile.parse(FILE, text.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertRefused(String text, String message) {
        assertThatThrownBy(() -> parse(text)).isInstanceOf(CampaignException.class).hasMessage(message);
    }

    @Test
    void theShippedExampleReadsAsEveryKeyOfTheReferenceSays() throws Exception {
        Campaign c = CampaignFile.load(Path.of("examples/bulk/campaign.yaml"));
        assertThat(c.name()).isEqualTo("restricted-rollout");
        assertThat(c.forge()).isEqualTo(Forge.Kind.GITHUB);
        assertThat(c.api()).hasToString("https://api.github.com");
        assertThat(c.host()).isEqualTo("github.com");
        assertThat(c.repositories().names()).containsExactly("acme/shop", "acme/payments");
        assertThat(c.repositories().org()).isEqualTo("acme");
        assertThat(c.repositories().topic()).isEqualTo("docker-compose");
        assertThat(c.repositories().include()).containsExactly("acme/*");
        assertThat(c.repositories().exclude()).containsExactly("acme/legacy-*", "acme/*-archive");
        assertThat(c.repositories().archived()).isFalse();
        assertThat(c.repositories().forks()).isFalse();
        assertThat(c.profile()).isEqualTo("restricted");
        assertThat(c.branchName()).isEqualTo("harden/restricted");
        assertThat(c.pullRequest().title()).isEqualTo("Harden Compose and Kubernetes manifests");
        assertThat(c.pullRequest().labels()).containsExactly("security", "harden");
        assertThat(c.pullRequest().draft()).isTrue();
        assertThat(c.author()).hasToString("Platform Bot <platform-bot@example.com>");
        assertThat(c.signOff()).isEqualTo(Campaign.SignOff.AUTO);
        assertThat(c.optOutFile()).isEqualTo(".harden-opt-out");
        assertThat(c.pace()).isEqualTo(new Campaign.Pacing(60, 400, 60, 100, 4));
    }

    @Test
    void aPlainListOfRepositoriesIsEnoughAndEverythingElseTakesItsDefault() throws Exception {
        Campaign c = parse(HEAD + "repositories: [acme/shop, platform/tools/ci]\n");
        assertThat(c.repositories().names()).containsExactly("acme/shop", "platform/tools/ci");
        assertThat(c.repositories().discovers()).isFalse();
        assertThat(c.branchName()).isEqualTo("harden/restricted");
        assertThat(c.pullRequest().draft()).isFalse();
        assertThat(c.signOff()).isEqualTo(Campaign.SignOff.NEVER);
        assertThat(c.pace()).isEqualTo(Campaign.Pacing.DEFAULT);
        assertThat(c.author().email()).isEqualTo("harden@noreply.invalid");
    }

    @Test
    void waitingForChecksIsOffUnlessThePaceAsksForIt() throws Exception {
        Campaign waits = parse(HEAD + "repositories: [acme/shop]\npace: {waitForChecks: true, parallel: 2}\n");
        assertThat(waits.pace()).isEqualTo(new Campaign.Pacing(60, 400, 60, 100, 2, true));
        assertThat(Campaign.Pacing.DEFAULT.waitForChecks()).isFalse();
    }

    @Test
    void aGitLabGroupAndAGiteaOrgAreReadWithTheirOwnApi() throws Exception {
        Campaign lab = parse(HEAD.replace("github", "gitlab") + "api: https://gitlab.example.com/api/v4\n"
                + "repositories: {group: platform/services, topic: compose, forks: true, archived: true}\n");
        assertThat(lab.repositories().group()).isEqualTo("platform/services");
        assertThat(lab.repositories().forks()).isTrue();
        assertThat(lab.repositories().archived()).isTrue();
        assertThat(lab.host()).isEqualTo("gitlab.example.com");
        Campaign tea = parse(HEAD.replace("github", "gitea") + "api: https://git.example.com/api/v1\nrepositories: {org: infra}\n");
        assertThat(tea.repositories().org()).isEqualTo("infra");
        assertThat(tea.forge()).isEqualTo(Forge.Kind.GITEA);
    }

    @Test
    void aYamlSyntaxErrorNamesItsLineAndColumn() {
        assertThatThrownBy(() -> parse(HEAD + "repositories: [acme/shop\n"))
                .isInstanceOf(CampaignException.class).hasMessageStartingWith("c.yaml:7:1: YAML syntax error");
    }

    @Test
    void aFileThatIsNotAMappingIsRefusedAtItsStart() {
        assertRefused("- acme/shop\n", "c.yaml:1:1: the campaign must be a mapping of keys to values");
    }

    @Test
    void twoDocumentsAreRefused() {
        assertRefused(HEAD + "repositories: [a/b]\n---\nname: x\n",
                "c.yaml:1:1: a campaign file holds exactly one YAML document, not 2");
    }

    @Test
    void anUnknownKeyIsRefusedWithTheKeyItProbablyMeant() {
        assertRefused(HEAD + "repositories: [a/b]\npullrequest: {draft: true}\n",
                "c.yaml:7:1: unknown key 'pullrequest' in a campaign (did you mean 'pullRequest'?)");
        assertRefused(HEAD + "repositories:\n  names: [a/b]\n  exclud: [x]\n",
                "c.yaml:8:3: unknown key 'exclud' in repositories (did you mean 'exclude'?)");
    }

    @Test
    void aKeyGivenTwiceIsRefusedAtItsSecondPlace() {
        assertRefused(HEAD + "repositories: [a/b]\nprofile: strict\n", "c.yaml:7:1: duplicate key 'profile' (first at line 5)");
    }

    @Test
    void aMissingRequiredKeyIsReportedAtTheMappingThatLacksIt() {
        assertRefused(HEAD.replace("name: roll\n", "") + "repositories: [a/b]\n", "c.yaml:1:1: missing 'name'");
        assertRefused(HEAD, "c.yaml:1:1: a campaign needs 'repositories': a list of owner/name, or a mapping with names,"
                + " org, topic or group");
        assertRefused(HEAD + "repositories:\n  archived: true\n",
                "c.yaml:7:3: repositories names none: give 'names', 'org', 'topic' or 'group'");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "pullRequest: {labels: security}|c.yaml:7:23: labels must be a list",
        "pullRequest: {draft: yes}|c.yaml:7:22: draft must be true or false",
        "pace: {parallel: four}|c.yaml:7:18: parallel must be a whole number",
        "pace: {waitForChecks: sometimes}|c.yaml:7:23: waitForChecks must be true or false",
        "pullRequest: [a]|c.yaml:7:14: pullRequest must be a mapping of keys to values",
        "branch: {a: 1}|c.yaml:7:9: branch must be a text value",
    })
    void aValueOfTheWrongTypeNamesItsPlace(String line, String message) {
        assertRefused(HEAD + "repositories: [a/b]\n" + line + "\n", message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "forge: gitbucket|c.yaml:4:8: unknown forge 'gitbucket': use github, gitlab or gitea",
        "profile: restriced|c.yaml:5:10: unknown profile 'restriced' (did you mean 'restricted'?): use baseline,"
                + " restricted, strict or a path to a .yaml file",
        "apiVersion: harden/v2|c.yaml:1:13: apiVersion must be harden/v1, not 'harden/v2'",
        "name: 'my campaign'|c.yaml:3:7: a campaign name is letters, digits, '.', '_' and '-', not 'my campaign'",
    })
    void aBadValueOfAHeadKeyNamesItsPlace(String replacement, String message) {
        String key = replacement.substring(0, replacement.indexOf(':'));
        String text = HEAD.lines().map(l -> l.startsWith(key + ":") ? replacement : l).reduce("", (a, b) -> a + b + "\n");
        assertRefused(text + "repositories: [a/b]\n", message);
    }

    @Test
    void aRepositoryThatIsNotOwnerSlashNameIsRefusedAtItsItem() {
        assertRefused(HEAD + "repositories:\n  - acme/shop\n  - ../etc\n", "c.yaml:8:5: '../etc' is not owner/name (GitLab:"
                + " group/project) of letters, digits, '.', '_' and '-'");
        assertRefused(HEAD + "repositories: [a/b, a/b]\n", "c.yaml:6:21: 'a/b' is listed twice");
    }

    @Test
    void aBrokenGlobIsRefusedAtItsItem() {
        assertRefused(HEAD + "repositories:\n  org: acme\n  exclude: ['acme/[oops']\n",
                "c.yaml:8:13: 'acme/[oops' is not a glob: Missing ']");
    }

    @Test
    void aPaceNumberOutOfRangeIsRefused() {
        assertRefused(HEAD + "repositories: [a/b]\npace:\n  pullRequestsPerHour: 0\n",
                "c.yaml:8:24: pullRequestsPerHour must be between 1 and 1000000, not 0");
    }

    @Test
    void aSourceTheForgeDoesNotHaveIsRefusedWithTheOneItHas() {
        assertRefused(HEAD.replace("github", "gitlab") + "repositories: {org: acme}\n",
                "c.yaml:6:21: GitLab has groups, not organisations: use 'group'");
        assertRefused(HEAD + "repositories: {group: acme}\n", "c.yaml:6:23: 'group' is GitLab's; on github use 'org'");
    }

    @Test
    void aGiteaCampaignWithoutItsApiIsRefused() {
        assertRefused(HEAD.replace("github", "gitea") + "repositories: [a/b]\n",
                "c.yaml:1:1: a gitea campaign needs 'api', such as https://git.example.com/api/v1");
        assertRefused(HEAD + "api: ftp://x\nrepositories: [a/b]\n",
                "c.yaml:6:6: api must be an http(s) URL with a host and no user or password, not 'ftp://x'");
    }

    @Test
    void anInvalidBranchOrAuthorIsRefusedAtItsValue() {
        assertRefused(HEAD + "repositories: [a/b]\nbranch: 'a..b'\n", "c.yaml:7:9: 'a..b' is not a valid branch name");
        assertRefused(HEAD + "repositories: [a/b]\nauthor: bot\n",
                "c.yaml:7:9: 'bot' is not of the form 'Name <email@example.com>'");
    }

    @Test
    void theLoaderNamesTheFileItCouldNotRead() {
        assertThatThrownBy(() -> CampaignFile.load(Path.of("no/such/campaign.yaml")))
                .isInstanceOf(CampaignException.class).hasMessageStartingWith("no/such/campaign.yaml: cannot read");
    }
}
