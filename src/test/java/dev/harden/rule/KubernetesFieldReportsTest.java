package dev.harden.rule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harden.engine.FileHardener;
import dev.harden.image.ImageKnowledge;
import dev.harden.manifest.Workload;
import dev.harden.profile.Profile;
import dev.harden.profile.RepoConfig;
import dev.harden.report.FileReport;
import dev.harden.report.Finding;
import dev.harden.testing.Fixtures;
import dev.harden.testing.Workloads;
import dev.harden.yaml.Limits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kubernetes cases reported from the field: what harden says about the users it picks, and Windows pods. */
class KubernetesFieldReportsTest {
    private static final Profile RESTRICTED = Fixtures.profile("restricted");

    private static final String POD = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: tool
            spec:
              containers:
                - name: tool
                  image: %s
            """;

    /** restricted as it was before unknownImages: an unknown image gets the profile's uid. */
    private static final Profile ASSUMING = Fixtures.assuming(RESTRICTED);

    private static String userMessage(String text) {
        return userMessage(RESTRICTED, text);
    }

    private static String userMessage(Profile profile, String text) {
        return Fixtures.fix(profile, text).findings().stream()
                .filter(f -> f.ruleId().equals("non-root-user") && f.status() == Finding.Status.FIXED)
                .map(Finding::message).findFirst().orElseThrow();
    }

    @Test
    void aKnownRootImageWithNoKnownNonRootUserGetsNoInventedUidUnderRestrictedAndIsReportedForLackOfFacts() {
        FileReport r = Fixtures.fix(RESTRICTED, POD.formatted("alpine:3.20"));
        assertThat(new String(r.fixed(), StandardCharsets.UTF_8)).doesNotContain("runAsUser").doesNotContain("runAsNonRoot");
        assertThat(r.findings()).filteredOn(f -> f.ruleId().equals("non-root-user")).singleElement().satisfies(f -> {
            assertThat(f.status()).isEqualTo(Finding.Status.OPEN);
            assertThat(f.fixable()).isFalse();
            assertThat(f.subject()).isEqualTo("Pod/tool/tool");
            assertThat(f.message()).isEqualTo("may run as root; not changed: harden has no facts about image alpine (the"
                    + " non-root user it can run as), and a guess could stop it from starting: run `harden learn` on it,"
                    + " describe the image in an images file (images: in .harden.yaml, see docs/images.md), or read its facts"
                    + " from the image (--image-facts auto)");
        });
    }

    @Test
    void aKnownRootImageBesideOneWithAKnownUserKeepsThatUidOutOfThePodSoItCannotReachTheRootImage() {
        String text = POD.formatted("redis:7.4") + "    - name: shell\n      image: busybox:1.37\n";
        String fixed = Fixtures.fixed(RESTRICTED, text);
        assertThat(fixed).contains("""
                    - name: tool
                      image: redis:7.4
                      securityContext:
                        runAsUser: 999
                        runAsGroup: 999
                """);
        assertThat(fixed.substring(fixed.indexOf("- name: shell"))).doesNotContain("runAsUser");
        assertThat(Fixtures.fix(RESTRICTED, text).findings()).filteredOn(f -> f.ruleId().equals("non-root-user")
                && f.status() == Finding.Status.OPEN).singleElement().satisfies(f -> {
                    assertThat(f.subject()).isEqualTo("Pod/tool/shell");
                    assertThat(f.message()).startsWith("may run as root; not changed: harden has no facts about image busybox");
                });
    }

    @Test
    void aKnownRootImageGetsTheProfilesUidWhenTheProfileAssumesWithAMessageThatSaysTheProfileChoseIt() {
        String message = userMessage(ASSUMING, POD.formatted("alpine:3.20"));
        assertThat(message).startsWith("set runAsUser: 10001, runAsGroup: 10001; uid 10001 is the profile's choice:"
                + " image alpine starts as root and harden knows no non-root user for it; check it still starts")
                .doesNotContain("the image's non-root user");
    }

    @Test
    void anUnknownImageGetsTheProfilesUidOnlyWhenTheProfileAssumesWithAMessageThatSaysItsUserIsUnknown() {
        assertThat(Fixtures.fixed(RESTRICTED, POD.formatted("example/tool:1.0"))).doesNotContain("runAsUser");
        assertThat(userMessage(ASSUMING, POD.formatted("example/tool:1.0"))).isEqualTo("set runAsUser: 10001, runAsGroup: 10001;"
                + " uid 10001 is the profile's choice: the user of image example/tool is unknown to harden; check it still"
                + " starts (harden verify)");
    }

    @Test
    void anImagesOwnNonRootUserIsCreditedToTheImageKnowledge() {
        assertThat(userMessage(POD.formatted("redis:7.4"))).isEqualTo("set runAsUser: 999, runAsGroup: 999"
                + " (the image's non-root user, uid 999 from images.yaml)");
    }

    @Test
    void nginxMovedToAnUnprivilegedPortGetsTheProfilesUidOnlyWhenTheProfileAssumesAndIsNotCalledItsOwnUser() {
        String text = POD.formatted("nginx:1.27") + "      ports:\n        - containerPort: 8080\n";
        assertThat(Fixtures.fixed(RESTRICTED, text)).doesNotContain("runAsUser");
        assertThat(userMessage(ASSUMING, text)).contains("uid 10001 is the profile's choice: image nginx starts as root")
                .doesNotContain("the image's non-root user");
    }

    @Test
    void httpdTraefikAndNginxOnTheirLowPortsKeepRootAndSaySo() {
        for (String image : List.of("nginx:1.27", "httpd:2.4", "traefik:v3.3")) {
            FileReport r = Fixtures.fix(RESTRICTED, POD.formatted(image));
            assertThat(r.findings()).as(image).filteredOn(f -> f.ruleId().equals("non-root-user")).singleElement()
                    .satisfies(f -> assertThat(f.status()).isEqualTo(Finding.Status.OPEN))
                    .satisfies(f -> assertThat(f.message()).contains("listens on port 80 as root"));
            assertThat(new String(r.fixed(), StandardCharsets.UTF_8)).as(image).doesNotContain("runAsUser").doesNotContain("runAsNonRoot");
        }
    }

    @Test
    void aRootImageOnALowPortGetsNetBindServiceBackUnlessItNeedsCapabilitiesTheProfileRefuses() {
        String traefik = Fixtures.fixed(RESTRICTED, POD.formatted("traefik:v3.3"));
        assertThat(traefik).contains("- ALL").contains("NET_BIND_SERVICE");
        FileReport nginx = Fixtures.fix(RESTRICTED, POD.formatted("nginx:1.27"));
        assertThat(new String(nginx.fixed(), StandardCharsets.UTF_8)).doesNotContain("capabilities");
        assertThat(nginx.findings()).filteredOn(f -> f.ruleId().equals("cap-drop-all")).singleElement()
                .satisfies(f -> assertThat(f.fixable()).isFalse())
                .satisfies(f -> assertThat(f.message()).contains("it needs CHOWN, SETUID, SETGID, which the profile does not allow"));
        String baseline = Fixtures.fixed(Fixtures.profile("baseline"), POD.formatted("nginx:1.27"));
        assertThat(baseline).contains("- ALL").contains("CHOWN").contains("NET_BIND_SERVICE");
    }

    @Test
    void aWindowsPodGetsOnlyTheFieldsTheApiServerAllowsOnWindows() {
        String text = """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: report
                spec:
                  selector:
                    matchLabels: {app: report}
                  template:
                    metadata:
                      labels: {app: report}
                    spec:
                      os:
                        name: windows
                      containers:
                        - name: report
                          image: example/report:3.2-ltsc2022
                          volumeMounts:
                            - {name: data, mountPath: 'C:\\data'}
                      volumes:
                        - name: data
                          persistentVolumeClaim: {claimName: report-data}
                """;
        // the image is unknown: restricted writes no user for it, so the Windows fields are shown by assuming
        assertThat(Fixtures.fixed(RESTRICTED, text)).doesNotContain("runAsUserName");
        String fixed = Fixtures.fixed(ASSUMING, text);
        for (String linuxOnly : List.of("runAsUser:", "runAsGroup", "fsGroup", "capabilities", "seccompProfile",
                "readOnlyRootFilesystem", "allowPrivilegeEscalation", "emptyDir")) {
            assertThat(fixed).as(linuxOnly).doesNotContain(linuxOnly);
        }
        assertThat(fixed).contains("runAsUserName: ContainerUser").contains("runAsNonRoot: true").contains("limits:");
        Fixtures.assertIdempotentAndClean(ASSUMING, fixed);
        List<Finding> remaining = Fixtures.check(ASSUMING, fixed).findings();
        for (Workload w : Workloads.of(fixed, RESTRICTED.podSpecPaths())) {
            Workloads.assertTyped(w);
            assertThat(Workloads.restrictedViolations(w)).isEmpty();
            Workloads.assertRestrictedOrReported(w, remaining, false);
        }
    }

    /** A base with a known image and an overlay with a merge patch, a patch through {@code patches:} and a JSON patch. */
    static Path kustomizeTree(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("base"));
        Files.createDirectories(dir.resolve("overlays/prod/patches"));
        Files.writeString(dir.resolve("base/kustomization.yaml"), "resources:\n  - deployment.yaml\n");
        Files.writeString(dir.resolve("base/deployment.yaml"), """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: cache
                spec:
                  selector:
                    matchLabels: {app: cache}
                  template:
                    metadata:
                      labels: {app: cache}
                    spec:
                      containers:
                        - name: cache
                          image: redis:7.4
                """);
        Files.writeString(dir.resolve("overlays/prod/kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - ../../base
                patchesStrategicMerge:
                  - memory.yaml
                patches:
                  - path: patches/debug.yaml
                patchesJson6902:
                  - target: {group: apps, version: v1, kind: Deployment, name: cache}
                    path: patches/replicas.yaml
                """);
        Files.writeString(dir.resolve("overlays/prod/memory.yaml"), """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: cache
                spec:
                  template:
                    spec:
                      containers:
                        - name: cache
                          resources:
                            limits: {memory: 2Gi}
                """);
        Files.writeString(dir.resolve("overlays/prod/patches/debug.yaml"), """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: cache
                spec:
                  template:
                    spec:
                      containers:
                        - name: cache
                          securityContext:
                            privileged: true
                """);
        Files.writeString(dir.resolve("overlays/prod/patches/replicas.yaml"), "- op: replace\n  path: /spec/replicas\n  value: 3\n");
        return dir;
    }

    private static FileReport harden(Path file, boolean fix) throws IOException {
        FileHardener hardener = new FileHardener(RESTRICTED, ImageKnowledge.builtIn(), RepoConfig.none(), Limits.DEFAULT);
        return hardener.process(file, file.getFileName().toString(), Files.readAllBytes(file), fix);
    }

    @Test
    void aKustomizeBaseIsHardenedWithItsImagesUser(@TempDir Path dir) throws IOException {
        FileReport base = harden(kustomizeTree(dir).resolve("base/deployment.yaml"), true);
        assertThat(base.problem()).isNull();
        assertThat(new String(base.fixed(), StandardCharsets.UTF_8)).contains("runAsUser: 999").contains("runAsNonRoot: true");
    }

    @Test
    void aStrategicMergePatchGetsNothingAddedAndIsNamedAsAPatchOfItsBase(@TempDir Path dir) throws IOException {
        FileReport patch = harden(kustomizeTree(dir).resolve("overlays/prod/memory.yaml"), true);
        assertThat(patch.kind()).isEqualTo(FileReport.Kind.KUBERNETES);
        assertThat(patch.outcome()).isEqualTo(FileReport.Outcome.CHECKED);
        assertThat(patch.changed()).isFalse();
        assertThat(patch.findings()).isEmpty();
        assertThat(patch.problem().kind()).isEqualTo(dev.harden.report.Problem.Kind.KUSTOMIZE_PATCH);
        assertThat(patch.problem().text()).isEqualTo("1:1: a Kustomize patch of ../../base/deployment.yaml (Deployment/cache) (listed in"
                + " kustomization.yaml): harden adds nothing to patches, it hardens the base and reports what the patch sets");
    }

    @Test
    void aPatchStillReportsWhatItSetsItself(@TempDir Path dir) throws IOException {
        FileReport patch = harden(kustomizeTree(dir).resolve("overlays/prod/patches/debug.yaml"), true);
        assertThat(patch.changed()).isFalse();
        assertThat(patch.findings()).extracting(Finding::ruleId).containsExactly("privileged-disabled");
        assertThat(patch.problem().text()).contains("a Kustomize patch of ../../../base/deployment.yaml (Deployment/cache)")
                .contains("listed in ../kustomization.yaml");
    }

    @Test
    void aJsonPatchIsNeverEdited(@TempDir Path dir) throws IOException {
        FileReport patch = harden(kustomizeTree(dir).resolve("overlays/prod/patches/replicas.yaml"), true);
        assertThat(patch.outcome()).isEqualTo(FileReport.Outcome.SKIPPED);
        assertThat(patch.problem().kind()).isEqualTo(dev.harden.report.Problem.Kind.KUSTOMIZE_PATCH);
        assertThat(patch.problem().text()).isEqualTo("1:1: a Kustomize JSON patch (listed in ../kustomization.yaml); harden never edits"
                + " JSON patches: it hardens the base");
    }

    @Test
    void strictNeverDeniesIngressToAWholeNamespaceFromAFileWithOneAddOn() {
        String addOn = """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: metrics-agent
                  namespace: kube-system
                spec:
                  selector:
                    matchLabels: {app: metrics-agent}
                  template:
                    metadata:
                      labels: {app: metrics-agent, version: "1.4"}
                    spec:
                      containers:
                        - name: agent
                          image: example/metrics-agent:1.4
                """;
        FileReport r = Fixtures.fix(Fixtures.profile("strict"), addOn);
        String policies = new String(r.generated().get(0).content(), StandardCharsets.UTF_8);
        assertThat(policies).doesNotContain("podSelector: {}").contains("""
                metadata:
                  name: deny-ingress-to-metrics-agent
                  namespace: kube-system
                spec:
                  podSelector:
                    matchLabels:
                      app: metrics-agent
                  policyTypes:
                    - Ingress
                """);
        Fixtures.assertIdempotentAndClean(Fixtures.profile("strict"), Fixtures.fixed(Fixtures.profile("strict"), addOn));
    }

    @Test
    void podsWithoutLabelsAreReportedInsteadOfIsolatingTheirNamespace() {
        FileReport r = Fixtures.fix(Fixtures.profile("strict"), POD.formatted("example/tool:1.0"));
        assertThat(r.generated()).isEmpty();
        assertThat(r.findings()).filteredOn(f -> f.ruleId().equals("network-policy-default-deny")).singleElement()
                .satisfies(f -> assertThat(f.fixable()).isFalse())
                .satisfies(f -> assertThat(f.message()).contains("they have no labels, so no policy can select them alone"));
    }
}
