package dev.harden.rule;

import dev.harden.image.ImageKnowledge;
import dev.harden.image.Pins;
import dev.harden.manifest.KubernetesFile;
import dev.harden.manifest.Workload;
import dev.harden.profile.Profile;
import dev.harden.profile.RuleSetting;
import dev.harden.report.Finding;
import dev.harden.report.GeneratedFile;
import dev.harden.yaml.Editor;
import dev.harden.yaml.Mapping;
import dev.harden.yaml.YamlException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Consumer;

/** Runs a profile's Kubernetes rules over every workload of a manifest stream. */
public final class KubernetesHardener {
    /** The annotation that exempts a workload from rules, and the one that says why. */
    public static final String IGNORE_ANNOTATION = "harden.dev/ignore";
    public static final String IGNORE_REASON_ANNOTATION = "harden.dev/ignore-reason";

    private final Profile profile;
    private final ImageKnowledge images;
    private final RuleCatalog catalog;
    private final Pins pins;

    public KubernetesHardener(Profile profile, ImageKnowledge images, RuleCatalog catalog, Pins pins) {
        this.profile = profile;
        this.images = images;
        this.catalog = catalog;
        this.pins = pins;
    }

    /**
     * Checks (and with {@code fix}, fixes through the editor) every workload, rule by rule in
     * catalogue order, so a later rule sees what an earlier one wrote.
     *
     * @param exemption the repository config's reason for exempting a rule for a workload name, or null
     * @param chosen whether a rule may fix a subject; the changes not chosen stay open and fixable, and are not made
     */
    public List<Finding> run(KubernetesFile file, Editor editor, boolean fix, String fileName,
                             BiFunction<String, String, String> exemption, BiPredicate<String, String> chosen) {
        List<Finding> findings = new ArrayList<>();
        List<Workload> workloads = file.workloads(profile.podSpecPaths());
        Map<Mapping, String> spans = new HashMap<>();
        for (Map.Entry<String, RuleSetting> rule : profile.rules().entrySet()) {
            KubernetesRules.PodRule logic = KubernetesRules.BY_ID.get(rule.getKey());
            RuleInfo info = catalog.get(rule.getKey()).orElseThrow();
            if (logic == null || !info.targets().contains("kubernetes")) {
                continue;
            }
            for (Workload w : workloads) {
                String reason = exemptionReason(file, w, rule.getKey(), exemption, spans);
                PodCheck check = new PodCheck(new Check.Context(file.yaml(), info, rule.getValue(), editor, fix, reason,
                        fileName, findings::add, chosen, pins), w, images);
                try {
                    logic.check(check);
                } catch (YamlException e) {
                    check.open(check.location(), check.subject(), "not checked: " + e.reason(), false);
                }
            }
        }
        return findings;
    }

    /**
     * Checks a Kustomize patch: only the rules that report values written in the manifest run, since
     * what the patch leaves out comes from its base; nothing is edited.
     */
    public List<Finding> runPatch(KubernetesFile file, String fileName, BiFunction<String, String, String> exemption) {
        Map<String, RuleSetting> reportOnly = new java.util.LinkedHashMap<>();
        profile.rules().forEach((id, setting) -> {
            if (KubernetesRules.REPORT_ONLY.contains(id)) {
                reportOnly.put(id, setting);
            }
        });
        Profile partial = new Profile(profile.name(), profile.description(), reportOnly, profile.podSpecPaths());
        return new KubernetesHardener(partial, images, catalog, pins).run(file, file.yaml().edit(), false, fileName, exemption,
                (rule, subject) -> true);
    }

    /**
     * With the strict profile's network-policy-default-deny: the NetworkPolicies this file's
     * workloads need, as a new file next to it, unless that file or the manifests already isolate
     * each namespace.
     *
     * @param inputName the name of the file read (without folder), to name the new file after
     * @param existing the bytes of the file harden would write, when it already exists
     */
    public Optional<GeneratedFile> networkPolicies(KubernetesFile file, boolean fix, String fileName, String inputName,
                                                   byte[] existing, BiFunction<String, String, String> exemption,
                                                   Consumer<Finding> sink) {
        String id = NetworkPolicies.RULE;
        RuleSetting setting = profile.rules().get(id);
        if (setting == null) {
            return Optional.empty();
        }
        Map<Mapping, String> spans = new HashMap<>();
        List<Workload> workloads = file.workloads(profile.podSpecPaths());
        BiFunction<Workload, String, String> reasons = (w, rule) -> exemptionReason(file, w, rule, exemption, spans);
        return new NetworkPolicies(file, setting, fix, fileName, workloads, reasons, sink).generate(inputName, existing);
    }

    /** The name of the file {@link #networkPolicies} writes next to an input file of this name. */
    public static String generatedFileName(String inputName) {
        return NetworkPolicies.fileNameFor(inputName);
    }

    /** Why a rule does not apply to a workload: an annotation, an inline comment, or the repository config. */
    private static String exemptionReason(KubernetesFile file, Workload w, String ruleId,
                                          BiFunction<String, String, String> exemption, Map<Mapping, String> spans) {
        Map<String, String> annotations = w.annotations();
        String ignored = annotations.get(IGNORE_ANNOTATION);
        if (ignored != null && InlineIgnore.names(ignored, ruleId)) {
            String reason = annotations.get(IGNORE_REASON_ANNOTATION);
            return reason == null || reason.isBlank() ? "exempted by annotation " + IGNORE_ANNOTATION + " (no reason given)" : reason.trim();
        }
        String inline = InlineIgnore.reason(spans.computeIfAbsent(w.object(), o -> span(file, o)), ruleId);
        if (inline != null) {
            return inline;
        }
        String reason = exemption.apply(ruleId, w.name());
        return reason != null ? reason : exemption.apply(ruleId, w.label());
    }

    /** The text of an object: for a document, from the end of the one before, so comments above it count. */
    private static String span(KubernetesFile file, Mapping object) {
        String text = file.yaml().text();
        int start = text.lastIndexOf('\n', Math.max(0, object.start()) - 1) + 1;
        for (Mapping top : file.objects()) {
            if (top == object) {
                int previousEnd = 0;
                for (Mapping other : file.objects()) {
                    if (other.end() <= object.start()) {
                        previousEnd = Math.max(previousEnd, other.end());
                    }
                }
                start = Math.min(start, previousEnd);
            }
        }
        return text.substring(start, Math.max(start, Math.min(object.end(), text.length())));
    }
}
