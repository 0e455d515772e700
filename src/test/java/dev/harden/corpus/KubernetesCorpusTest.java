package dev.harden.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.harden.engine.FileHardener;
import dev.harden.image.ImageKnowledge;
import dev.harden.manifest.Workload;
import dev.harden.profile.Exemption;
import dev.harden.profile.Profile;
import dev.harden.profile.RepoConfig;
import dev.harden.report.FileReport;
import dev.harden.report.Finding;
import dev.harden.report.UnifiedDiff;
import dev.harden.testing.Fixtures;
import dev.harden.testing.Needs;
import dev.harden.testing.Workloads;
import dev.harden.yaml.Limits;
import dev.harden.yaml.YamlFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The restricted profile over every real manifest in {@code ../shared/corpus/kubernetes/} (skipped
 * when the corpus is absent): nothing fails, every output parses, keeps every comment, changes
 * nothing but hardening keys, is left alone by a second run, and every workload passes the restricted
 * standard or carries a reported exemption (or, for an image no source knows, an open finding saying
 * which facts are missing). Files under {@code kubernetes-helm/} are skipped as templates.
 */
class KubernetesCorpusTest {
    static final Path CORPUS = Path.of(System.getProperty("harden.corpus", "../shared/corpus"));
    private static final Pattern COMMENT = Pattern.compile("(?:^|\\s)(#.*)$");
    /** The keys a Kubernetes fix writes; an added line starting with anything else is a change outside hardening. */
    private static final Set<String> HARDENING_KEYS = Set.of("securityContext", "runAsUser", "runAsGroup", "fsGroup",
            "runAsNonRoot", "seccompProfile", "type", "capabilities", "drop", "add", "allowPrivilegeEscalation",
            "readOnlyRootFilesystem", "volumeMounts", "name", "mountPath", "volumes", "emptyDir", "sizeLimit", "resources",
            "requests", "limits", "cpu", "memory", "ephemeral-storage", "automountServiceAccountToken");
    private static final Pattern ADDED_KEY = Pattern.compile("^\\+\\s*(?:- )?([A-Za-z-]+):.*|^\\+\\s*- (ALL|[A-Z_]+)\\s*$");

    /**
     * Workloads of the corpus that need the node itself (node exporters, storage and networking
     * daemons): exempted here as a repository would in its {@code .harden.yaml}, with the reason.
     */
    static RepoConfig corpusExemptions() {
        String hostAccess = "a node agent that reads the host's /proc, /sys or devices by design";
        List<String> baselineRules = List.of("host-path-volumes-absent", "volume-types-restricted", "host-namespaces-isolated",
                "privileged-disabled", "host-ports-unused", "cap-drop-all", "run-as-non-root", "non-root-user",
                "no-new-privileges");
        List<Exemption> exemptions = new ArrayList<>();
        for (String workload : List.of("node-exporter", "kube-router", "sysdig-agent", "newrelic-agent", "newrelic-infra-agent",
                "flex-ds")) {
            exemptions.add(new Exemption(baselineRules, null, workload, hostAccess));
        }
        exemptions.add(new Exemption(List.of("cap-drop-all"), null, "cassandra",
                "Cassandra locks its memory with mlock, which needs IPC_LOCK"));
        exemptions.add(new Exemption(List.of("host-ports-unused"), null, "minio", "peers reach each node on its host port"));
        exemptions.add(new Exemption(List.of("host-ports-unused"), null, "storm-worker-controller",
                "Storm supervisors address workers by node and slot port"));
        for (String workload : List.of("pod-uses-managed-ssd-5g", "nginx-dummy-attachable", "nginx", "nfs-web", "pod",
                "nginx-statefulset")) {
            exemptions.add(new Exemption(List.of("non-root-user", "run-as-non-root", "cap-drop-all"), null, workload,
                    "stock nginx on port 80: it stays root until its configuration moves it to a port above 1023"));
        }
        exemptions.add(new Exemption(List.of("volume-types-restricted"), "_archived__volumes__*", null,
                "volume plugin examples mount their volume type directly, which is what they demonstrate"));
        return new RepoConfig(null, null, null, exemptions);
    }

    static List<Path> files(String folder) throws IOException {
        Path dir = CORPUS.resolve(folder);
        assumeTrue(Files.isDirectory(dir), "no corpus at " + dir.toAbsolutePath() + ": " + Needs.CORPUS);
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> p.toString().matches(".*\\.ya?ml")).sorted().toList();
        }
    }

    @Test
    void restrictedHardensEveryCorpusManifestSafelyAndCompletely() throws Exception {
        Profile restricted = Fixtures.profile("restricted");
        FileHardener hardener = new FileHardener(restricted, ImageKnowledge.builtIn(), corpusExemptions(), Limits.DEFAULT);
        List<String> problems = new ArrayList<>();
        int workloads = 0;
        for (Path file : files("kubernetes")) {
            String name = CORPUS.relativize(file).toString();
            byte[] bytes = Files.readAllBytes(file);
            FileReport first = hardener.process(file, name, bytes, true);
            if (first.outcome() == FileReport.Outcome.FAILED) {
                problems.add(name + ": failed: " + first.problem());
                continue;
            }
            if (!first.checked() || first.kind() != FileReport.Kind.KUBERNETES) {
                continue;
            }
            String before = new String(bytes, StandardCharsets.UTF_8);
            String after = first.changed() ? new String(first.fixed(), StandardCharsets.UTF_8) : before;
            try {
                YamlFile.parse(after.getBytes(StandardCharsets.UTF_8), Limits.DEFAULT);
            } catch (Exception e) {
                problems.add(name + ": output does not parse: " + e.getMessage());
                continue;
            }
            for (String line : before.split("\n")) {
                Matcher m = COMMENT.matcher(line);
                if (m.find() && !after.contains(m.group(1))) {
                    problems.add(name + ": comment lost: " + m.group(1));
                }
            }
            List<String> diff = UnifiedDiff.diff(name, before, after).lines().map(l -> l.replace("\r", "")).toList();
            for (String line : diff) {
                boolean rewrittenInPlace = diff.contains("+" + line.substring(Math.min(1, line.length())));
                if (line.startsWith("-") && !line.startsWith("---")) {
                    // a line gains the final newline it lacked, or an empty hardening key ({}) opens into a block
                    Matcher key = ADDED_KEY.matcher("+" + line.substring(1));
                    boolean emptyHardeningKey = line.matches("-\\s*[A-Za-z-]+: *(\\{\\}|\\[\\])? *") && key.matches()
                            && HARDENING_KEYS.contains(key.group(1));
                    if (!rewrittenInPlace && !emptyHardeningKey) {
                        problems.add(name + ": line removed: " + line);
                    }
                } else if (line.startsWith("+") && !line.startsWith("+++") && !diff.contains("-" + line.substring(1))) {
                    Matcher m = ADDED_KEY.matcher(line);
                    if (!m.matches() || m.group(1) != null && !HARDENING_KEYS.contains(m.group(1))) {
                        problems.add(name + ": added outside the hardening keys: " + line);
                    }
                }
            }
            FileReport second = hardener.process(file, name, after.getBytes(StandardCharsets.UTF_8), true);
            if (second.changed()) {
                problems.add(name + ": a second run changed it again");
            }
            for (Workload w : Workloads.of(after, restricted.podSpecPaths())) {
                workloads++;
                List<Finding> left = second.findings().stream().filter(f -> f.status() != Finding.Status.FIXED).toList();
                // restricted leaves a change that rests on facts about an image no source knows unmade, and
                // says so: such a workload may fail a control with an open finding instead of an exemption
                boolean blind = left.stream().anyMatch(f -> f.subject() != null
                        && (f.subject().equals(w.label()) || f.subject().startsWith(w.label() + "/"))
                        && f.isOpen() && !f.fixable() && f.message().contains("not changed: harden has no facts about image"));
                try {
                    Workloads.assertRestrictedOrReported(w, left, !blind);
                } catch (AssertionError e) {
                    problems.add(name + ": " + e.getMessage().lines().findFirst().orElse(""));
                }
            }
        }
        assertThat(problems).as("problems").isEmpty();
        assertThat(workloads).as("workloads hardened").isGreaterThan(50);
    }

    @Test
    void helmChartTemplatesAreSkippedWithAMessageAndBracesInStringsAreNot() throws Exception {
        FileHardener hardener = Fixtures.hardener(Fixtures.profile("restricted"));
        int skipped = 0;
        for (Path file : files("kubernetes-helm")) {
            FileReport r = hardener.process(file, file.getFileName().toString(), Files.readAllBytes(file), true);
            if (r.outcome() == FileReport.Outcome.SKIPPED) {
                assertThat(r.problem().kind()).as(file.toString()).isEqualTo(dev.harden.report.Problem.Kind.TEMPLATE);
                assertThat(r.problem().reason()).as(file.toString()).contains("template action '{{ ... }}' outside a string");
                skipped++;
            } else {
                // a Go test template whose actions all sit inside strings is valid YAML, hardened like any manifest
                assertThat(r.outcome()).as(file.toString()).isEqualTo(FileReport.Outcome.CHECKED);
                assertThat(r.kind()).as(file.toString()).isEqualTo(FileReport.Kind.KUBERNETES);
                assertThat(Files.readString(file)).contains("{{");
            }
        }
        assertThat(skipped).as("helm templates skipped").isGreaterThan(0);
    }
}
