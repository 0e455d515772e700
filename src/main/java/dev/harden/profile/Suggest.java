package dev.harden.profile;

import dev.harden.yaml.DataValue;
import java.util.Collection;
import java.util.Optional;

/** "Did you mean ...?" for misspelt names. */
public final class Suggest {
    private Suggest() {
    }

    static String didYouMean(String wrong, Collection<String> known) {
        return closest(wrong, known).map(best -> " (did you mean '" + best + "'?)").orElse("");
    }

    /** The known name closest to a misspelt one, when it is close enough to be what was meant. */
    public static Optional<String> closest(String wrong, Collection<String> known) {
        return DataValue.closest(wrong, known);
    }

    /** {@code unknown rule 'x' in WHERE; did you mean 'y'?}, or without the question when nothing is close. */
    public static String unknownRule(String id, String where, Collection<String> known) {
        return "unknown rule '" + id + "' in " + where + closest(id, known).map(b -> "; did you mean '" + b + "'?")
                .orElse("; 'harden rules' lists the rule ids");
    }
}
