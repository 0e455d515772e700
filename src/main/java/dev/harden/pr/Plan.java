package dev.harden.pr;

/**
 * The proposal worked out before anything is sent: what {@code --dry-run} shows.
 *
 * @param change the fix
 * @param branch the branch to push
 * @param title the pull request's title
 * @param body its Markdown body
 * @param commitMessage the commit's message
 */
public record Plan(Change change, String branch, String title, String body, String commitMessage) {
    /** Works out the branch, title, body and commit message for a change. */
    public static Plan of(Change change, Settings settings) {
        return of(change, settings, null);
    }

    /**
     * Works out the proposal with a section on what verification found in its body.
     *
     * @param verification Markdown, such as {@code PrunedChange.section()}, or null for none
     */
    public static Plan of(Change change, Settings settings, String verification) {
        return new Plan(change, settings.branchFor(change.profile()), PrText.title(change), PrText.body(change, verification),
                PrText.commitMessage(change));
    }
}
