package dev.harden.rule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.harden.engine.FileHardener;
import dev.harden.image.ImageKnowledge;
import dev.harden.manifest.Workload;
import dev.harden.profile.Profile;
import dev.harden.profile.ProfileException;
import dev.harden.profile.RepoConfig;
import dev.harden.report.FileReport;
import dev.harden.report.Finding;
import dev.harden.testing.Fixtures;
import dev.harden.testing.Workloads;
import dev.harden.yaml.Limits;
import dev.harden.yaml.Plain;
import dev.harden.yaml.YamlFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** Kubernetes hardening end to end: typed output, the restricted standard, exemptions, NetworkPolicies. */
class KubernetesHardeningTest {

    private static final Profile RESTRICTED = Fixtures.profile("restricted");

    @TestFactory
    Stream<DynamicTest> everyKubernetesFixtureHardenedWithRestrictedIsTypedAndPassesTheStandardOrSaysWhy() throws Exception {
        List<Path> inputs = new ArrayList<>();
        for (Path dir : RuleFixturesTest.list(RuleFixturesTest.root("rules"))) {
            for (Path f : RuleFixturesTest.list(dir)) {
                if (f.getFileName().toString().startsWith("bad.")) {
                    inputs.add(f);
                }
            }
        }
        for (Path dir : RuleFixturesTest.list(RuleFixturesTest.root("dev/harden/examples"))) {
            inputs.add(dir.resolve("before.yaml"));
        }
        inputs.add(Path.of("examples/kubernetes/app.yaml"));
        List<DynamicTest> tests = new ArrayList<>();
        for (Path input : inputs) {
            String text = Files.readString(input, StandardCharsets.UTF_8);
            if (Workloads.of(text, RESTRICTED.podSpecPaths()).isEmpty()) {
                continue;
            }
            String name = input.getParent().getFileName() + "/" + input.getFileName();
            tests.add(DynamicTest.dynamicTest(name, () -> {
                String fixed = Fixtures.fixed(RESTRICTED, text);
                Fixtures.assertIdempotentAndClean(RESTRICTED, fixed);
                List<Finding> remaining = Fixtures.check(RESTRICTED, fixed).findings();
                for (Workload w : Workloads.of(fixed, RESTRICTED.podSpecPaths())) {
                    Workloads.assertTyped(w);
                    Workloads.assertRestrictedOrReported(w, remaining, false);
                }
            }));
        }
        return tests.stream();
    }

    @Test
    void theExampleAppPassesTheRestrictedStandardAfterOneFix() throws Exception {
        String fixed = Fixtures.fixed(RESTRICTED, Files.readString(Path.of("examples/kubernetes/app.yaml"), StandardCharsets.UTF_8));
        List<Workload> workloads = Workloads.of(fixed, RESTRICTED.podSpecPaths());
        assertThat(workloads).extracting(Workload::label).containsExactly("Deployment/web", "StatefulSet/redis", "CronJob/cleanup");
        List<Finding> remaining = Fixtures.check(RESTRICTED, fixed).findings();
        for (Workload w : workloads) {
            if (w.label().equals("Deployment/web")) {
                // no source knows its image: what rests on its facts is reported, not guessed
                Workloads.assertRestrictedOrReported(w, remaining, false);
                assertThat(remaining).filteredOn(f -> f.message().contains("no facts about image ghcr.io/example/guestbook-web"))
                        .extracting(Finding::ruleId).containsExactlyInAnyOrder("non-root-user", "cap-drop-all",
                                "read-only-root-filesystem");
            } else if (w.label().equals("CronJob/cleanup")) {
                // busybox starts as root and no source knows a non-root user for it: no uid is guessed
                Workloads.assertRestrictedOrReported(w, remaining, false);
                assertThat(remaining).filteredOn(f -> f.message().contains("no facts about image busybox"))
                        .extracting(Finding::ruleId, Finding::subject).containsExactly(tuple("non-root-user", "CronJob/cleanup/cleanup"));
            } else {
                assertThat(Workloads.restrictedViolations(w)).as(w.label()).isEmpty();
            }
        }
    }

    @Test
    void theDiffInTheKubernetesDocsIsWhatHardenWritesForTheExample() throws Exception {
        String before = Files.readString(Path.of("examples/kubernetes/app.yaml"), StandardCharsets.UTF_8);
        String docs = Files.readString(Path.of("docs/kubernetes.md"), StandardCharsets.UTF_8);
        int start = docs.indexOf("```diff\n") + "```diff\n".length();
        String shown = docs.substring(start, docs.indexOf("```", start));
        assertThat(shown).isEqualTo(dev.harden.report.UnifiedDiff.diff("app.yaml", before, Fixtures.fixed(RESTRICTED, before)));
    }

    private static final String POD = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: tool
            %s
            spec:
              containers:
                - name: tool
                  image: example/tool:1.0
            """;

    @Test
    void anAnnotationExemptsTheNamedRulesWithItsReason() {
        String text = POD.formatted("""
                  annotations:
                    harden.dev/ignore: "cap-drop-all, read-only-root-filesystem"
                    harden.dev/ignore-reason: needs to write its plugins at run time
                """.stripTrailing());
        FileReport r = Fixtures.fix(RESTRICTED, text);
        List<Finding> exempted = r.findings().stream().filter(Finding::exempted).toList();
        assertThat(exempted).extracting(Finding::ruleId).containsExactlyInAnyOrder("cap-drop-all", "read-only-root-filesystem");
        assertThat(exempted).extracting(Finding::reason).containsOnly("needs to write its plugins at run time");
        String fixed = new String(r.fixed(), StandardCharsets.UTF_8);
        assertThat(fixed).doesNotContain("capabilities").doesNotContain("readOnlyRootFilesystem").contains("allowPrivilegeEscalation: false");
    }

    @Test
    void anInlineCommentExemptsItsDocumentOnly() {
        String text = POD.formatted("# harden:ignore resource-limits -- sized by the VPA").replace("\n# harden", "  # harden")
                + "---\n" + POD.formatted("").replace("name: tool\n\n", "name: other\n");
        List<Finding> limits = Fixtures.check(RESTRICTED, text).findings().stream()
                .filter(f -> f.ruleId().equals("resource-limits")).toList();
        assertThat(limits).extracting(Finding::subject, Finding::status, Finding::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple("Pod/tool/tool", Finding.Status.EXEMPTED, "sized by the VPA"),
                org.assertj.core.groups.Tuple.tuple("Pod/other/tool", Finding.Status.OPEN, null));
    }

    @Test
    void theRepositoryConfigExemptsAWorkloadByName(@TempDir Path dir) throws Exception {
        Path config = dir.resolve(".harden.yaml");
        Files.writeString(config, """
                exemptions:
                  - rules: [non-root-user, run-as-non-root]
                    workload: tool
                    reason: the vendor image only starts as root
                """);
        FileHardener hardener = new FileHardener(RESTRICTED, ImageKnowledge.builtIn(), RepoConfig.load(config), Limits.DEFAULT);
        FileReport r = hardener.process(dir.resolve("pod.yaml"), "pod.yaml", POD.formatted("").getBytes(StandardCharsets.UTF_8), true);
        assertThat(r.findings().stream().filter(Finding::exempted).map(Finding::ruleId).toList())
                .containsExactlyInAnyOrder("non-root-user", "run-as-non-root");
        assertThat(new String(r.fixed(), StandardCharsets.UTF_8)).doesNotContain("runAsUser").doesNotContain("runAsNonRoot");
    }

    @Test
    void strictWritesADefaultDenyThatAllowsTheServicePortsAsANewFile() throws Exception {
        Profile strict = Fixtures.profile("strict");
        String manifests = Files.readString(RuleFixturesTest.root("rules").resolve(
                "network-policy-default-deny/bad.manifests-stay-unchanged.yaml"), StandardCharsets.UTF_8);
        FileReport r = Fixtures.fix(strict, manifests);
        assertThat(r.generated()).hasSize(1);
        assertThat(r.generated().get(0).name()).isEqualTo("fixture.network-policies.yaml");
        assertThat(new String(r.generated().get(0).content(), StandardCharsets.UTF_8)).isEqualTo("""
                # Written by harden (network-policy-default-deny) for fixture.yaml: ingress to the pods of its workloads is
                # denied, and allowed on the ports each Service of fixture.yaml exposes; other pods of the namespace
                # are not affected. Review, then apply it with the manifests.
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: deny-ingress-to-api
                  namespace: shop
                spec:
                  podSelector:
                    matchLabels:
                      app: api
                  policyTypes:
                    - Ingress
                  ingress:
                    - ports:
                        - port: http
                          protocol: TCP
                """);
        assertThat(r.findings()).filteredOn(f -> f.ruleId().equals("network-policy-default-deny") && f.status() == Finding.Status.FIXED)
                .singleElement().extracting(Finding::message).asString()
                .isEqualTo("denied ingress to the pods of Deployment/api (in fixture.network-policies.yaml), except on the"
                        + " ports of the Services that select them; other pods of namespace shop are not affected");
    }

    /**
     * Any NetworkPolicy that selects a pod isolates it for ingress. A policy that allowed a Service's
     * ports by the Service's own selector (as harden once wrote, {@code allow-ingress-to-<service>})
     * would isolate every pod that selector matches, here the worker pods of another file, which the
     * deny policy was meant to leave alone.
     */
    @Test
    void theServicePortsAreAllowedOnlyToThePodsTheDenySelectsSoPodsBeyondTheWorkloadStayUnisolated() throws Exception {
        String manifests = """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                  namespace: shop
                spec:
                  selector:
                    matchLabels: {app: shop, tier: web}
                  template:
                    metadata:
                      labels: {app: shop, tier: web}
                    spec:
                      containers:
                        - name: web
                          image: example/web:1.0
                          ports:
                            - {containerPort: 8080}
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  name: shop
                  namespace: shop
                spec:
                  selector: {app: shop}
                  ports:
                    - port: 80
                      targetPort: 8080
                """;
        Map<String, String> worker = Map.of("app", "shop", "tier", "worker");

        FileReport r = Fixtures.fix(Fixtures.profile("strict"), manifests);

        assertThat(r.generated()).hasSize(1);
        List<Map<?, ?>> policies = new ArrayList<>();
        for (var document : YamlFile.parse(r.generated().get(0).content(), Limits.DEFAULT).documents()) {
            policies.add((Map<?, ?>) Plain.of(document));
        }
        assertThat(policies).allSatisfy(p -> assertThat(matchLabels(p)).isEqualTo(Map.of("app", "shop", "tier", "web")))
                .noneMatch(p -> matchLabels(p).entrySet().stream().allMatch(e -> e.getValue().equals(worker.get(e.getKey()))));
        assertThat(policies).singleElement().extracting(p -> ((Map<?, ?>) p.get("spec")).get("ingress"))
                .isEqualTo(List.of(Map.of("ports", List.of(Map.of("port", 8080L, "protocol", "TCP")))));
    }

    private static Map<?, ?> matchLabels(Map<?, ?> policy) {
        return (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) policy.get("spec")).get("podSelector")).get("matchLabels");
    }

    @Test
    void anExistingPolicyFileIsNeverOverwrittenButReportedWhenItLacksTheDefaultDeny(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("app.network-policies.yaml"), "apiVersion: v1\nkind: List\nitems: []\n");
        FileHardener hardener = new FileHardener(Fixtures.profile("strict"), ImageKnowledge.builtIn(), RepoConfig.none(), Limits.DEFAULT);
        FileReport r = hardener.process(dir.resolve("app.yaml"), "app.yaml", POD.formatted("  labels: {app: tool}")
                .getBytes(StandardCharsets.UTF_8), true);
        assertThat(r.generated()).isEmpty();
        assertThat(r.findings()).filteredOn(f -> f.ruleId().equals("network-policy-default-deny")).singleElement()
                .satisfies(f -> assertThat(f.message()).endsWith("add a policy for them to app.network-policies.yaml, which harden does not overwrite"))
                .satisfies(f -> assertThat(f.fixable()).isFalse());
    }

    @Test
    void helmTemplatesAreSkippedButBracesInsideStringsAreNot() {
        FileReport helm = Fixtures.check(RESTRICTED, """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: {{ include "app.fullname" . }}
                spec:
                {{- toYaml .Values.spec | nindent 2 }}
                """);
        assertThat(helm.outcome()).isEqualTo(FileReport.Outcome.SKIPPED);
        assertThat(helm.problem().kind()).isEqualTo(dev.harden.report.Problem.Kind.TEMPLATE);
        assertThat(helm.problem().reason()).contains("template");
        FileReport strings = Fixtures.check(RESTRICTED, POD.formatted("""
                  annotations:
                    summary: "{{ $labels.instance }} is down"
                """.stripTrailing()));
        assertThat(strings.outcome()).isEqualTo(FileReport.Outcome.CHECKED);
        assertThat(strings.kind()).isEqualTo(FileReport.Kind.KUBERNETES);
        assertThat(strings.findings()).isNotEmpty();
    }

    @Test
    void aProfileRefusesAnUnknownKubernetesKeyWithASuggestion(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("mine.yaml");
        Files.writeString(file, """
                apiVersion: harden/v1
                kind: Profile
                name: mine
                extends: restricted
                kubernetes:
                  podSpecPath:
                    - {apiVersion: example.com/v1, kind: Thing, path: spec.pod}
                """);
        assertThatThrownBy(() -> Profile.load(file.toString(), RuleCatalog.builtIn().parameters()))
                .isInstanceOf(ProfileException.class)
                .hasMessage(file + ":6:3: kubernetes: unknown key 'podSpecPath' (did you mean 'podSpecPaths'?)");
    }

    @Test
    void aProfileAddsPodSpecPathsForItsOwnCustomResources(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("mine.yaml");
        Files.writeString(file, """
                apiVersion: harden/v1
                kind: Profile
                name: mine
                extends: restricted
                kubernetes:
                  podSpecPaths:
                    - {apiVersion: example.com/v1, kind: Runner, path: spec.pod}
                """);
        Profile mine = Profile.load(file.toString(), RuleCatalog.builtIn().parameters());
        assertThat(mine.podSpecPaths()).extracting(p -> p.kind() + " " + p.dotted())
                .containsExactly("Rollout spec.template.spec", "Service spec.template.spec", "Runner spec.pod");
        String runner = """
                apiVersion: example.com/v1
                kind: Runner
                metadata: {name: r}
                spec:
                  pod:
                    containers:
                      - {name: r, image: example/r:1.0}
                """;
        assertThat(Workloads.of(runner, mine.podSpecPaths())).extracting(Workload::label).containsExactly("Runner/r");
        assertThat(Workloads.of(runner, RESTRICTED.podSpecPaths())).isEmpty();
    }
}
