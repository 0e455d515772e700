package dev.harden.pr;

import dev.harden.forge.Forge;
import dev.harden.forge.ForgeException;
import dev.harden.forge.Pace;
import dev.harden.forge.Proposal;
import dev.harden.forge.PullRequest;
import dev.harden.git.GitException;
import dev.harden.git.GitRepo;
import dev.harden.git.Push;
import dev.harden.git.Remote;
import dev.harden.git.Tip;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Leaves exactly one up-to-date pull request for a change: pushes harden's branch only when the
 * change differs, never over someone else's commit, and finds the existing pull request before
 * opening one, so scheduled runs heal a half-finished previous run instead of duplicating it.
 */
public final class Bot {
    private static final long PUSH_BACKOFF_MILLIS = 2_000;
    /** How long to wait for a forge to list a pull request it says exists (GitHub's listing can lag). */
    private static final long[] LISTING_WAITS_MILLIS = {1_000, 2_000, 4_000, 8_000};

    private final Forge forge;
    private final Pace.Sleeper sleeper;
    private final Consumer<String> log;
    private final Gate gate;

    /** Asked before a new pull request is pushed for and opened: a campaign's budget of pull requests. */
    public interface Gate {
        /** No limit: what {@code harden pr} uses. */
        Gate OPEN = new Gate() {
            @Override
            public boolean mayOpen() {
                return true;
            }

            @Override
            public void notOpened() {
            }
        };

        /** Takes one pull request from the budget, waiting if it must; false: open none now. */
        boolean mayOpen() throws InterruptedException;

        /** Gives back what {@link #mayOpen()} took: no pull request was opened after all. */
        void notOpened();
    }

    /**
     * @param forge the repository's forge
     * @param sleeper how to wait between push attempts
     * @param log progress lines for the user
     */
    public Bot(Forge forge, Pace.Sleeper sleeper, Consumer<String> log) {
        this(forge, sleeper, log, Gate.OPEN);
    }

    /**
     * @param gate asked before a pull request is opened where none is open
     */
    public Bot(Forge forge, Pace.Sleeper sleeper, Consumer<String> log, Gate gate) {
        this.forge = forge;
        this.sleeper = sleeper;
        this.log = log;
        this.gate = gate;
    }

    /**
     * Pushes the plan's commit when needed and opens or updates its pull request.
     *
     * @param repo the repository whose checkout the change was computed from
     * @param plan the change and its texts
     * @param settings branch, base, identities and presentation
     */
    public Outcome publish(GitRepo repo, Plan plan, Settings settings) throws PrException {
        try {
            return run(repo, plan, settings);
        } catch (GitException e) {
            throw new PrException(e.getMessage(), true);
        } catch (ForgeException e) {
            throw new PrException(e.getMessage(), retryable(e));
        }
    }

    /** No answer, a timeout, a rate limit or a server error: the same call later may succeed. */
    private static boolean retryable(ForgeException e) {
        return e.status() == 0 || e.status() == 408 || e.status() == 429 || e.status() >= 500;
    }

    private Outcome run(GitRepo repo, Plan plan, Settings settings) throws GitException, ForgeException, PrException {
        Change change = plan.change();
        if (change.isEmpty()) {
            return new Outcome(Outcome.Action.NOTHING_TO_FIX, null, false,
                    "profile " + change.profile() + " finds nothing to fix");
        }
        String branch = plan.branch();
        Remote remote = repo.remote();
        String base = settings.base() != null ? settings.base() : remote.defaultBranch();
        if (base == null) {
            throw new PrException(repo.remoteUrl() + " does not say which branch is its default: name one with --base");
        }
        if (base.equals(branch)) {
            throw new PrException("the branch to push and the base are both '" + base + "': choose another --branch");
        }
        String baseTip = remote.tip(base).orElseThrow(() -> new PrException(repo.remoteUrl() + " has no branch '"
                + base + "': check --base"));
        checkCheckout(repo, change, base, baseTip);

        String hash = change.hash();
        List<PullRequest> prs = forge.byHead(branch);
        Optional<PullRequest> open = prs.stream().filter(p -> p.state() == PullRequest.State.OPEN).findFirst();
        Optional<PullRequest> latest = prs.stream().findFirst();
        if (open.isEmpty() && latest.isPresent() && latest.get().state() == PullRequest.State.CLOSED
                && Marker.find(latest.get().body()).map(m -> m.change().equals(hash)).orElse(false)) {
            return new Outcome(Outcome.Action.DECLINED, latest.get().url(), false, "this change was closed without"
                    + " merging; harden proposes again when the change differs");
        }

        boolean reserved = false;
        if (open.isEmpty()) {
            try {
                reserved = gate.mayOpen();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PrException("interrupted while waiting for the budget of pull requests", true);
            }
            if (!reserved) {
                return new Outcome(Outcome.Action.HELD, null, false, "the budget of open pull requests is spent; nothing"
                        + " was pushed or opened: a later run proposes this change");
            }
        }
        boolean opened = false;
        try {
            Outcome outcome = proposeOn(repo, remote, plan, settings, base, baseTip, open);
            opened = outcome.action() == Outcome.Action.OPENED;
            return outcome;
        } finally {
            if (reserved && !opened) {
                gate.notOpened();
            }
        }
    }

    private Outcome proposeOn(GitRepo repo, Remote remote, Plan plan, Settings settings, String base, String baseTip,
                              Optional<PullRequest> open) throws GitException, ForgeException, PrException {
        Change change = plan.change();
        String hash = change.hash();
        String branch = plan.branch();
        String tree = repo.tree(baseTip, change.contents());
        Optional<String> remoteTip = remote.tip(branch);
        boolean push = true;
        if (remoteTip.isPresent()) {
            Tip tip = repo.fetchTip(branch);
            boolean ours = tip.trailer(PrText.TRAILER_CHANGE).isPresent()
                    && tip.committer().email().equalsIgnoreCase(settings.committer().email());
            if (!ours && !settings.force()) {
                return new Outcome(Outcome.Action.LEFT_ALONE, open.map(PullRequest::url).orElse(null), false,
                        "branch " + branch + " has a commit harden did not make (" + tip.id().substring(0, 7) + " by "
                                + tip.author() + "); harden leaves it alone: merge or close its pull request, delete the"
                                + " branch, or run again with --force to replace it");
            }
            // The same tree, or the same change on an older base, needs no push: a push would only re-run CI.
            push = !(tip.tree().equals(tree) || (ours && tip.trailer(PrText.TRAILER_CHANGE).get().equals(hash)));
            if (push) {
                log.accept("branch " + branch + " holds an older change; replacing it");
            }
        }
        if (push) {
            String commit = repo.commit(baseTip, tree, settings.author(), settings.committer(), plan.commitMessage());
            push(repo, commit, branch, remoteTip.orElse(null), settings.pushAttempts());
        } else {
            log.accept("branch " + branch + " already holds this change; nothing to push");
        }

        Proposal proposal = new Proposal(branch, base, plan.title(), plan.body(), settings.draft(), settings.labels(),
                settings.reviewers(), settings.assignees());
        if (open.isPresent()) {
            return update(open.get(), proposal, push);
        }
        try {
            PullRequest created = forge.create(proposal);
            return new Outcome(Outcome.Action.OPENED, created.url(), push, "opened pull request #" + created.number()
                    + " from " + branch + " into " + base);
        } catch (ForgeException e) {
            if (!e.alreadyExists()) {
                throw new PrException(e.getMessage() + (push ? "; the branch is pushed: the next run opens or finishes"
                        + " the pull request" : ""), retryable(e));
            }
            // Someone (or a parallel run) opened it between our lookup and our create, or the forge's
            // listing lags behind its own refusal: look again for a while before giving up.
            Optional<PullRequest> now = openByHead(branch);
            for (int attempt = 0; now.isEmpty() && attempt < LISTING_WAITS_MILLIS.length; attempt++) {
                long wait = LISTING_WAITS_MILLIS[attempt];
                log.accept("the forge says a pull request exists for " + branch + " but does not list it yet; looking"
                        + " again in " + wait / 1000 + "s");
                try {
                    sleeper.sleep(wait);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new PrException("interrupted while waiting for the pull request from " + branch);
                }
                now = openByHead(branch);
            }
            if (now.isEmpty()) {
                throw new PrException(e.getMessage() + "; the forge still lists no open pull request from " + branch
                        + ": run again in a minute to update it");
            }
            return update(now.get(), proposal, push);
        }
    }

    private Optional<PullRequest> openByHead(String branch) throws ForgeException {
        return forge.byHead(branch).stream().filter(p -> p.state() == PullRequest.State.OPEN).findFirst();
    }

    private Outcome update(PullRequest pr, Proposal proposal, boolean pushed) throws ForgeException {
        boolean same = pr.title().equals(proposal.title()) && normal(pr.body()).equals(normal(proposal.body()))
                && pr.labels().containsAll(proposal.labels());
        if (same) {
            return new Outcome(Outcome.Action.UNCHANGED, pr.url(), pushed, "pull request #" + pr.number()
                    + " already proposes this change");
        }
        PullRequest updated = forge.update(pr, proposal);
        return new Outcome(Outcome.Action.UPDATED, updated.url(), pushed, "updated pull request #" + pr.number());
    }

    private static String normal(String body) {
        return body.replace("\r\n", "\n").strip();
    }

    /** The change must be computed from the base as the remote has it, with nothing uncommitted mixed in. */
    private static void checkCheckout(GitRepo repo, Change change, String base, String baseTip) throws GitException,
            PrException {
        String head = repo.head();
        if (!baseTip.equals(head)) {
            throw new PrException("the checkout (" + (head == null ? "no commit" : head.substring(0, 7))
                    + ") is not the tip of " + base + " on the remote (" + baseTip.substring(0, 7) + "): run"
                    + " 'git switch " + base + " && git pull', or use --clone URL");
        }
        Set<String> uncommitted = repo.uncommitted();
        for (Change.FileChange f : change.files()) {
            if (f.created() ? uncommitted.contains(f.path()) || repo.tracked(baseTip, f.path())
                    : uncommitted.contains(f.path()) || !repo.tracked(baseTip, f.path())) {
                throw new PrException(f.path() + " differs from the last commit: commit or stash your changes first,"
                        + " or use --clone URL");
            }
        }
    }

    private void push(GitRepo repo, String commit, String branch, String expected, int attempts)
            throws GitException, PrException {
        String last = "";
        for (int attempt = 1; attempt <= attempts; attempt++) {
            Push result;
            try {
                result = repo.push(commit, branch, expected);
            } catch (GitException e) {
                if (attempt == attempts) {
                    throw new PrException("the push of " + branch + " failed " + attempts + " times: " + e.getMessage());
                }
                last = e.getMessage();
                retry(branch, last, attempt, attempts);
                continue;
            }
            if (result.ok()) {
                log.accept("pushed " + branch + (attempt > 1 ? " (attempt " + attempt + ")" : ""));
                return;
            }
            if (result.raced()) {
                throw new PrException("branch " + branch + " changed on the remote while harden worked ("
                        + result.status() + "): run harden pr again");
            }
            last = result.status() + (result.message().isEmpty() ? "" : ": " + result.message());
            if (attempt < attempts) {
                retry(branch, last, attempt, attempts);
            }
        }
        throw new PrException("the remote refused the push of " + branch + " " + attempts
                + (attempts == 1 ? " time" : " times") + " (" + last + "): check the server's branch rules and hooks");
    }

    private void retry(String branch, String why, int attempt, int attempts) throws PrException {
        long wait = PUSH_BACKOFF_MILLIS << (attempt - 1);
        log.accept("push of " + branch + " refused (" + why + "); retrying in " + wait / 1000 + "s (attempt "
                + (attempt + 1) + " of " + attempts + ")");
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PrException("interrupted while waiting to push " + branch);
        }
    }
}
