package dev.harden.profile;

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
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(wrong, k);
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        return best != null && bestDistance <= Math.max(2, wrong.length() / 3) ? Optional.of(best) : Optional.empty();
    }

    /** {@code unknown rule 'x' in WHERE; did you mean 'y'?}, or without the question when nothing is close. */
    public static String unknownRule(String id, String where, Collection<String> known) {
        return "unknown rule '" + id + "' in " + where + closest(id, known).map(b -> "; did you mean '" + b + "'?")
                .orElse("; 'harden rules' lists the rule ids");
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
