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
                    return reason(file, other, ruleId, exemption) != null;
                }
            };
            for (ComposeService service : services) {
                if (service.isFragment()) {
                    continue;
                }
                Optional<ImageRef> ref = ImageRef.parse(service.image());
                ServiceCheck check = new ServiceCheck(new Check.Context(file.yaml(), info, rule.getValue(), editor, fix,
                        reason(file, service, ruleId, exemption), fileName, findings::add, chosen, pins), service, ref.orElse(null),
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
    private static String reason(ComposeFile file, ComposeService service, String ruleId,
                                 BiFunction<String, String, String> exemption) {
        String inline = inlineExemption(file, service, ruleId);
        return inline != null ? inline : exemption.apply(ruleId, service.name());
    }

    /**
     * A {@code # harden:ignore rule-a,rule-b -- reason} comment on a line of the service's block
     * exempts it; the reason is required in spirit and reported as given.
     */
    private static String inlineExemption(ComposeFile file, ComposeService service, String ruleId) {
        String text = file.yaml().text();
        int start = text.lastIndexOf('\n', Math.max(0, service.location().start()) - 1) + 1;
        int end = blockEnd(file, service);
        return InlineIgnore.reason(text.substring(start, Math.max(start, Math.min(end, text.length()))), ruleId);
    }

    /** Where a service's block ends: the next service's key, or the next top-level key. */
    private static int blockEnd(ComposeFile file, ComposeService service) {
        int from = service.location().start();
        int end = file.yaml().text().length();
        for (Mapping.Entry e : file.servicesMapping().entries()) {
            if (e.key().start() > from && e.key().start() < end) {
                end = e.key().start();
            }
        }
        for (Mapping.Entry e : file.root().entries()) {
            if (e.key().start() > from && e.key().start() < end) {
                end = e.key().start();
            }
        }
        return end;
    }
}
