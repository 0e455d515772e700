package dev.harden.bulk;

/**
 * What the engine pipeline does for one repository of a campaign (fetch, fix, commit, push, open or
 * update the pull request), telling the run each step as it is reached so the journal holds it.
 */
@FunctionalInterface
public interface Work {
    /** Where a repository's steps are recorded; each call is forced to disk before it returns. */
    interface Steps {
        /** A step reached: {@code fetched}, {@code unchanged}, {@code changed}, {@code pushed}. */
        void reached(State state) throws CampaignException;

        /** {@code unchanged} or {@code changed}, with the open findings counted before and after the fix. */
        default void reached(State state, Journal.Findings findings) throws CampaignException {
            reached(state);
        }

        /** {@code pr-opened} or {@code pr-updated}, or {@code done}, with the pull request's page. */
        void reached(State state, String url) throws CampaignException;

        /** The repository opted out (a {@code .harden.yaml} with {@code campaigns: false}, the campaign's opt-out file). */
        void optedOut(String reason) throws CampaignException;
    }

    /** A failure the pipeline understood, and whether trying again later may succeed. */
    final class Failed extends Exception {
        private static final long serialVersionUID = 1L;

        private final boolean retryable;

        public Failed(String reason, boolean retryable) {
            super(reason);
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }

    /**
     * The repository's campaign pull request has checks pending or failing: nothing more is proposed
     * there in this run, and that is no failure; the next run looks again.
     */
    final class Held extends Exception {
        private static final long serialVersionUID = 1L;

        private final String url;

        public Held(String reason, String url) {
            super(reason);
            this.url = url;
        }

        /** The pull request waited on. */
        public String url() {
            return url;
        }
    }

    /**
     * Works on one repository. Returning means it is finished: the run records {@code done} unless
     * the work already reached an end ({@code opted-out}, {@code done}).
     *
     * @throws Failed when it failed, with the reason the journal keeps (never a token)
     * @throws Held when it waits on its pull request's checks
     */
    void run(Target target, Steps steps) throws Failed, Held, CampaignException, InterruptedException;
}
