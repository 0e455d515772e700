package dev.harden.bulk;

import dev.harden.forge.Checks;
import dev.harden.forge.Forge;
import dev.harden.forge.ForgeException;
import dev.harden.forge.PullRequest;
import dev.harden.report.Redact;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where each campaign pull request the journal knows of stands on the forge now: open, merged or
 * closed, and for an open one what its checks say. Reads only; one repository the forge cannot
 * answer for is reported, and the others are still read.
 */
public final class LiveStatus {
    private LiveStatus() {
    }

    /**
     * One repository's pull request as the forge sees it.
     *
     * @param state open, merged or closed
     * @param checks what its head commit's checks say; null unless it is open
     * @param url its page
     */
    public record Live(PullRequest.State state, Checks checks, String url) {
    }

    /**
     * What the forge said.
     *
     * @param live each repository whose pull request the forge returned
     * @param unread each repository the forge could not answer for, and why (redacted)
     */
    public record Result(Map<RepoId, Live> live, Map<RepoId, String> unread) {
        public Result {
            live = Map.copyOf(live);
            unread = Map.copyOf(unread);
        }

        /** Pull requests open now, counting as open each one the forge did not answer for: a budget errs on the safe side. */
        public int openOrUnknown() {
            return (int) live.values().stream().filter(l -> l.state() == PullRequest.State.OPEN).count() + unread.size();
        }
    }

    /** Whether a repository's last record says the campaign opened a pull request there. */
    public static boolean hasPullRequest(Journal.Entry e) {
        return e.url() != null && e.state() != State.OPTED_OUT && e.state() != State.UNCHANGED;
    }

    /**
     * Asks the forge about every repository whose journal records a pull request.
     *
     * @param forges each repository's forge client
     * @param redact applied to every forge answer kept
     * @param withChecks whether an open pull request's checks are read too (more calls)
     */
    public static Result read(Campaign campaign, Map<RepoId, Journal.Entry> last, PullRequestWork.Forges forges,
                              Redact redact, boolean withChecks) {
        Map<RepoId, Live> live = new LinkedHashMap<>();
        Map<RepoId, String> unread = new LinkedHashMap<>();
        for (Journal.Entry e : last.values()) {
            if (!hasPullRequest(e)) {
                continue;
            }
            try {
                Forge forge = forges.of(new Target(e.repo(), null, null));
                Optional<Live> found = one(forge, campaign.branchName(), e.url(), withChecks);
                if (found.isPresent()) {
                    live.put(e.repo(), found.get());
                } else {
                    unread.put(e.repo(), "the forge has no pull request from " + campaign.branchName());
                }
            } catch (ForgeException ex) {
                unread.put(e.repo(), redact.apply(ex.getMessage()));
            }
        }
        return new Result(live, unread);
    }

    /**
     * The campaign's pull request of one repository: the one the journal names, else the newest open,
     * else the newest; with its checks when it is open.
     */
    static Optional<Live> one(Forge forge, String branch, String journaled, boolean withChecks) throws ForgeException {
        List<PullRequest> prs = forge.byHead(branch);
        Optional<PullRequest> pr = prs.stream().filter(p -> p.url() != null && p.url().equals(journaled)).findFirst()
                .or(() -> prs.stream().filter(p -> p.state() == PullRequest.State.OPEN).findFirst())
                .or(() -> prs.stream().findFirst());
        if (pr.isEmpty()) {
            return Optional.empty();
        }
        Checks checks = withChecks && pr.get().state() == PullRequest.State.OPEN ? forge.checks(pr.get()) : null;
        return Optional.of(new Live(pr.get().state(), checks, pr.get().url()));
    }

    /**
     * Merged pull requests over those opened: the campaign's measure of success.
     *
     * @param opened pull requests the forge returned
     * @param merged those of them merged
     */
    public record MergeRate(int opened, int merged) {
        public static MergeRate of(Map<RepoId, Live> live) {
            int merged = (int) live.values().stream().filter(l -> l.state() == PullRequest.State.MERGED).count();
            return new MergeRate(live.size(), merged);
        }

        /** Between 0 and 1, or null when none was opened. */
        public Double rate() {
            return opened == 0 ? null : (double) merged / opened;
        }

        /** {@code 3 of 4 pull requests merged (75%)}. */
        public String sentence() {
            return merged + " of " + opened + (opened == 1 ? " pull request" : " pull requests") + " merged"
                    + (opened == 0 ? "" : " (" + Math.round(100.0 * merged / opened) + "%)");
        }
    }
}
