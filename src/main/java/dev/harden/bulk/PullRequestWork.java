package dev.harden.bulk;

import dev.harden.engine.FileHardener;
import dev.harden.image.LockFile;
import dev.harden.forge.Forge;
import dev.harden.git.Credentials;
import dev.harden.git.GitException;
import dev.harden.git.GitRepo;
import dev.harden.pr.Bot;
import dev.harden.pr.Change;
import dev.harden.pr.Fetched;
import dev.harden.pr.Outcome;
import dev.harden.pr.Plan;
import dev.harden.pr.PrException;
import dev.harden.pr.Settings;
import dev.harden.profile.ProfileException;
import dev.harden.profile.RepoConfig;
import dev.harden.report.FileReport;
import dev.harden.report.Finding;
import dev.harden.report.Redact;
import dev.harden.yaml.Limits;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * The campaign's {@link Work}: for one repository, what {@code harden pr --clone} does (a depth-1 bare
 * fetch with only the files harden reads written out, {@link Fetched}; the profile's fix through
 * {@link Change}, with the lock file when the run pinned or learned something; one commit built in
 * memory, one branch, one pull request through {@link Bot}), with the campaign's opt-outs checked first
 * and the governor's budget asked before a pull request is opened.
 */
public final class PullRequestWork implements Work {
    /** Gives each repository its forge client, sharing the campaign's governor. */
    @FunctionalInterface
    public interface Forges {
        Forge of(Target target);
    }

    /** Builds the profile's hardener for a clone (with that repository's {@code .harden.yaml}). */
    @FunctionalInterface
    public interface Hardeners {
        FileHardener of(Path workTree) throws Failed;
    }

    /** Where a repository is cloned from when discovery did not say. */
    @FunctionalInterface
    public interface CloneUrls {
        String of(Target target);
    }

    /** The file whose presence asks the campaign to sign off commits when {@code signOff: auto}. */
    static final String DCO_FILE = ".github/dco.yml";

    private final Campaign campaign;
    private final Credentials credentials;
    private final CloneUrls cloneUrls;
    private final Forges forges;
    private final Hardeners hardeners;
    private final Governor governor;
    private final Redact redact;
    private final Consumer<String> log;

    /**
     * @param credentials for git over HTTPS, or null
     * @param redact applied to every text that goes to the forge, into a commit or into the journal
     * @param log progress lines, each naming its repository
     */
    public PullRequestWork(Campaign campaign, Credentials credentials, CloneUrls cloneUrls, Forges forges, Hardeners hardeners,
                           Governor governor, Redact redact, Consumer<String> log) {
        this.campaign = campaign;
        this.credentials = credentials;
        this.cloneUrls = cloneUrls;
        this.forges = forges;
        this.hardeners = hardeners;
        this.governor = governor;
        this.redact = redact;
        this.log = log;
    }

    @Override
    public void run(Target target, Steps steps) throws Failed, CampaignException, InterruptedException {
        String url = target.cloneUrl() != null ? target.cloneUrl() : cloneUrls.of(target);
        List<String> named = campaign.optOutFile() == null ? List.of(DCO_FILE) : List.of(DCO_FILE, campaign.optOutFile());
        try {
            Fetched fetched = Fetched.fetch(url, campaign.base(), credentials, Limits.DEFAULT.maxBytes(), named, false);
            try (GitRepo git = fetched.git()) {
                steps.reached(State.FETCHED);
                Path tree = git.workTree();
                String optedOut = optedOut(git);
                if (optedOut != null) {
                    steps.optedOut(optedOut);
                    return;
                }
                FileHardener hardener = hardeners.of(tree);
                Change computed = fetched.change(hardener, List.of(tree));
                Journal.Findings findings = findings(computed);
                LockFile lock = hardener.pins().lock();
                Change change = computed.withLockFile(tree, tree.resolve(LockFile.NAME), lock.changed() ? lock.render() : null);
                if (change.isEmpty()) {
                    steps.reached(State.UNCHANGED, findings);
                    return;
                }
                steps.reached(State.CHANGED, findings);
                Settings settings = settings();
                Plan plan = plan(change, settings, signs(tree));
                Consumer<String> repoLog = line -> log.accept(target.id() + ": " + line);
                Outcome outcome = new Bot(forges.of(target), Thread::sleep, repoLog, gate()).publish(git, plan, settings);
                record(outcome, steps);
            }
        } catch (GitException e) {
            // the clone: the server did not answer, or refused us
            throw new Failed(redact.apply(e.getMessage()), true);
        } catch (PrException e) {
            throw new Failed(redact.apply(e.getMessage()), e.retryable());
        } catch (RuntimeException e) {
            // a bug's message may quote a URL or a header: the journal is on disk, so it is redacted like the rest
            throw new Failed(redact.apply("internal error: " + e), false);
        }
    }

    /** Open findings before the fix (those it fixed and those it left) and after it (those it left). */
    static Journal.Findings findings(Change change) {
        int before = 0;
        int after = 0;
        for (FileReport report : change.reports()) {
            for (Finding f : report.findings()) {
                if (f.status() != Finding.Status.EXEMPTED) {
                    before++;
                }
                if (f.status() == Finding.Status.OPEN) {
                    after++;
                }
            }
        }
        return new Journal.Findings(before, after);
    }

    /** Why the repository opted out, or null when it did not. */
    private String optedOut(GitRepo git) throws Failed, GitException {
        Path tree = git.workTree();
        String head = git.head();
        // asked of the commit, not the folder: the opt-out may be any file, folder or link, none of which is written out
        if (campaign.optOutFile() != null && head != null && git.tracked(head, trimmed(campaign.optOutFile()))) {
            return campaign.optOutFile() + " is present";
        }
        Path config = tree.resolve(RepoConfig.FILE_NAME);
        if (Files.isRegularFile(config, LinkOption.NOFOLLOW_LINKS)) {
            try {
                if (!RepoConfig.load(config).campaigns()) {
                    return RepoConfig.FILE_NAME + " says campaigns: false";
                }
            } catch (ProfileException e) {
                String where = tree.toAbsolutePath().toString();
                throw new Failed(redact.apply(e.getMessage().replace(where + "/", "")), false);
            }
        }
        return null;
    }

    private static String trimmed(String path) {
        String p = path.startsWith("./") ? path.substring(2) : path;
        return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    private boolean signs(Path tree) {
        return switch (campaign.signOff()) {
            case ALWAYS -> true;
            case NEVER -> false;
            case AUTO -> Files.isRegularFile(tree.resolve(DCO_FILE), LinkOption.NOFOLLOW_LINKS);
        };
    }

    private Settings settings() {
        Campaign.PullRequestText pr = campaign.pullRequest();
        return new Settings(campaign.branchName(), campaign.base(), campaign.author(), campaign.author(), pr.draft(),
                pr.labels(), List.of(), List.of(), false, Settings.defaults().pushAttempts());
    }

    /** {@code harden pr}'s plan, with the campaign's title and sign-off, and every text redacted. */
    Plan plan(Change change, Settings settings, boolean signOff) {
        Plan plan = Plan.of(change, settings);
        String title = campaign.pullRequest().title() != null ? campaign.pullRequest().title() : plan.title();
        String message = plan.commitMessage();
        if (signOff) {
            // the trailer block ends the message: Signed-off-by joins it, after harden's own trailers
            message = message + "Signed-off-by: " + campaign.author().name() + " <" + campaign.author().email() + ">\n";
        }
        return new Plan(change, plan.branch(), redact.apply(title), redact.apply(plan.body()), redact.apply(message));
    }

    private Bot.Gate gate() {
        return new Bot.Gate() {
            @Override
            public boolean mayOpen() throws InterruptedException {
                return governor.reservePullRequest();
            }

            @Override
            public void notOpened() {
                governor.pullRequestNotOpened();
            }
        };
    }

    /** The journal's steps for what the bot did: docs/bulk.md, "The journal". */
    private static void record(Outcome outcome, Steps steps) throws Failed, CampaignException {
        if (outcome.pushed()) {
            steps.reached(State.PUSHED);
        }
        switch (outcome.action()) {
            case OPENED -> steps.reached(State.PR_OPENED, outcome.url());
            case UPDATED -> steps.reached(State.PR_UPDATED, outcome.url());
            case UNCHANGED, DECLINED -> steps.reached(State.DONE, outcome.url());
            case NOTHING_TO_FIX -> throw new IllegalStateException("the bot found nothing to fix in a change");
            case LEFT_ALONE -> throw new Failed(outcome.detail(), false);
            case HELD -> throw new Failed(outcome.detail(), true);
        }
    }
}
