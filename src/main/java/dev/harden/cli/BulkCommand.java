package dev.harden.cli;

import dev.harden.bulk.BulkPlan;
import dev.harden.bulk.BulkRun;
import dev.harden.bulk.Campaign;
import dev.harden.bulk.CampaignException;
import dev.harden.bulk.CampaignReport;
import dev.harden.bulk.ChecksGate;
import dev.harden.bulk.Closing;
import dev.harden.bulk.CampaignFile;
import dev.harden.bulk.Discovery;
import dev.harden.bulk.Governor;
import dev.harden.bulk.Journal;
import dev.harden.bulk.LiveStatus;
import dev.harden.bulk.PullRequestWork;
import dev.harden.bulk.RepoId;
import dev.harden.bulk.Shard;
import dev.harden.bulk.State;
import dev.harden.bulk.Target;
import dev.harden.bulk.Work;
import dev.harden.forge.Forge;
import dev.harden.forge.ForgeException;
import dev.harden.forge.Pace;
import dev.harden.forge.Repositories;
import dev.harden.git.Credentials;
import dev.harden.profile.Profile;
import dev.harden.report.Redact;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;

/** {@code harden bulk plan|run|status|close}: one pull request per repository of a campaign, resumably. */
final class BulkCommand implements Callable<Integer> {
    static final Option<String> CAMPAIGN = Option.positional("CAMPAIGN.yaml", "The campaign file (docs/bulk.md).");
    static final Option<String> SHARD = Option.text("I/N", "Work on part I of N (1/3, 2/3, 3/3), by a stable hash of"
            + " host/owner/name (default: JOB_COMPLETION_INDEX+1 of HARDEN_SHARDS when both are set, else all).", "--shard");
    static final Option<String> ONLY = Option.text("failed|all", "Take up every failed repository, retryable or not"
            + " (failed), or every repository (all). Default: those not finished and retryable failures; every one when"
            + " all are finished.", "--only");
    static final Option<Path> JOURNAL = Option.path("FILE", "The journal (default: <name>.journal.jsonl in the current"
            + " folder). Give each shard its own.", "--journal");
    static final Option<List<String>> JOURNALS = Option.repeatable("FILE", "A journal to read (repeatable: one per shard;"
            + " default: <name>.journal.jsonl in the current folder).", "--journal");
    static final Option<String> CLONE_URL = Option.textWithDefault("TEMPLATE", "https://{host}/{path}.git",
            "Where to clone a repository the campaign names: {host}, {path} (owner/name), {owner} and {name} are filled in"
                    + " (default: ${DEFAULT-VALUE}).", "--clone-url");

    final CommandModel model = CommandModel.of(this, "bulk",
                    "Run harden pr over many repositories: one pull request in each that needs one (docs/bulk.md).",
                    "  harden bulk plan campaign.yaml     what a run would do to each repository; sends nothing",
                    "  harden bulk run campaign.yaml      work through them; run again any time: it resumes",
                    "  harden bulk status campaign.yaml   each repository's state, pull request and checks; the merge rate",
                    "  harden bulk close campaign.yaml    close its pull requests and delete its branches",
                    "Every step is written to the journal (<name>.journal.jsonl) before the next one, so a run killed",
                    "at any moment resumes without a second branch, commit or pull request.");

    BulkCommand() {
        model.spec().addSubcommand("plan", new CommandLine(new PlanCommand().model.spec()));
        model.spec().addSubcommand("run", new CommandLine(new RunCommand().model.spec()));
        model.spec().addSubcommand("status", new CommandLine(new StatusCommand().model.spec()));
        model.spec().addSubcommand("close", new CommandLine(new CloseCommand().model.spec()));
    }

    @Override
    public Integer call() {
        model.spec().commandLine().usage(model.out());
        return HardenCommand.BAD_INPUT;
    }

    /** {@code harden bulk plan}. */
    static final class PlanCommand implements Callable<Integer> {
        final CommandModel model = CommandModel.of(this, "plan",
                        "List each repository of the campaign (of this shard) with what a run would do to it: start,",
                        "resume, retry or skip, and why; then what discovery left out. Fetches and pushes nothing; lists",
                        "an organisation's, topic's or group's repositories through the forge (the token as for run).")
                .with(CAMPAIGN, SHARD, ONLY, JOURNAL, PrCommand.TOKEN_FILE);

        @Override
        public Integer call() {
            Campaign campaign = campaign(model);
            String token = campaign.repositories().discovers() ? token(model, campaign, true) : null;
            PrintWriter out = RedactingWriter.over(model.out(), Redact.of(token));
            BulkPlan plan = plan(model, campaign, token, replay(journal(model.get(JOURNAL), campaign)), model.err());
            out.print(plan.text());
            out.flush();
            return HardenCommand.CLEAN;
        }
    }

    /** {@code harden bulk run}. */
    static final class RunCommand implements Callable<Integer> {
        final CommandModel model = CommandModel.of(this, "run",
                        "Work through the campaign's repositories (of this shard): clone each (depth 1), harden it with the",
                        "campaign's profile, commit, push the campaign's branch and open or update its one pull request,",
                        "as harden pr does; a repository with .harden.yaml 'campaigns: false' or the campaign's optOutFile",
                        "is left alone. Prints one line per repository; on a terminal also a progress line. The token is",
                        "read as harden pr reads it.",
                        "Exit 0 when every repository ended done, opted out or waiting, 4 when one failed (the journal says why).")
                .with(CAMPAIGN, SHARD, ONLY, JOURNAL, CLONE_URL, PrCommand.TOKEN_FILE, Options.NO_COLOR);

        @Override
        public Integer call() {
            Session session = new Session(model, true);
            Campaign campaign = session.campaign;
            Path journalFile = journal(model.get(JOURNAL), campaign);
            return session.withJournal(journalFile, journal -> {
                BulkPlan plan = plan(model, campaign, session.token, journal.last(), session.err);
                // the progress line is never a whole line, so it goes past the redacting writer; it holds only counts
                BulkProgress progress = BulkProgress.on(Terminal.current(), session.out, model.err(), plan.toRun().size(),
                        model.get(Options.NO_COLOR));
                session.logTo(progress::log);
                Governor governor = Governor.standard(campaign.pace());
                Pace pace = Pace.standard(Duration.ZERO).withBudget(governor);
                PullRequestWork.Forges forges = session.forges(pace);
                if (!plan.toRun().isEmpty()) {
                    governor.alreadyOpen(alreadyOpen(campaign, journal.last(), plan.toRun().size(), forges, session));
                }
                String template = model.get(CLONE_URL);
                Work work = new PullRequestWork(campaign, new Credentials(campaign.forge().gitUsername(), session.token),
                        target -> cloneUrl(template, target), forges, tree -> hardener(campaign, tree, session.err), governor,
                        session.redact, session.log);
                if (campaign.pace().waitForChecks()) {
                    work = new ChecksGate(work, campaign, journal.last(), forges, session.redact);
                }
                progress.begin();
                Map<State, Integer> ended;
                try {
                    ended = BulkRun.runEach(plan, journal, work, campaign.pace().parallel(), progress::finished);
                } finally {
                    progress.end();
                }
                session.out.println(summary(ended) + "; journal " + journalFile);
                session.out.flush();
                return ended.getOrDefault(State.FAILED, 0) > 0 ? HardenCommand.REMOTE : HardenCommand.CLEAN;
            });
        }

        /**
         * Campaign pull requests that earlier runs opened and that are open still: the budget of open
         * pull requests counts them too. Asks the forge, since people merge and close them between runs,
         * unless even all the journal's plus one for each repository of this run stay within the budget.
         */
        private static int alreadyOpen(Campaign campaign, Map<RepoId, Journal.Entry> last, int toRun,
                                       PullRequestWork.Forges forges, Session session) {
            Map<RepoId, Journal.Entry> withPullRequest = new LinkedHashMap<>();
            last.forEach((repo, e) -> {
                if (e.state() != State.CLOSED && LiveStatus.hasPullRequest(e)) {
                    withPullRequest.put(repo, e);
                }
            });
            if ((long) withPullRequest.size() + toRun <= campaign.pace().openPullRequests()) {
                return withPullRequest.size();
            }
            LiveStatus.Result found = LiveStatus.read(campaign, withPullRequest, forges, session.redact, false);
            found.unread().forEach((repo, why) -> session.log.accept(repo + ": counted as open, its pull request could not"
                    + " be read: " + why));
            return found.openOrUnknown();
        }
    }

    /** {@code harden bulk status}. */
    static final class StatusCommand implements Callable<Integer> {
        /** The shapes of the status report. */
        enum Format { TEXT, MARKDOWN, JSON, CSV }

        static final Option<Format> FORMAT = Option.format(Format.class, "text, markdown (a table with the counts above"
                + " it), json or csv (RFC 4180): one row per repository with its state, pull request, findings before and"
                + " after the fix, and why it failed; with the forge's answer, each pull request's state and checks and"
                + " the merge rate.");
        static final Option<Boolean> OFFLINE = Option.flag("Read the journals only: ask the forge nothing (as without a"
                + " token), so no pull request state, checks or merge rate.", "--offline");

        final CommandModel model = CommandModel.of(this, "status",
                        "Count the campaign's repositories in each state and list each one with its state, pull request",
                        "and, for a failure, why, from the journal (several: one per shard); then ask the forge whether",
                        "each pull request is open, merged or closed, what its checks say, and print the merge rate",
                        "(merged over opened). Exit 4 when the forge could not answer for one.")
                .with(CAMPAIGN, JOURNALS, FORMAT, OFFLINE, PrCommand.TOKEN_FILE);

        @Override
        public Integer call() {
            boolean offline = model.get(OFFLINE);
            Session session = new Session(model, false);
            Campaign campaign = session.campaign;
            List<Path> files = new ArrayList<>();
            model.get(JOURNALS).forEach(j -> files.add(Path.of(j)));
            if (files.isEmpty()) {
                files.add(journal(null, campaign));
            }
            Map<RepoId, Journal.Entry> last;
            try {
                last = Journal.replay(files);
            } catch (CampaignException e) {
                throw new UserException(e.getMessage());
            }
            CampaignReport report;
            int code = HardenCommand.CLEAN;
            if (offline || session.token == null) {
                session.err.println("harden: from the journal only (" + (offline ? "--offline" : "no token: set HARDEN_TOKEN or "
                        + campaign.forge().tokenVariable() + ", or use --token-file FILE") + "): no pull request state,"
                        + " checks or merge rate");
                session.err.flush();
                report = CampaignReport.of(campaign.name(), last);
            } else {
                LiveStatus.Result live = LiveStatus.read(campaign, last, session.forges(Pace.standard(Duration.ZERO)),
                        session.redact, true);
                live.unread().keySet().stream().sorted().forEach(repo -> session.log.accept(repo
                        + ": pull request not read: " + live.unread().get(repo)));
                code = live.unread().isEmpty() ? HardenCommand.CLEAN : HardenCommand.REMOTE;
                report = CampaignReport.of(campaign.name(), last, live.live());
            }
            session.out.print(switch (model.get(FORMAT)) {
                case TEXT -> report.text();
                case MARKDOWN -> report.markdown();
                case JSON -> report.json();
                case CSV -> report.csv();
            });
            session.out.flush();
            session.err.flush();
            return code;
        }
    }

    /** {@code harden bulk close}. */
    static final class CloseCommand implements Callable<Integer> {
        final CommandModel model = CommandModel.of(this, "close",
                        "End the campaign: close each repository's open campaign pull request without merging it, delete",
                        "the campaign's branch, and record closed in the journal; closing again does nothing. A later run",
                        "leaves closed repositories alone unless given --only all. Exit 4 when the forge refused one.")
                .with(CAMPAIGN, JOURNAL, PrCommand.TOKEN_FILE);

        @Override
        public Integer call() {
            Session session = new Session(model, true);
            Campaign campaign = session.campaign;
            Path journalFile = journal(model.get(JOURNAL), campaign);
            return session.withJournal(journalFile, journal -> {
                Closing.Result result = Closing.close(campaign, journal, session.forges(Pace.standard(Duration.ZERO)),
                        session.redact, session::line);
                session.out.println("campaign " + campaign.name() + ": " + result.closed() + " closed"
                        + (result.failed() == 0 ? "" : ", " + result.failed() + " not closed (run close again)")
                        + "; journal " + journalFile);
                session.out.flush();
                session.err.flush();
                return result.failed() > 0 ? HardenCommand.REMOTE : HardenCommand.CLEAN;
            });
        }
    }

    /**
     * What run, status and close share once the command line is read: the campaign, the token, the
     * output with the token redacted, the forge clients, and the journal held for the command's work.
     */
    private static final class Session {
        /** A command's work on its open journal. */
        @FunctionalInterface
        interface JournalWork {
            int run(Journal journal) throws CampaignException, InterruptedException;
        }

        final Campaign campaign;
        final String token;
        final Redact redact;
        final PrintWriter out;
        final PrintWriter err;
        private volatile Consumer<String> logLines;
        /** Forge waits and the like, one line each on standard error, redacted before wherever they go. */
        final Consumer<String> log;

        Session(CommandModel model, boolean tokenRequired) {
            this.campaign = campaign(model);
            this.token = token(model, campaign, tokenRequired);
            this.redact = Redact.of(token);
            this.out = RedactingWriter.over(model.out(), redact);
            this.err = RedactingWriter.over(model.err(), redact);
            this.logLines = text -> {
                synchronized (err) {
                    err.println(text);
                    err.flush();
                }
            };
            this.log = line -> logLines.accept(redact.apply("harden: " + dev.harden.report.Terminal.escape(line)));
        }

        /** Sends the log lines somewhere else (above a progress line). */
        void logTo(Consumer<String> lines) {
            this.logLines = lines;
        }

        /** One line of the command's own output. */
        void line(String text) {
            synchronized (out) {
                out.println(text);
                out.flush();
            }
        }

        /** Each repository's forge client, all with this pace. */
        PullRequestWork.Forges forges(Pace pace) {
            return target -> Forge.of(campaign.forge(), campaign.api(), target.id().path(), token, pace, log);
        }

        /** Opens the journal (the only run on it), does the work, and closes it; a journal problem is the user's to fix. */
        int withJournal(Path file, JournalWork work) {
            try (Journal journal = Journal.open(file, Instant::now)) {
                return work.run(journal);
            } catch (CampaignException e) {
                throw new UserException(redact.apply(e.getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                err.println("harden: interrupted; run again to resume");
                err.flush();
                return HardenCommand.INTERRUPTED;
            }
        }
    }

    private static String cloneUrl(String template, Target target) {
        String path = target.id().path();
        int slash = path.lastIndexOf('/');
        return template.replace("{host}", target.id().host()).replace("{path}", path)
                .replace("{owner}", path.substring(0, slash)).replace("{name}", path.substring(slash + 1));
    }

    private static String summary(Map<State, Integer> counts) {
        return CampaignReport.summary(counts);
    }

    private static Campaign campaign(CommandModel model) {
        String file = model.get(CAMPAIGN);
        if (file == null) {
            throw new UserException("name the campaign file: harden bulk " + model.spec().name() + " CAMPAIGN.yaml");
        }
        try {
            return CampaignFile.load(Path.of(file));
        } catch (CampaignException e) {
            throw new UserException(e.getMessage());
        }
    }

    private static String token(CommandModel model, Campaign campaign, boolean required) {
        return PrCommand.token(System::getenv, campaign.forge(), model.get(PrCommand.TOKEN_FILE), required);
    }

    private static Path journal(Path option, Campaign campaign) {
        return option != null ? option : Path.of(campaign.name() + ".journal.jsonl");
    }

    private static Map<RepoId, Journal.Entry> replay(Path journal) {
        try {
            return java.nio.file.Files.exists(journal) ? Journal.replay(journal) : Map.of();
        } catch (CampaignException e) {
            throw new UserException(e.getMessage());
        }
    }

    /** The shard's plan: discovery (asking the forge only for an organisation, topic or group) against the journal. */
    private static BulkPlan plan(CommandModel model, Campaign campaign, String token, Map<RepoId, Journal.Entry> last,
                                 PrintWriter err) {
        try {
            Shard shard = Shard.choose(model.get(SHARD), System.getenv());
            Repositories lister = campaign.repositories().discovers() ? Repositories.of(campaign.forge(), campaign.api(), token,
                    Pace.standard(Duration.ZERO), line -> err.println("harden: " + dev.harden.report.Terminal.escape(line))) : null;
            Discovery.Result found = Discovery.run(campaign, lister);
            String only = model.get(ONLY);
            Journal.Selection selection = only == null ? Journal.Selection.UNFINISHED : switch (only) {
                case "failed" -> Journal.Selection.FAILED;
                case "all" -> Journal.Selection.ALL;
                default -> throw new UserException("--only: '" + only + "' is not one of failed, all");
            };
            BulkPlan plan = BulkPlan.of(campaign, found, last, shard, selection);
            boolean closed = last.values().stream().anyMatch(e -> e.state() == State.CLOSED);
            if (only == null && plan.toRun().isEmpty() && !plan.steps().isEmpty() && !closed) {
                // a scheduled re-run of a finished campaign: every repository again, nothing new where nothing changed;
                // a closed campaign stays closed
                plan = BulkPlan.of(campaign, found, last, shard, Journal.Selection.ALL);
            }
            return plan;
        } catch (CampaignException e) {
            throw new UserException(e.getMessage());
        } catch (ForgeException e) {
            throw new UserException(Redact.URLS.apply(e.getMessage()));
        }
    }

    private static dev.harden.engine.FileHardener hardener(Campaign campaign, Path tree, PrintWriter err) throws Work.Failed {
        String profile = campaign.profile();
        if (!Profile.BUILT_IN.contains(profile) && !Path.of(profile).isAbsolute() && campaign.file().getParent() != null) {
            profile = campaign.file().getParent().resolve(profile).toString();
        }
        try {
            return Options.forRepository(profile, tree, err).hardener();
        } catch (UserException e) {
            // the repository's own .harden.yaml (or its images file) is broken: a person must fix it there
            throw new Work.Failed(e.getMessage().replace(tree.toAbsolutePath() + "/", ""), false);
        }
    }
}
