package dev.harden.bulk;

import dev.harden.forge.Checks;
import dev.harden.forge.ForgeException;
import dev.harden.forge.PullRequest;
import dev.harden.report.Redact;
import java.util.Map;
import java.util.Optional;

/**
 * A campaign's {@code pace.waitForChecks}: before a repository whose campaign pull request is open is
 * worked on again, its checks are read, and while they are pending or failing the repository waits
 * (journaled {@code waiting}, not failed) so the teams' CI is not fed another push; the next run
 * looks again. A repository without a pull request in the journal is worked on at once.
 */
public final class ChecksGate implements Work {
    private final Work next;
    private final String branch;
    private final Map<RepoId, Journal.Entry> before;
    private final PullRequestWork.Forges forges;
    private final Redact redact;

    /**
     * @param next the work done once the checks allow it
     * @param before each repository's last record when the run started
     * @param redact applied to a forge answer before the journal keeps it
     */
    public ChecksGate(Work next, Campaign campaign, Map<RepoId, Journal.Entry> before, PullRequestWork.Forges forges,
                      Redact redact) {
        this.next = next;
        this.branch = campaign.branchName();
        this.before = Map.copyOf(before);
        this.forges = forges;
        this.redact = redact;
    }

    @Override
    public void run(Target target, Steps steps) throws Failed, Held, CampaignException, InterruptedException {
        Journal.Entry last = before.get(target.id());
        if (last != null && last.state() != State.CLOSED && LiveStatus.hasPullRequest(last)) {
            Optional<LiveStatus.Live> live;
            try {
                live = LiveStatus.one(forges.of(target), branch, last.url(), true);
            } catch (ForgeException e) {
                throw new Failed("reading the checks of " + last.url() + ": " + redact.apply(e.getMessage()), true);
            }
            if (live.isPresent() && live.get().state() == PullRequest.State.OPEN
                    && (live.get().checks() == Checks.PENDING || live.get().checks() == Checks.FAILING)) {
                throw new Held("waiting: checks " + live.get().checks().label(), live.get().url());
            }
        }
        next.run(target, steps);
    }
}
