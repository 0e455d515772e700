package dev.harden.cli;

import dev.harden.profile.Profile;
import dev.harden.profile.ProfileException;
import dev.harden.profile.RuleSetting;
import dev.harden.rule.RuleCatalog;
import dev.harden.rule.RuleInfo;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code harden rules}: lists the rules, explains one, or writes the rules reference. */
final class RulesCommand implements Callable<Integer> {
    /** What {@code --format} may be. */
    enum Format { TEXT, MARKDOWN }

    static final Option<String> RULE = Option.positional("RULE", "A rule id to explain.");
    static final Option<Format> FORMAT = Option.format(Format.class, "text or markdown.");

    final CommandModel model = CommandModel.of(this, "rules",
                    "List every rule with the profiles that apply it, or explain one rule.",
                    "--format markdown writes the reference kept in docs/rules.md.")
            .with(RULE, FORMAT);

    @Override
    public Integer call() throws ProfileException {
        PrintWriter out = model.out();
        String rule = model.get(RULE);
        Format format = model.get(FORMAT);
        RuleCatalog catalog = RuleCatalog.builtIn();
        Map<String, Profile> profiles = new LinkedHashMap<>();
        for (String name : Profile.BUILT_IN) {
            profiles.put(name, Profile.load(name, catalog.parameters()));
        }
        if (format == Format.MARKDOWN) {
            out.print(RulesReference.markdown(catalog, profiles));
            out.flush();
            return HardenCommand.CLEAN;
        }
        if (rule == null) {
            int width = catalog.all().stream().mapToInt(r -> r.id().length()).max().orElse(10);
            for (RuleInfo r : catalog.all()) {
                out.printf("%-" + width + "s  %-8s %-33s %s%n", r.id(), r.severity().label(), r.title(), profilesOf(r, profiles));
            }
            out.println();
            out.println("'harden rules RULE' explains one rule.");
            out.flush();
            return HardenCommand.CLEAN;
        }
        RuleInfo r = catalog.get(rule).orElseThrow(() -> new UserException("no rule '" + rule
                + "'; 'harden rules' lists them"));
        out.println(r.id() + ": " + r.title());
        out.println();
        out.println(wrap(r.description()));
        out.println();
        out.println("How to comply:");
        out.println(wrap(r.remediation()));
        out.println();
        out.println("Applies to: " + String.join(", ", r.targets()) + "; profiles: " + profilesOf(r, profiles));
        for (Map.Entry<String, Profile> p : profiles.entrySet()) {
            RuleSetting s = p.getValue().rules().get(r.id());
            if (s != null) {
                out.println("  " + p.getKey() + ": " + s.severity().label() + (s.fix() ? ", fixes" : ", reports only")
                        + (s.params().isEmpty() ? "" : ", " + s.params()));
            }
        }
        if (!r.references().isEmpty()) {
            out.println("References:");
            r.references().forEach(ref -> out.println("  - " + ref));
        }
        out.flush();
        return HardenCommand.CLEAN;
    }

    static String profilesOf(RuleInfo r, Map<String, Profile> profiles) {
        List<String> in = profiles.entrySet().stream().filter(e -> e.getValue().rules().containsKey(r.id()))
                .map(Map.Entry::getKey).toList();
        return in.isEmpty() ? "(no built-in profile)" : String.join(", ", in);
    }

    private static String wrap(String text) {
        StringBuilder out = new StringBuilder("  ");
        int col = 2;
        for (String word : text.split("\\s+")) {
            if (col + word.length() > 98 && col > 2) {
                out.append("\n  ");
                col = 2;
            }
            out.append(word).append(' ');
            col += word.length() + 1;
        }
        return out.toString().stripTrailing();
    }
}
