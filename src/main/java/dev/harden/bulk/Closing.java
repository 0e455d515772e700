package dev.harden.bulk;

import dev.harden.forge.Forge;
import dev.harden.forge.ForgeException;
import dev.harden.forge.PullRequest;
import dev.harden.report.Redact;
import dev.harden.report.Terminal;
import java.util.function.Consumer;

/**
 * Ends a campaign: closes each repository's open campaign pull request, deletes the campaign's
 * branch, and journals {@code closed}, so closing again finds nothing left to do and asks nothing.
 */
public final class Closing {
    private Closing() {
    }

    /** How a close went: repositories closed now, and those the forge refused (journaled nothing: close again). */
    public record Result(int closed, int failed) {
    }

    /**
     * Closes every repository the journal says the campaign may have touched: all but those opted out,
     * already closed, or done without a pull request (nothing was pushed there).
     *
     * @param forges each repository's forge client
     * @param redact applied to every forge answer before it is logged
     * @param log one line per repository
     */
    public static Result close(Campaign campaign, Journal journal, PullRequestWork.Forges forges, Redact redact,
                               Consumer<String> log) throws CampaignException {
        int closed = 0;
        int failed = 0;
        for (Journal.Entry e : journal.last().values().stream().sorted((a, b) -> a.repo().compareTo(b.repo())).toList()) {
            if (!touched(e)) {
                continue;
            }
            try {
                Forge forge = forges.of(new Target(e.repo(), null, null));
                String url = e.url();
                int prs = 0;
                for (PullRequest pr : forge.byHead(campaign.branchName())) {
                    if (pr.state() == PullRequest.State.OPEN) {
                        forge.close(pr);
                        url = pr.url();
                        prs++;
                    }
                }
                boolean deleted = forge.deleteBranch(campaign.branchName());
                journal.record(e.repo(), State.CLOSED, url);
                closed++;
                log.accept(e.repo() + ": closed " + (prs == 0 ? "no open pull request" : prs == 1
                        ? Terminal.escape(url) : prs + " pull requests") + (deleted ? ", deleted " : ", no ")
                        + "branch " + campaign.branchName());
            } catch (ForgeException ex) {
                failed++;
                log.accept(e.repo() + ": not closed: " + Terminal.escape(redact.apply(ex.getMessage())));
            }
        }
        return new Result(closed, failed);
    }

    private static boolean touched(Journal.Entry e) {
        return switch (e.state()) {
            case CLOSED, OPTED_OUT, UNCHANGED -> false;
            case DONE -> e.url() != null;
            default -> true;
        };
    }
}
