package dev.harden.bulk;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Where one repository stands in a campaign. A repository's journal records go {@code discovered},
 * {@code fetched}, then {@code unchanged} or {@code changed}, {@code pushed}, {@code pr-opened} or
 * {@code pr-updated}, and end {@code done}, {@code failed} or {@code opted-out}; {@code discovered}
 * starts a new attempt from any state, which is how a resumed run picks a repository up again.
 */
public enum State {
    DISCOVERED, FETCHED, UNCHANGED, CHANGED, PUSHED, PR_OPENED, PR_UPDATED, DONE, FAILED, OPTED_OUT,
    /** {@code harden bulk close} closed the repository's pull request and deleted the campaign's branch. */
    CLOSED,
    /**
     * The campaign waits on the checks of the repository's open pull request (pending or failing)
     * before proposing anything more there; the next run looks again.
     */
    WAITING;

    /** The name written in the journal: {@code pr-opened}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Reads a {@link #label()}. */
    public static State parse(String label) {
        for (State s : values()) {
            if (s.label().equals(label)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown state '" + label + "'");
    }

    /** Whether an attempt ends here: nothing more happens to the repository until a new attempt. */
    public boolean terminal() {
        return this == DONE || this == FAILED || this == OPTED_OUT || this == CLOSED || this == WAITING;
    }

    /** Whether a repository whose last record is {@code from} (null: none yet) may go to this state. */
    public boolean mayFollow(State from) {
        if (this == DISCOVERED) {
            return true;
        }
        if (this == CLOSED) {
            // closing ends the campaign for a repository wherever a run left it, but only once
            return from != null && from != CLOSED;
        }
        if (from == null || from.terminal()) {
            return false;
        }
        if (this == FAILED) {
            return true;
        }
        return next(from).contains(this);
    }

    private static Set<State> next(State from) {
        return switch (from) {
            case DISCOVERED -> EnumSet.of(FETCHED, OPTED_OUT, WAITING);
            case FETCHED -> EnumSet.of(UNCHANGED, CHANGED, OPTED_OUT);
            case UNCHANGED, PR_OPENED, PR_UPDATED -> EnumSet.of(DONE);
            // a change whose pull request already proposes it, or that harden leaves alone, is done without a push
            case CHANGED -> EnumSet.of(PUSHED, PR_OPENED, PR_UPDATED, DONE);
            case PUSHED -> EnumSet.of(PR_OPENED, PR_UPDATED, DONE);
            case DONE, FAILED, OPTED_OUT, CLOSED, WAITING -> EnumSet.noneOf(State.class);
        };
    }
}
