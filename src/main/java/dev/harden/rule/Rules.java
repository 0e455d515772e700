package dev.harden.rule;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every rule class, listed once. {@link CatalogueCheck} fails the build when this list and
 * {@code rules.yaml} disagree, so a rule can neither lack code nor be silently skipped.
 */
public final class Rules {
    static final List<Rule<?>> ALL = List.of(
            new NonRootUser(),
            new RunAsNonRoot(),
            new CapDropAll(),
            new AddedCapabilitiesSafe(),
            new NoNewPrivileges(),
            new ReadOnlyRootFilesystem(),
            new ResourceLimits(),
            new PidsLimit(),
            new PrivilegedDisabled(),
            new HostNamespacesIsolated(),
            new ProcessNamespaceUnshared(),
            new DockerSocketUnmounted(),
            new SeccompRuntimeDefault(),
            new ApparmorEnforced(),
            new SecretsNotInline(),
            new ImageTagPinned(),
            new HealthcheckDefined(),
            new InternalNetwork(),
            new LogRotation(),
            new RestartPolicy(),
            new ServiceAccountTokenUnmounted(),
            new HostPathVolumesAbsent(),
            new VolumeTypesRestricted(),
            new HostPortsUnused(),
            new ProcMountDefault(),
            new SysctlsSafe(),
            new SelinuxOptionsDefault(),
            new NetworkPolicyDefaultDeny());

    private static final Map<String, Rule<?>> BY_ID = byId();

    private Rules() {
    }

    private static Map<String, Rule<?>> byId() {
        Map<String, Rule<?>> out = new LinkedHashMap<>();
        for (Rule<?> r : ALL) {
            if (out.put(r.id(), r) != null) {
                throw new IllegalStateException("two rule classes have the id " + r.id());
            }
        }
        return out;
    }

    /** The rule with this id; a catalogue id without a class is a bug the build already refuses. */
    static Rule<?> get(String id) {
        Rule<?> rule = BY_ID.get(id);
        if (rule == null) {
            throw new IllegalStateException("rule " + id + " is in rules.yaml but has no class in Rules.ALL");
        }
        return rule;
    }

    /** Where the rule classes and the catalogue disagree: an id on one side only, or targets without behaviour; empty when they agree. */
    static List<String> disagreements(RuleCatalog catalog) {
        List<String> out = new ArrayList<>();
        for (RuleInfo info : catalog.all()) {
            Rule<?> rule = BY_ID.get(info.id());
            if (rule == null) {
                out.add("rule " + info.id() + " is in rules.yaml but has no class in Rules.ALL");
                continue;
            }
            Set<String> targets = info.targets();
            boolean kubernetes = rule instanceof KubernetesRule<?> || rule instanceof GeneratedFileRule<?>;
            if (targets.contains("compose") != rule instanceof ComposeRule<?>) {
                out.add("rule " + info.id() + (targets.contains("compose") ? " targets compose in rules.yaml, but "
                        + rule.getClass().getSimpleName() + " is no ComposeRule" : " is a ComposeRule, but rules.yaml does"
                        + " not list compose in its targets"));
            }
            if (targets.contains("kubernetes") != kubernetes) {
                out.add("rule " + info.id() + (targets.contains("kubernetes") ? " targets kubernetes in rules.yaml, but "
                        + rule.getClass().getSimpleName() + " has no Kubernetes behaviour" : " has Kubernetes behaviour,"
                        + " but rules.yaml does not list kubernetes in its targets"));
            }
        }
        for (Rule<?> rule : ALL) {
            if (catalog.get(rule.id()).isEmpty()) {
                out.add("class " + rule.getClass().getSimpleName() + " has id " + rule.id() + ", which rules.yaml does not list");
            }
        }
        return out;
    }

    /**
     * The changed rules in the order {@code harden verify} retries them: first those whose log
     * hints a failure's text shows (symptom by symptom, each symptom's suspects by rank), then the rest.
     */
    public static List<String> suspects(List<String> changes, String failure) {
        List<String> order = new ArrayList<>();
        for (LogSymptom symptom : LogSymptom.values()) {
            if (!symptom.shownBy(failure)) {
                continue;
            }
            List<Map.Entry<Integer, String>> ranked = new ArrayList<>();
            for (Rule<?> rule : ALL) {
                for (LogHint hint : rule.logHints()) {
                    if (hint.symptom() == symptom) {
                        ranked.add(Map.entry(hint.rank(), rule.id()));
                    }
                }
            }
            ranked.sort(Comparator.comparing(Map.Entry::getKey));
            ranked.stream().map(Map.Entry::getValue).filter(changes::contains).filter(r -> !order.contains(r)).forEach(order::add);
        }
        changes.stream().filter(r -> !order.contains(r)).forEach(order::add);
        return order;
    }
}
