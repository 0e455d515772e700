package dev.harden.rule;

import dev.harden.image.ImageFacts;
import dev.harden.image.ImageKnowledge;
import dev.harden.image.ImageRef;
import dev.harden.image.Pins;
import dev.harden.manifest.ComposeFile;
import dev.harden.manifest.ComposeService;
import dev.harden.manifest.KubernetesFile;
import dev.harden.manifest.Workload;
import dev.harden.profile.Exemptions;
import dev.harden.profile.Profile;
import dev.harden.profile.RuleSetting;
import dev.harden.report.Finding;
import dev.harden.report.GeneratedFile;
import dev.harden.yaml.Editor;
import dev.harden.yaml.Mapping;
import dev.harden.yaml.YamlException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.function.Consumer;

/**
 * Runs a profile's rules, in catalogue order so a later rule sees what an earlier one wrote, over
 * the subjects of one file: the services of a Compose file, or the workloads of a Kubernetes manifest
 * stream, and the files the Kubernetes rules write next to it.
 */
public final class RuleRunner {
    /** The annotation that exempts a workload from rules, and the one that says why. */
    public static final String IGNORE_ANNOTATION = "harden.dev/ignore";
    public static final String IGNORE_REASON_ANNOTATION = "harden.dev/ignore-reason";

    /** The keys Compose rules decide their edits by; a copy that sets one itself needs edits of its own. */
    private static final List<String> EDIT_INPUTS = List.of("image", "build", "user", "entrypoint", "network_mode",
            "networks", "volumes", "tmpfs", "read_only", "cap_add", "cap_drop", "security_opt", "deploy", "mem_limit",
            "mem_reservation", "cpus", "cpu_quota", "pids_limit", "logging", "restart", "healthcheck", "extends");

    private final Profile profile;
    private final ImageKnowledge images;
    private final RuleCatalog catalog;
    private final Pins pins;

    public RuleRunner(Profile profile, ImageKnowledge images, RuleCatalog catalog, Pins pins) {
        this.profile = profile;
        this.images = images;
        this.catalog = catalog;
        this.pins = pins;
    }

    /**
     * Checks (and with {@code fix}, fixes through the editor) every service of a Compose file.
     *
     * @param exemptions the repository config's exemptions for this file
     * @param chosen whether a rule may fix a subject; the changes not chosen stay open and fixable, and are not made
     */
    public List<Finding> compose(ComposeFile file, Editor editor, boolean fix, String fileName, Exemptions exemptions,
                                 BiPredicate<String, String> chosen) {
        List<Finding> findings = new ArrayList<>();
        List<ComposeService> services = file.services();
        SubjectExemptions exempt = SubjectExemptions.of(file, exemptions);
        SubjectImages known = new SubjectImages(images);
        for (ComposeService service : services) {
            List<ComposeService> copies = file.copiesOf(service);
            if (!copies.isEmpty() && copies.stream().allMatch(copy -> sameInputs(service, copy)
                    && sameExemptions(exempt, service, copy))) {
                // the copies would get the very same edits, so they get them through the anchor
                editor.allowAliasesOf(service.node());
            }
        }
        for (Map.Entry<String, RuleSetting> entry : profile.rules().entrySet()) {
            String ruleId = entry.getKey();
            RuleInfo info = catalog.get(ruleId).orElseThrow();
            if (!info.targets().contains("compose")) {
                continue;
            }
            Rule<?> rule = Rules.get(ruleId);
            ServiceCheck.Neighbours neighbours = new ServiceCheck.Neighbours() {
                @Override
                public ImageFacts facts(ComposeService other) {
                    return known.facts(imageOf(other));
                }

                @Override
                public boolean exempted(ComposeService other) {
                    return exempt.reason(other, ruleId) != null;
                }
            };
            runOnServices(rule, entry.getValue(), services, service -> {
                Optional<ImageRef> ref = imageOf(service);
                return new ServiceCheck(new Check.Context(file.yaml(), info, entry.getValue(), editor, fix,
                        exempt.reason(service, ruleId), fileName, findings::add, chosen, pins, profile.unknownImages()), service, ref.orElse(null),
                        known.facts(ref), neighbours);
            });
        }
        return findings;
    }

    /** A way to build a service's check. */
    @FunctionalInterface
    private interface ServiceChecks {
        ServiceCheck of(ComposeService service);
    }

    private static <P> void runOnServices(Rule<P> rule, RuleSetting setting, List<ComposeService> services, ServiceChecks checks) {
        if (!(rule instanceof ComposeRule<?>)) {
            throw new IllegalStateException("rule " + rule.id() + " targets compose but has no Compose behaviour");
        }
        @SuppressWarnings("unchecked")
        ComposeRule<P> logic = (ComposeRule<P>) rule;
        P params = rule.params(setting);
        for (ComposeService service : services) {
            if (service.isFragment()) {
                continue;
            }
            ServiceCheck check = checks.of(service);
            try {
                logic.checkService(check, params);
            } catch (YamlException e) {
                check.open(service.location(), "not checked: " + e.reason(), false);
            }
        }
    }

    private static Optional<ImageRef> imageOf(ComposeService service) {
        return ImageRef.parse(service.file().interpolate(service.image()));
    }

    /**
     * Whether a copy of a service reads every value the rules decide their edits by from the same
     * place as the service itself, so that hardening the service hardens the copy exactly as well.
     */
    private static boolean sameInputs(ComposeService service, ComposeService copy) {
        for (String key : EDIT_INPUTS) {
            Optional<Mapping.Entry> a = service.find(key).map(Mapping.Found::entry);
            Optional<Mapping.Entry> b = copy.find(key).map(Mapping.Found::entry);
            if (a.isPresent() != b.isPresent() || a.isPresent() && a.get() != b.get()) {
                return false;
            }
        }
        return service.publishedPorts().isEmpty() == copy.publishedPorts().isEmpty();
    }

    /** Whether a copy is exempted from exactly the rules the service is: an edit through the anchor must not reach an exempted copy. */
    private boolean sameExemptions(SubjectExemptions exempt, ComposeService service, ComposeService copy) {
        for (String ruleId : profile.rules().keySet()) {
            if ((exempt.reason(service, ruleId) == null) != (exempt.reason(copy, ruleId) == null)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Checks (and with {@code fix}, fixes through the editor) every workload of a Kubernetes manifest
     * stream, rule by rule.
     *
     * @param exemptions the repository config's exemptions for this file, by workload name or {@code Kind/name}
     * @param chosen whether a rule may fix a subject; the changes not chosen stay open and fixable, and are not made
     */
    public List<Finding> kubernetes(KubernetesFile file, Editor editor, boolean fix, String fileName, Exemptions exemptions,
                                    BiPredicate<String, String> chosen) {
        return kubernetes(file, editor, fix, fileName, exemptions, chosen, false);
    }

    /**
     * Checks a Kustomize patch: only the rules that report values written in the manifest run, since
     * what the patch leaves out comes from its base; nothing is edited.
     */
    public List<Finding> kubernetesPatch(KubernetesFile file, String fileName, Exemptions exemptions) {
        return kubernetes(file, file.yaml().edit(), false, fileName, exemptions, (rule, subject) -> true, true);
    }

    private List<Finding> kubernetes(KubernetesFile file, Editor editor, boolean fix, String fileName, Exemptions exemptions,
                                     BiPredicate<String, String> chosen, boolean reportOnly) {
        List<Finding> findings = new ArrayList<>();
        List<Workload> workloads = file.workloads(profile.podSpecPaths());
        SubjectExemptions exempt = SubjectExemptions.of(file, exemptions);
        SubjectImages known = new SubjectImages(images);
        for (Map.Entry<String, RuleSetting> entry : profile.rules().entrySet()) {
            RuleInfo info = catalog.get(entry.getKey()).orElseThrow();
            Rule<?> rule = Rules.get(entry.getKey());
            if (!info.targets().contains("kubernetes") || rule instanceof GeneratedFileRule<?>) {
                continue; // a generated-file rule runs in generatedFile, once the workloads are hardened
            }
            runOnWorkloads(rule, entry.getValue(), workloads, reportOnly, w -> new PodCheck(new Check.Context(file.yaml(), info,
                    entry.getValue(), editor, fix, exempt.reason(w, info.id()), fileName, findings::add, chosen, pins,
                    profile.unknownImages()), w, known));
        }
        return findings;
    }

    /** A way to build a workload's check. */
    @FunctionalInterface
    private interface PodChecks {
        PodCheck of(Workload workload);
    }

    private static <P> void runOnWorkloads(Rule<P> rule, RuleSetting setting, List<Workload> workloads, boolean reportOnly,
                                           PodChecks checks) {
        if (!(rule instanceof KubernetesRule<?>)) {
            throw new IllegalStateException("rule " + rule.id() + " targets kubernetes but has no Kubernetes behaviour");
        }
        @SuppressWarnings("unchecked")
        KubernetesRule<P> logic = (KubernetesRule<P>) rule;
        if (reportOnly && !logic.reportsOnly()) {
            return;
        }
        P params = rule.params(setting);
        for (Workload w : workloads) {
            PodCheck check = checks.of(w);
            try {
                logic.checkPod(check, params);
            } catch (YamlException e) {
                check.open(check.location(), check.subject(), "not checked: " + e.reason(), false);
            }
        }
    }

    /**
     * The file the profile's generated-file rule (network-policy-default-deny) writes next to a
     * manifest, unless that file or the manifests already do its job.
     *
     * @param inputName the name of the file read (without folder), to name the new file after
     * @param existing the bytes of the file harden would write, when it already exists
     */
    public Optional<GeneratedFile> generatedFile(KubernetesFile file, boolean fix, String fileName, String inputName,
                                                 byte[] existing, Exemptions exemptions, Consumer<Finding> sink) {
        for (Map.Entry<String, RuleSetting> entry : profile.rules().entrySet()) {
            if (Rules.get(entry.getKey()) instanceof GeneratedFileRule<?>) {
                SubjectExemptions exempt = SubjectExemptions.of(file, exemptions);
                GeneratedFileRule.Input input = new GeneratedFileRule.Input(file, file.workloads(profile.podSpecPaths()),
                        entry.getValue(), fix, fileName, inputName, existing, w -> exempt.reason(w, entry.getKey()), sink);
                return generate(Rules.get(entry.getKey()), input);
            }
        }
        return Optional.empty();
    }

    private static <P> Optional<GeneratedFile> generate(Rule<P> rule, GeneratedFileRule.Input input) {
        @SuppressWarnings("unchecked")
        GeneratedFileRule<P> logic = (GeneratedFileRule<P>) rule;
        return logic.generate(input, rule.params(input.setting()));
    }

    /** The name of the file {@link #generatedFile} writes next to an input file of this name. */
    public static String generatedFileName(String inputName) {
        return NetworkPolicies.fileNameFor(inputName);
    }
}
