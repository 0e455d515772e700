package dev.harden.pr;

/**
 * What a run did.
 *
 * @param action opened, updated, left as it was, ...
 * @param url the pull request's page, or null when there is none
 * @param pushed whether a commit was pushed
 * @param detail one sentence for the user
 */
public record Outcome(Action action, String url, boolean pushed, String detail) {
    /** What happened to the pull request. */
    public enum Action {
        OPENED("opened"),
        UPDATED("updated"),
        UNCHANGED("left as it was"),
        DECLINED("left as it was (declined)"),
        LEFT_ALONE("left alone"),
        NOTHING_TO_FIX("nothing to fix"),
        /** A pull request was needed but the {@link Bot.Gate} allowed no more: nothing was pushed or opened. */
        HELD("held back");

        private final String label;

        Action(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }
}
