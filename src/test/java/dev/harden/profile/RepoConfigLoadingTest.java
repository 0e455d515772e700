package dev.harden.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Errors in {@code .harden.yaml} name the file, line and column of the offending key or value. */
class RepoConfigLoadingTest {
    @TempDir
    Path dir;

    private void assertRefused(String text, String error) throws IOException {
        Path file = Files.writeString(dir.resolve(RepoConfig.FILE_NAME), text);
        assertThatThrownBy(() -> RepoConfig.load(file)).isInstanceOf(ProfileException.class).hasMessage(file + ":" + error);
    }

    @Test
    void anUnknownKeyIsAnErrorAtTheKeyWithTheClosestKey() throws IOException {
        assertRefused("profile: baseline\nexemption:\n  - rules: [cap-drop-all]\n",
                "2:1: unknown key 'exemption' (did you mean 'exemptions'?)");
        assertRefused("exemptions:\n  - rules: [cap-drop-all]\n    servce: db\n    reason: vendor image\n",
                "3:5: exemptions[0]: unknown key 'servce' (did you mean 'service'?)");
    }

    @Test
    void anExemptionWithoutAReasonIsAnErrorAtTheExemption() throws IOException {
        assertRefused("exemptions:\n  - rules: [cap-drop-all]\n    service: db\n", "2:5: exemptions[0]: missing required key 'reason'");
        // the reason's value starts in column 26 of "  - {rules: all, reason: \" \"}"
        assertRefused("exemptions:\n  - {rules: all, reason: \" \"}\n", "2:26: exemptions[0].reason must say why the rules do not apply");
    }

    @Test
    void exemptionsOfTheWrongTypeAreAnErrorAtTheValue() throws IOException {
        assertRefused("exemptions: {rules: [a]}\n", "1:13: exemptions must be a list, not a mapping");
        assertRefused("exemptions:\n  - rules: []\n    reason: r\n", "2:12: exemptions[0].rules must name at least one rule, or all");
        assertRefused("profile: [baseline]\n", "1:10: profile must be a single value, not a list");
    }

    @Test
    void anExemptionMayNameOneRuleWithoutAList() throws IOException, ProfileException {
        Path file = Files.writeString(dir.resolve(RepoConfig.FILE_NAME),
                "profile: strict\nimages: images.yaml\nexemptions:\n  - {rules: cap-drop-all, workload: db, file: \"*.yaml\", reason: vendor}\n");
        RepoConfig config = RepoConfig.load(file);
        assertThat(config.profile()).isEqualTo("strict");
        assertThat(config.imagesFile()).isEqualTo("images.yaml");
        assertThat(config.exemptions()).containsExactly(new Exemption(java.util.List.of("cap-drop-all"), "*.yaml", "db", "vendor"));
        assertThat(RepoConfig.load(Files.writeString(dir.resolve("empty.yaml"), "")).exemptions()).isEmpty();
    }

    @Test
    void campaignsFalseOptsTheRepositoryOutOfBulkCampaignsAndAnythingButABooleanIsAnErrorAtTheValue()
            throws IOException, ProfileException {
        assertThat(RepoConfig.load(Files.writeString(dir.resolve("off.yaml"), "campaigns: false\n")).campaigns()).isFalse();
        assertThat(RepoConfig.load(Files.writeString(dir.resolve("on.yaml"), "campaigns: true\n")).campaigns()).isTrue();
        assertThat(RepoConfig.load(Files.writeString(dir.resolve("none.yaml"), "profile: strict\n")).campaigns()).isTrue();
        assertRefused("profile: strict\ncampaigns: no thanks\n", "2:12: campaigns must be true or false, not 'no thanks'");
        assertRefused("campaign: false\n", "1:1: unknown key 'campaign' (did you mean 'campaigns'?)");
    }
}
