package dev.harden.rule;

import dev.harden.manifest.ComposeFile;
import dev.harden.manifest.ComposeService;
import dev.harden.manifest.KubernetesFile;
import dev.harden.manifest.Workload;
import dev.harden.profile.Exemptions;
import dev.harden.yaml.Mapping;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Why a rule does not apply to a subject of one file, in one place for Compose services and
 * workloads alike: an ignore annotation, else a {@code # harden:ignore} comment in the subject's
 * block, else the repository's exemptions by the subject's names.
 */
final class SubjectExemptions {
    private final String text;
    private final Exemptions config;
    /** The sorted starts of a Compose file's service keys and top-level keys; empty for Kubernetes. */
    private final int[] starts;
    private final KubernetesFile kubernetes;
    /** Each subject's block of text, computed once per file rather than once per subject and rule. */
    private final Map<Object, String> blocks = new HashMap<>();

    private SubjectExemptions(String text, Exemptions config, int[] starts, KubernetesFile kubernetes) {
        this.text = text;
        this.config = config;
        this.starts = starts;
        this.kubernetes = kubernetes;
    }

    static SubjectExemptions of(ComposeFile file, Exemptions config) {
        List<Mapping.Entry> all = new ArrayList<>(file.servicesMapping().entries());
        all.addAll(file.root().entries());
        int[] starts = all.stream().mapToInt(e -> e.key().start()).filter(s -> s >= 0).sorted().toArray();
        return new SubjectExemptions(file.yaml().text(), config, starts, null);
    }

    static SubjectExemptions of(KubernetesFile file, Exemptions config) {
        return new SubjectExemptions(file.yaml().text(), config, new int[0], file);
    }

    /** Why a rule does not apply to a service: an inline comment, else the repository config; or null. */
    String reason(ComposeService service, String ruleId) {
        String block = blocks.computeIfAbsent(service.location(), k -> serviceBlock(service));
        return reason(ruleId, Map.of(), block, service.name());
    }

    /** Why a rule does not apply to a workload: an annotation, an inline comment, or the repository config; or null. */
    String reason(Workload w, String ruleId) {
        String block = blocks.computeIfAbsent(w.object(), k -> objectBlock(w.object()));
        return reason(ruleId, w.annotations(), block, w.name(), w.label());
    }

    private String reason(String ruleId, Map<String, String> annotations, String block, String... names) {
        String ignored = annotations.get(RuleRunner.IGNORE_ANNOTATION);
        if (ignored != null && InlineIgnore.names(ignored, ruleId)) {
            String reason = annotations.get(RuleRunner.IGNORE_REASON_ANNOTATION);
            return reason == null || reason.isBlank() ? "exempted by annotation " + RuleRunner.IGNORE_ANNOTATION
                    + " (no reason given)" : reason.trim();
        }
        String inline = InlineIgnore.reason(block, ruleId);
        if (inline != null) {
            return inline;
        }
        for (String name : names) {
            String reason = config.reason(ruleId, name).orElse(null);
            if (reason != null) {
                return reason;
            }
        }
        return null;
    }

    /**
     * A service's block: from the start of its key's line to the next service's key or the next
     * top-level key, so a comment on any of its lines counts.
     */
    private String serviceBlock(ComposeService service) {
        int start = text.lastIndexOf('\n', Math.max(0, service.location().start()) - 1) + 1;
        int from = service.location().start();
        int i = Arrays.binarySearch(starts, from + 1);
        int next = i >= 0 ? i : -i - 1;
        int end = next < starts.length ? starts[next] : text.length();
        return text.substring(start, Math.max(start, Math.min(end, text.length())));
    }

    /** The text of an object: for a document, from the end of the one before, so comments above it count. */
    private String objectBlock(Mapping object) {
        int start = text.lastIndexOf('\n', Math.max(0, object.start()) - 1) + 1;
        for (Mapping top : kubernetes.objects()) {
            if (top == object) {
                int previousEnd = 0;
                for (Mapping other : kubernetes.objects()) {
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
