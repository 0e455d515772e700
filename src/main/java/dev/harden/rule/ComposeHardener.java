package dev.harden.rule;

import dev.harden.image.ImageFacts;
import dev.harden.image.ImageKnowledge;
import dev.harden.image.ImageRef;
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

/** Runs a profile's Compose rules over every service of one Compose file. */
public final class ComposeHardener {

    private final Profile profile;
    private final ImageKnowledge images;
    private final RuleCatalog catalog;

    public ComposeHardener(Profile profile, ImageKnowledge images, RuleCatalog catalog) {
        this.profile = profile;
        this.images = images;
        this.catalog = catalog;
    }

    /**
     * Checks (and with {@code fix}, fixes through the editor) every service.
     *
     * @param exemption the repository config's reason for exempting a rule for a service, or null
     */
    public List<Finding> run(ComposeFile file, Editor editor, boolean fix, String fileName,
                             BiFunction<String, String, String> exemption) {
        List<Finding> findings = new ArrayList<>();
        List<ComposeService> services = file.services();
        int[] starts = keyStarts(file);
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
                Optional<ImageRef> ref = ImageRef.parse(service.image());
                ServiceCheck check = new ServiceCheck(new Check.Context(file.yaml(), info, rule.getValue(), editor, fix,
                        reason(file, starts, service, ruleId, exemption), fileName, findings::add), service, ref.orElse(null),
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

    private ImageFacts factsOf(ComposeService service) {
        Optional<ImageRef> ref = ImageRef.parse(service.image());
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
