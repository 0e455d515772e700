package dev.harden.forge;

import java.util.Locale;

/** What the checks on a pull request's head commit say, all of them taken together. */
public enum Checks {
    /** No check reported anything. */
    NONE,
    /** At least one check has not finished, and none failed. */
    PENDING,
    /** Every check finished and none failed. */
    PASSING,
    /** At least one check failed (or was cancelled, or timed out). */
    FAILING;

    /** The word reports use: {@code pending}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The two taken together: a failure wins, then a check still running, then a pass. */
    Checks and(Checks other) {
        for (Checks c : new Checks[] {FAILING, PENDING, PASSING}) {
            if (this == c || other == c) {
                return c;
            }
        }
        return NONE;
    }
}
