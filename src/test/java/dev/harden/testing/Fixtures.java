package dev.harden.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harden.engine.FileHardener;
import dev.harden.image.ImageKnowledge;
import dev.harden.profile.Profile;
import dev.harden.profile.ProfileException;
import dev.harden.profile.RepoConfig;
import dev.harden.profile.UnknownImages;
import dev.harden.report.FileReport;
import dev.harden.report.Finding;
import dev.harden.report.GeneratedFile;
import dev.harden.rule.RuleCatalog;
import dev.harden.yaml.Limits;
import dev.harden.yaml.YamlFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The checks every fixture gets without asking: the input round-trips unchanged, the fix gives the
 * expected bytes, a second fix changes nothing, and a re-check finds nothing fixable.
 *
 * <p>Files a fix writes next to the fixture (NetworkPolicies) are kept in memory by {@link #fixed}
 * and seen by the runs after it, as they would be on disk.
 */
public final class Fixtures {
    private static final ImageKnowledge IMAGES = ImageKnowledge.builtIn();
    private static final ThreadLocal<Map<String, byte[]>> WRITTEN = ThreadLocal.withInitial(HashMap::new);

    private Fixtures() {
    }

    public static Profile profile(String name) {
        try {
            return Profile.load(name, RuleCatalog.builtIn().parameters());
        } catch (ProfileException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A profile that applies one rule, with the strict profile's settings for it. */
    public static Profile only(String ruleId) {
        Profile strict = profile("strict");
        return new Profile("only-" + ruleId, "", Map.of(ruleId, strict.rules().get(ruleId)), strict.podSpecPaths(),
                strict.unknownImages());
    }

    /** The same profile, changing images no source knows on its assumptions ({@code unknownImages: assume}). */
    public static Profile assuming(Profile profile) {
        return new Profile(profile.name(), profile.description(), profile.rules(), profile.podSpecPaths(),
                UnknownImages.ASSUME);
    }

    public static FileHardener hardener(Profile profile) {
        return new FileHardener(profile, IMAGES, RepoConfig.none(), Limits.DEFAULT,
                path -> Optional.ofNullable(WRITTEN.get().get(path.getFileName().toString())));
    }

    /** The files the last {@link #fixed} asked to write next to the fixture, by name. */
    public static Map<String, String> generated() {
        Map<String, String> out = new HashMap<>();
        WRITTEN.get().forEach((k, v) -> out.put(k, new String(v, StandardCharsets.UTF_8)));
        return out;
    }

    public static FileReport fix(Profile profile, String text) {
        return hardener(profile).process(Path.of("fixture.yaml"), "fixture.yaml", text.getBytes(StandardCharsets.UTF_8), true);
    }

    public static FileReport check(Profile profile, String text) {
        return hardener(profile).process(Path.of("fixture.yaml"), "fixture.yaml", text.getBytes(StandardCharsets.UTF_8), false);
    }

    /** The fixed text, or the input when nothing changed; fails on a refused or failed file. */
    public static String fixed(Profile profile, String text) {
        WRITTEN.get().clear();
        FileReport r = fix(profile, text);
        for (GeneratedFile g : r.generated()) {
            WRITTEN.get().put(g.name(), g.content());
        }
        assertThat(r.outcome()).as("outcome (problem: %s)", r.problem()).isEqualTo(FileReport.Outcome.CHECKED);
        assertThat(r.kind()).as("file kind (problem: %s)", r.problem()).isIn(FileReport.Kind.COMPOSE, FileReport.Kind.KUBERNETES);
        return r.changed() ? new String(r.fixed(), StandardCharsets.UTF_8) : text;
    }

    /** Asserts the fix of {@code before} is exactly {@code after}, with round trip, idempotence and re-check. */
    public static void assertFixes(Profile profile, String before, String after) {
        assertRoundTrips(before);
        String actual = fixed(profile, before);
        assertThat(actual).as("fixed text").isEqualTo(after);
        assertIdempotentAndClean(profile, actual);
    }

    public static void assertRoundTrips(String text) {
        try {
            YamlFile file = YamlFile.parse(text.getBytes(StandardCharsets.UTF_8), Limits.DEFAULT);
            assertThat(new String(file.bytes(), StandardCharsets.UTF_8)).isEqualTo(text);
            assertThat(new String(file.edit().apply(), StandardCharsets.UTF_8)).isEqualTo(text);
        } catch (Exception e) {
            throw new AssertionError("does not round-trip: " + e.getMessage(), e);
        }
    }

    /** A second fix changes nothing and a check finds no open fixable finding. */
    public static void assertIdempotentAndClean(Profile profile, String fixedText) {
        FileReport again = fix(profile, fixedText);
        assertThat(again.changed()).as("a second fix changed the file:%n%s", again.changed()
                ? new String(again.fixed(), StandardCharsets.UTF_8) : "").isFalse();
        List<Finding> fixable = check(profile, fixedText).findings().stream().filter(f -> f.isOpen() && f.fixable()).toList();
        assertThat(fixable).as("fixable findings left after the fix").isEmpty();
    }
}
