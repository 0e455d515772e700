package dev.harden.rule;

import dev.harden.image.ImageFacts;
import dev.harden.image.ImageKnowledge;
import dev.harden.image.ImageRef;
import dev.harden.image.Pins;
import dev.harden.manifest.ComposeFile;
import dev.harden.manifest.ComposeService;
import dev.harden.profile.Profile;
import dev.harden.profile.RuleSetting;
import dev.harden.report.Finding;
import dev.harden.yaml.Editor;
import dev.harden.yaml.Mapping;
import dev.harden.yaml.YamlException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;

/** Runs a profile's Compose rules over every service of one Compose file. */
public final class ComposeHardener {

    /** The keys Compose rules decide their edits by; a copy that sets one itself needs edits of its own. */
    private static final List<String> EDIT_INPUTS = List.of("image", "build", "user", "entrypoint", "network_mode",
            "networks", "volumes", "tmpfs", "read_only", "cap_add", "cap_drop", "security_opt", "deploy", "mem_limit",
            "mem_reservation", "cpus", "cpu_quota", "pids_limit", "logging", "restart", "healthcheck", "extends");

    private final Profile profile;
    private final ImageKnowledge images;
    private final RuleCatalog catalog;
    private final Pins pins;

    public ComposeHardener(Profile profile, ImageKnowledge images, RuleCatalog catalog, Pins pins) {
        this.profile = profile;
        this.images = images;
        this.catalog = catalog;
        this.pins = pins;
    }

    /**
     * Checks (and with {@code fix}, fixes through the editor) every service.
     *
     * @param exemption the repository config's reason for exempting a rule for a service, or null
     * @param chosen whether a rule may fix a subject; the changes not chosen stay open and fixable, and are not made
     */
    public List<Finding> run(ComposeFile file, Editor editor, boolean fix, String fileName,
                             BiFunction<String, String, String> exemption, BiPredicate<String, String> chosen) {
        List<Finding> findings = new ArrayList<>();
        List<ComposeService> services = file.services();
        int[] starts = keyStarts(file);
        for (ComposeService service : services) {
            List<ComposeService> copies = file.copiesOf(service);
            if (!copies.isEmpty() && copies.stream().allMatch(copy -> sameInputs(service, copy)
                    && sameExemptions(file, starts, service, copy, exemption))) {
                // the copies would get the very same edits, so they get them through the anchor
                editor.allowAliasesOf(service.node());
            }
        }
        for (Map.Entry<String, RuleSetting> rule : profile.rules().entrySet()) {
            ComposeRule logic = ComposeRules.BY_ID.get(rule.getKey());
            RuleInfo info = catalog.get(rule.getKey()).orElseThrow();
            if (logic == null || !info.targets().contains("compose")) {
                continue;
            }
            String ruleId = rule.getKey();
            ServiceCheck.Neighbours neighbours = new ServiceCheck.Neighbours() {
                @Override
                public ImageFacts facts(ComposeService other) {
                    return factsOf(other);
                }

                @Override
                public boolean exempted(ComposeService other) {
                    return reason(file, starts, other, ruleId, exemption) != null;
                }
            };
            for (ComposeService service : services) {
                if (service.isFragment()) {
                    continue;
                }
                Optional<ImageRef> ref = ImageRef.parse(file.interpolate(service.image()));
                ServiceCheck check = new ServiceCheck(new Check.Context(file.yaml(), info, rule.getValue(), editor, fix,
                        reason(file, starts, service, ruleId, exemption), fileName, findings::add, chosen, pins), service, ref.orElse(null),
                        factsOf(service), neighbours);
                try {
                    logic.check(check);
                } catch (YamlException e) {
                    check.open(service.location(), "not checked: " + e.reason(), false);
                }
            }
        }
        return findings;
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
    private boolean sameExemptions(ComposeFile file, int[] starts, ComposeService service, ComposeService copy,
                                   BiFunction<String, String, String> exemption) {
        for (String ruleId : profile.rules().keySet()) {
            if ((reason(file, starts, service, ruleId, exemption) == null) != (reason(file, starts, copy, ruleId, exemption) == null)) {
                return false;
            }
        }
        return true;
    }

    private ImageFacts factsOf(ComposeService service) {
        Optional<ImageRef> ref = ImageRef.parse(service.file().interpolate(service.image()));
        return ref.flatMap(images::lookup).orElseGet(() -> ImageFacts.unknown(ref.map(ImageRef::name).orElse("")));
    }

    /** Why a rule does not apply to a service: an inline comment, else the repository config; or null. */
    private static String reason(ComposeFile file, int[] starts, ComposeService service, String ruleId,
                                 BiFunction<String, String, String> exemption) {
        String inline = inlineExemption(file, starts, service, ruleId);
        return inline != null ? inline : exemption.apply(ruleId, service.name());
    }

    /**
     * A {@code # harden:ignore rule-a,rule-b -- reason} comment on a line of the service's block
     * exempts it; the reason is required in spirit and reported as given.
     */
    private static String inlineExemption(ComposeFile file, int[] starts, ComposeService service, String ruleId) {
        String text = file.yaml().text();
        int start = text.lastIndexOf('\n', Math.max(0, service.location().start()) - 1) + 1;
        int end = blockEnd(file, starts, service);
        return InlineIgnore.reason(text.substring(start, Math.max(start, Math.min(end, text.length()))), ruleId);
    }

    /** Where a service's block ends: the next service's key, or the next top-level key. */
    private static int blockEnd(ComposeFile file, int[] starts, ComposeService service) {
        int from = service.location().start();
        int i = java.util.Arrays.binarySearch(starts, from + 1);
        int next = i >= 0 ? i : -i - 1;
        return next < starts.length ? starts[next] : file.yaml().text().length();
    }

    /** The sorted starts of the service keys and top-level keys, once per file rather than once per service and rule. */
    private static int[] keyStarts(ComposeFile file) {
        List<Mapping.Entry> all = new ArrayList<>(file.servicesMapping().entries());
        all.addAll(file.root().entries());
        return all.stream().mapToInt(e -> e.key().start()).filter(s -> s >= 0).sorted().toArray();
    }
}
