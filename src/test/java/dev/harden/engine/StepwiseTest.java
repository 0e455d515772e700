package dev.harden.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harden.manifest.References;
import dev.harden.profile.Profile;
import dev.harden.report.FileReport;
import dev.harden.report.Problem;
import dev.harden.report.UnifiedDiff;
import dev.harden.testing.Fixtures;
import dev.harden.yaml.Limits;
import dev.harden.yaml.YamlFile;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class StepwiseTest {
    static final String DEPLOYMENT = dev.harden.testing.Workloads.NGINX_AND_SIDECAR;

    private static Stepwise stepwise(Profile profile, String text) {
        FileHardener hardener = Fixtures.hardener(profile);
        FileReport fixed = hardener.process(Path.of("fixture.yaml"), "fixture.yaml", text.getBytes(StandardCharsets.UTF_8), true);
        return new Stepwise(hardener, Path.of("fixture.yaml"), fixed);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void aContainersReadOnlyRootComesWithItsPodVolumesAsOneChange() throws Exception {
        // assume: the sidecar's image is unknown, and its changes are the ones skipped here
        Stepwise steps = stepwise(Fixtures.assuming(Fixtures.profile("restricted")), DEPLOYMENT);
        List<String> asked = new ArrayList<>();
        for (Optional<Stepwise.Step> s = steps.next(); s.isPresent(); s = steps.next()) {
            Stepwise.Key key = s.get().key();
            asked.add(key.ruleId() + " " + key.subject());
            if (key.equals(new Stepwise.Key("read-only-root-filesystem", "Deployment/web/nginx"))) {
                String after = text(s.get().after());
                assertThat(after).contains("readOnlyRootFilesystem: true", "volumeMounts:", "volumes:",
                        "- name: var-cache-nginx\n          emptyDir: {}");
                assertThat(steps.accept()).isEmpty();
            } else {
                steps.skip();
            }
        }
        assertThat(asked).contains("read-only-root-filesystem Deployment/web/nginx", "read-only-root-filesystem Deployment/web/side",
                "cap-drop-all Deployment/web/side");
        String result = text(steps.result());
        assertThat(result).contains("readOnlyRootFilesystem: true", "mountPath: /var/cache/nginx", "- name: var-cache-nginx")
                .doesNotContain("capabilities", "mountPath: /tmp", "- name: tmp\n");
        YamlFile parsed = YamlFile.parse(steps.result(), Limits.DEFAULT);
        assertThat(References.dangling(parsed, List.of())).isEmpty();
        assertThat(steps.report().findings()).anySatisfy(f -> {
            assertThat(f.ruleId()).isEqualTo("read-only-root-filesystem");
            assertThat(f.subject()).isEqualTo("Deployment/web/side");
            assertThat(f.isOpen()).isTrue();
        });
    }

    @Test
    void restrictedOffersNoChangeThatRestsOnFactsAboutTheUnknownSidecarImage() {
        Stepwise steps = stepwise(Fixtures.profile("restricted"), DEPLOYMENT);
        List<String> asked = new ArrayList<>();
        for (Optional<Stepwise.Step> s = steps.next(); s.isPresent(); s = steps.next()) {
            asked.add(s.get().key().ruleId() + " " + s.get().key().subject());
            steps.skip();
        }
        assertThat(asked).contains("read-only-root-filesystem Deployment/web/nginx", "no-new-privileges Deployment/web/side",
                "resource-limits Deployment/web/side").doesNotContain("read-only-root-filesystem Deployment/web/side",
                "cap-drop-all Deployment/web/side", "non-root-user Deployment/web/side");
    }

    @Test
    void acceptingOnlyTheMountsPartOfTheChangeIsRefusedAsAnInvalidManifest() {
        Stepwise steps = stepwise(Fixtures.only("read-only-root-filesystem"), DEPLOYMENT);
        Stepwise.Step step = steps.next().orElseThrow();
        assertThat(step.key().subject()).isEqualTo("Deployment/web/nginx");
        List<UnifiedDiff.Hunk> hunks = UnifiedDiff.hunks(text(step.before()), text(step.after()));
        assertThat(hunks).hasSize(2);
        assertThat(String.join("", hunks.get(0).lines())).contains("volumeMounts").doesNotContain("emptyDir");
        assertThat(String.join("", hunks.get(1).lines())).contains("volumes:", "emptyDir");
        String mountsOnly = UnifiedDiff.applySome(text(step.before()), hunks, List.of(true, false));
        Optional<Problem> problem = steps.acceptPart(mountsOnly.getBytes(StandardCharsets.UTF_8));
        assertThat(problem).hasValueSatisfying(p -> {
            assertThat(p.reason()).contains("Deployment/web/nginx mounts volume 'var-cache-nginx', which the pod does not define");
            assertThat(p.kind()).isEqualTo(Problem.Kind.INVALID);
            // the first mount of a volume the pod lacks: "- name: var-cache-nginx" under volumeMounts
            assertThat(p.line() + ":" + p.column()).isEqualTo("16:15");
        });
    }

    @Test
    void acceptingOnlyTheVolumesPartKeepsItAndLaterChangesBuildOnIt() {
        Stepwise steps = stepwise(Fixtures.only("read-only-root-filesystem"), DEPLOYMENT);
        Stepwise.Step step = steps.next().orElseThrow();
        List<UnifiedDiff.Hunk> hunks = UnifiedDiff.hunks(text(step.before()), text(step.after()));
        String volumesOnly = UnifiedDiff.applySome(text(step.before()), hunks, List.of(false, true));
        assertThat(steps.acceptPart(volumesOnly.getBytes(StandardCharsets.UTF_8))).isEmpty();
        Stepwise.Step side = steps.next().orElseThrow();
        assertThat(side.key().subject()).isEqualTo("Deployment/web/side");
        assertThat(text(side.before())).isEqualTo(volumesOnly);
        assertThat(steps.accept()).isEmpty();
        assertThat(steps.next()).isEmpty();
        assertThat(text(steps.result())).contains("- name: var-cache-nginx", "- name: tmp", "mountPath: /tmp")
                .doesNotContain("mountPath: /var/cache/nginx");
    }

    @Test
    void skippingEveryChangeLeavesTheFileAsRead() {
        Stepwise steps = stepwise(Fixtures.profile("strict"), DEPLOYMENT);
        assertThat(steps.total()).isGreaterThan(5);
        while (steps.next().isPresent()) {
            steps.skip();
        }
        assertThat(steps.changed()).isFalse();
        assertThat(text(steps.result())).isEqualTo(DEPLOYMENT);
    }

    /** Every fixture: nothing chosen edits nothing, and every change accepted one by one is the whole fix. */
    @TestFactory
    Stream<DynamicTest> acceptingEveryChangeOneAtATimeGivesTheWholeFixAndNoneGivesNothing() throws Exception {
        URL url = StepwiseTest.class.getResource("/rules");
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> bads = Files.walk(Path.of(url.toURI()))) {
            for (Path bad : bads.filter(p -> p.getFileName().toString().startsWith("bad.")).sorted().toList()) {
                tests.add(DynamicTest.dynamicTest(bad.getParent().getFileName() + " " + bad.getFileName(), () -> {
                    String before = Files.readString(bad, StandardCharsets.UTF_8);
                    Profile strict = Fixtures.profile("strict");
                    FileReport none = Fixtures.hardener(strict).process(Path.of("fixture.yaml"), "fixture.yaml",
                            before.getBytes(StandardCharsets.UTF_8), true, (r, s) -> null, (r, s) -> false);
                    assertThat(none.changed()).as("a fix with no change chosen edited the file").isFalse();
                    FileReport whole = Fixtures.fix(strict, before);
                    Stepwise steps = stepwise(strict, before);
                    while (steps.next().isPresent()) {
                        assertThat(steps.accept()).isEmpty();
                    }
                    assertThat(text(steps.result())).isEqualTo(whole.changed() ? text(whole.fixed()) : before);
                }));
            }
        }
        return tests.stream();
    }
}
