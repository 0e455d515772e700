package dev.harden.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.harden.rule.RuleCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Errors in a user's profile name the file, line and column of the offending key or value. */
class ProfileLoadingTest {
    private static final Map<String, Map<String, Object>> CATALOGUE = RuleCatalog.builtIn().parameters();

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private void assertRefused(Path profile, String error) {
        assertThatThrownBy(() -> Profile.load(profile.toString(), CATALOGUE))
                .isInstanceOf(ProfileException.class).hasMessage(profile + ":" + error);
    }

    @Test
    void anUnknownRuleIsAnErrorAtItsIdWithTheClosestRule() throws IOException {
        Path p = write("mine.yaml", "name: mine\nrules:\n  cap-drop-al: {fix: false}\n");
        assertRefused(p, "3:3: unknown rule 'cap-drop-al' (did you mean 'cap-drop-all'?); 'harden rules' lists them");
    }

    @Test
    void unknownImagesTakesOnlyReportOrAssumeAndIsRefusedAtItsValue() throws IOException {
        // "unknownImages: " is 15 characters
        Path p = write("mine.yaml", "name: mine\nunknownImages: guess\n");
        assertRefused(p, "2:16: unknownImages must be report or assume, not 'guess'");
        Path list = write("list.yaml", "extends: strict\nunknownImages: [report]\n");
        assertRefused(list, "2:16: unknownImages must be report or assume, not a list");
    }

    @Test
    void theShippedProfilesReportUnknownImagesExceptStrictWhichAssumes() throws ProfileException {
        assertThat(Profile.load("baseline", CATALOGUE).unknownImages()).isEqualTo(UnknownImages.REPORT);
        assertThat(Profile.load("restricted", CATALOGUE).unknownImages()).isEqualTo(UnknownImages.REPORT);
        assertThat(Profile.load("strict", CATALOGUE).unknownImages()).isEqualTo(UnknownImages.ASSUME);
    }

    @Test
    void unknownImagesIsInheritedThroughExtendsAndAChildMayChangeIt() throws IOException {
        Path inherits = write("inherits.yaml", "extends: strict\n");
        assertThat(loadQuietly(inherits, CATALOGUE).unknownImages()).isEqualTo(UnknownImages.ASSUME);
        Path reports = write("reports.yaml", "extends: strict\nunknownImages: report\n");
        assertThat(loadQuietly(reports, CATALOGUE).unknownImages()).isEqualTo(UnknownImages.REPORT);
        Path alone = write("alone.yaml", "rules:\n  pids-limit: {}\n");
        assertThat(loadQuietly(alone, CATALOGUE).unknownImages()).isEqualTo(UnknownImages.REPORT);
    }

    @Test
    void anUnknownSettingIsAnErrorAtItsKey() throws IOException {
        Path p = write("mine.yaml", "rules:\n  pids-limit:\n    sevrity: error\n");
        assertRefused(p, "3:5: rules.pids-limit: unknown key 'sevrity' (did you mean 'severity'?)");
    }

    @Test
    void anUnknownTopLevelKeyIsAnErrorAtItsKey() throws IOException {
        Path p = write("mine.yaml", "name: mine\nextend: baseline\n");
        assertRefused(p, "2:1: unknown key 'extend' (did you mean 'extends'?)");
    }

    @Test
    void anUndeclaredParameterIsAnErrorAtItsNameWithTheClosestDeclaredOne() throws IOException {
        // "  pids-limit: {params: {" is 24 characters
        Path p = write("mine.yaml", "rules:\n  pids-limit: {params: {limt: 5}}\n");
        assertRefused(p, "2:25: rule 'pids-limit' has no parameter 'limt' (did you mean 'limit'?); it takes [limit]");
    }

    @Test
    void aParameterOfAnotherTypeThanItsDefaultIsAnErrorAtTheValue() throws IOException {
        Path number = write("number.yaml", "rules:\n  pids-limit:\n    params:\n      limit: lots\n");
        assertRefused(number, "4:14: rule 'pids-limit': parameter 'limit' must be a number, not 'lots'");
        // "  cap-drop-all: {params: {allowedAdd: " is 38 characters
        Path list = write("list.yaml", "rules:\n  cap-drop-all: {params: {allowedAdd: NET_RAW}}\n");
        assertRefused(list, "2:39: rule 'cap-drop-all': parameter 'allowedAdd' must be a list, not 'NET_RAW'");
        Path text = write("text.yaml", "rules:\n  resource-limits:\n    params:\n      memory: [512M]\n");
        assertRefused(text, "4:15: rule 'resource-limits': parameter 'memory' must be a single value, not a list");
    }

    @Test
    void aBooleanParameterTakesOnlyTrueOrFalse() throws IOException {
        Map<String, Map<String, Object>> catalogue = Map.of("made-up", Map.of("strict", false));
        // "  made-up: {params: {strict: " is 29 characters
        Path p = write("mine.yaml", "rules:\n  made-up: {params: {strict: \"yes\"}}\n");
        assertThatThrownBy(() -> Profile.load(p.toString(), catalogue))
                .hasMessage(p + ":2:30: rule 'made-up': parameter 'strict' must be true or false, not 'yes'");
        Path ok = write("ok.yaml", "rules:\n  made-up: {params: {strict: true}}\n");
        assertThat(loadQuietly(ok, catalogue).rules().get("made-up").params()).containsEntry("strict", true);
    }

    @Test
    void aParameterTheRuleOnlyUnderstandsSomeWordsOfRefusesOthers() throws IOException {
        // "  image-tag-pinned: {params: {pin: " is 35 characters
        Path pin = write("pin.yaml", "rules:\n  image-tag-pinned: {params: {pin: digests}}\n");
        assertRefused(pin, "2:36: rule 'image-tag-pinned': parameter 'pin' must be report, tag or digest, not 'digests'");
        Path explicit = write("explicit.yaml", "rules:\n  no-new-privileges:\n    params: {explicit: overide}\n");
        assertRefused(explicit, "3:24: rule 'no-new-privileges': parameter 'explicit' must be report or override, not 'overide'");
    }

    @Test
    void aSettingOfTheWrongTypeIsAnErrorAtTheValue() throws IOException {
        // "  pids-limit: {fix: " is 20 characters
        Path p = write("mine.yaml", "rules:\n  pids-limit: {fix: yes}\n");
        assertRefused(p, "2:21: rules.pids-limit.fix must be true or false, not 'yes'");
        Path sev = write("sev.yaml", "rules:\n  pids-limit: {severity: fatal}\n");
        assertRefused(sev, "2:26: rule 'pids-limit': severity must be error, warning or note, not 'fatal'");
    }

    @Test
    void aPodSpecPathWithoutItsPathIsAnErrorAtTheEntry() throws IOException {
        Path p = write("mine.yaml", "kubernetes:\n  podSpecPaths:\n    - {apiVersion: example.com/v1, kind: Runner}\n");
        assertRefused(p, "3:7: kubernetes.podSpecPaths[0]: missing required key 'path'");
    }

    @Test
    void aKindOtherThanProfileIsRefused() throws IOException {
        Path p = write("mine.yaml", "apiVersion: harden/v1\nkind: Lock\n");
        assertRefused(p, "2:7: kind must be Profile, not 'Lock'");
    }

    @Test
    void extendingAProfileThatDoesNotExistIsAnErrorAtTheExtends() throws IOException {
        Path p = write("mine.yaml", "name: mine\nextends: restrictd\n");
        assertRefused(p, "2:10: no profile named 'restrictd': use one of [baseline, restricted, strict] or the path of a"
                + " profile file (did you mean 'restricted'?)");
    }

    @Test
    void profilesThatExtendEachOtherAreRefusedAtTheExtendsThatClosesTheCircle() throws IOException {
        Path a = write("a.yaml", "extends: b.yaml\n");
        Path b = write("b.yaml", "extends: a.yaml\n");
        assertThatThrownBy(() -> Profile.load(a.toString(), CATALOGUE)).isInstanceOf(ProfileException.class)
                .hasMessage(b + ":1:10: profile 'a.yaml' extends itself through [" + a + ", " + b + "]");
    }

    @Test
    void anErrorInAnExtendedFileNamesThatFile() throws IOException {
        Path parent = write("parent.yaml", "rules:\n  pids-limit: {fix: maybe}\n");
        Path child = write("child.yaml", "extends: parent.yaml\n");
        assertThatThrownBy(() -> Profile.load(child.toString(), CATALOGUE))
                .hasMessage(parent + ":2:21: rules.pids-limit.fix must be true or false, not 'maybe'");
    }

    @Test
    void aUserProfileLayersOnItsParentWithDefaultsFilledIn() throws IOException, ProfileException {
        Path p = write("team.yaml", "extends: baseline\nname: team\nrules:\n  pids-limit: {params: {limit: 64}}\n"
                + "  no-new-privileges: {enabled: false}\n  log-rotation: {params: {maxFile: 5}}\n  cap-drop-all: off\n");
        Profile team = loadQuietly(p, CATALOGUE);
        assertThat(team.name()).isEqualTo("team");
        assertThat(team.rules()).doesNotContainKeys("no-new-privileges", "cap-drop-all");
        assertThat(team.rules().get("pids-limit").params()).containsEntry("limit", 64L);
        assertThat(team.rules().get("pids-limit").severity()).isEqualTo(Profile.load("baseline", CATALOGUE)
                .rules().get("pids-limit").severity());
        // a number where text is declared is kept as written, as text
        assertThat(team.rules().get("log-rotation").params()).containsEntry("maxFile", "5").containsEntry("maxSize", "10m");
    }

    @Test
    void everyShippedProfileReadsTheSameFromItsYamlAsFromItsCompiledForm() throws ProfileException {
        for (String name : Profile.BUILT_IN) {
            Profile fromYaml = Profile.load("profiles/" + name + ".yaml", CATALOGUE);
            assertThat(fromYaml).as(name).isEqualTo(Profile.load(name, CATALOGUE));
        }
    }

    @Test
    void aMisspeltParameterNameInCodeIsAProgrammingError() {
        RuleSetting setting = new RuleSetting(dev.harden.report.Severity.WARNING, true, Map.of("limit", 200L, "name", ""));
        assertThat(setting.param("limit")).isEqualTo("200");
        assertThat(setting.param("name")).isEmpty();
        assertThat(setting.longParam("limit")).isEqualTo(200L);
        assertThatThrownBy(() -> setting.param("limt")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'limt'");
        assertThatThrownBy(() -> setting.longParam("limt")).isInstanceOf(IllegalArgumentException.class);
    }

    private static Profile loadQuietly(Path p, Map<String, Map<String, Object>> catalogue) {
        try {
            return Profile.load(p.toString(), catalogue);
        } catch (ProfileException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }
}
