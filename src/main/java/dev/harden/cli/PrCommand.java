package dev.harden.cli;

import dev.harden.engine.FileHardener;
import dev.harden.forge.Forge;
import dev.harden.forge.Pace;
import dev.harden.git.Credentials;
import dev.harden.git.GitException;
import dev.harden.git.GitRepo;
import dev.harden.git.Identity;
import dev.harden.pr.Bot;
import dev.harden.pr.Change;
import dev.harden.pr.Fetched;
import dev.harden.pr.Outcome;
import dev.harden.pr.Plan;
import dev.harden.pr.PrException;
import dev.harden.pr.Settings;
import dev.harden.pr.PrunedChange;
import dev.harden.report.Redact;
import dev.harden.report.Terminal;
import dev.harden.verify.VerifySession;
import dev.harden.verify.ServiceResults;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

/** {@code harden pr}: commits the fix on a branch, pushes it, and opens or updates one pull request. */
final class PrCommand implements Callable<Integer> {
    static final Option<String> CLONE = Option.text("URL",
            "Clone this repository (depth 1) instead of using the one PATH is in; PATH is then inside the clone.", "--clone");
    static final Option<String> REPO = Option.text("OWNER/NAME", "The repository on the forge (GitLab: GROUP/PROJECT).", "--repo");
    static final Option<String> FORGE = Option.textWithDefault("FORGE", "github",
            "github, gitlab or gitea (Forgejo too) (default: ${DEFAULT-VALUE}).", "--forge");
    static final Option<String> API_URL = Option.text("URL", "The forge's API: GitHub Enterprise https://HOST/api/v3,"
            + " GitLab https://HOST/api/v4, Gitea https://HOST/api/v1.", "--api-url");
    static final Option<String> BRANCH = Option.text("BRANCH", "The branch to push (default: harden/<profile>).", "--branch");
    static final Option<String> BASE = Option.text("BRANCH", "The branch to merge into (default: the remote's default branch).",
            "--base");
    static final Option<String> REMOTE = Option.textWithDefault("NAME", "origin",
            "The remote of a local repository to push to (default: ${DEFAULT-VALUE}).", "--remote");
    static final Option<Boolean> DRAFT = Option.flag("Open the pull request as a draft.", "--draft");
    static final Option<List<String>> LABEL = Option.repeatable("LABEL", "Add a label (repeatable).", "--label");
    static final Option<List<String>> REVIEWER = Option.repeatable("USER", "Ask a user for a review when opening (repeatable).",
            "--reviewer");
    static final Option<List<String>> ASSIGNEE = Option.repeatable("USER", "Assign a user when opening (repeatable).", "--assignee");
    static final Option<String> AUTHOR = Option.text("'NAME <EMAIL>'",
            "The commit's author (default: harden <harden@noreply.invalid>).", "--author");
    static final Option<String> COMMITTER = Option.text("'NAME <EMAIL>'",
            "The commit's committer (default: the author). harden knows its own commits by this address.", "--committer");
    static final Option<Boolean> FORCE = Option.flag("Replace the branch even when it has commits harden did not make.", "--force");
    static final Option<Path> TOKEN_FILE = Option.path("FILE", "Read the token from this file.", "--token-file");
    static final Option<Double> WRITE_INTERVAL = Option.decimal("SECONDS", "1",
            "The least time between two calls that change something on the forge (default: ${DEFAULT-VALUE}).", "--write-interval");
    static final Option<Integer> PUSH_ATTEMPTS = Option.integer("N", "3",
            "How many times to try a push the server refuses, waiting 2s, 4s, ... between (default: ${DEFAULT-VALUE}).",
            "--push-attempts");
    static final Option<Boolean> VERIFY = Option.flag("Start each changed service before and after on the local Docker engine,"
            + " leave out of the commit the changes that stop one from starting, and say so in the body (see 'harden verify').",
            "--verify");
    static final Option<Boolean> DRY_RUN = Option.flag(
            "Print the patch and the pull request harden would open; push and open nothing.", "--dry-run");

    final CommandModel model = Options.declare(CommandModel.of(this, "pr",
                    "Commit the fix on a branch, push it, and open or update one pull request.",
                    "The branch is harden/<profile>. A re-run with the same change pushes nothing and opens nothing;",
                    "a different change updates the same pull request. A branch with commits harden",
                    "did not make is left alone (unless --force), and a pull request closed without",
                    "merging is not proposed again until the change differs.",
                    "The token comes from --token-file, else HARDEN_TOKEN, else GITHUB_TOKEN,",
                    "GITLAB_TOKEN or GITEA_TOKEN; it is never printed. Prints the pull request's URL",
                    "and whether it was opened, updated or left as it was.",
                    "Exit 0 when done, 2 on bad usage, 4 when git or the forge refused."))
            .with(CLONE, REPO, FORGE, API_URL, BRANCH, BASE, REMOTE, DRAFT, LABEL, REVIEWER, ASSIGNEE, AUTHOR, COMMITTER, FORCE,
                    TOKEN_FILE, WRITE_INTERVAL, PUSH_ATTEMPTS, VERIFY, VerifyOptions.DOCKER_HOST, VerifyOptions.ENV,
                    VerifyOptions.ALLOW_HOST_ACCESS, VerifyOptions.NO_REPAIR, DRY_RUN);

    private Options options;
    private String cloneUrl;
    private String repo;
    private String forge;
    private String apiUrl;
    private String base;
    private String remote;
    private double writeInterval;
    private boolean verify;
    private String dockerHost;
    private boolean dryRun;

    @Override
    public Integer call() {
        options = Options.read(model);
        cloneUrl = model.get(CLONE);
        repo = model.get(REPO);
        forge = model.get(FORGE);
        apiUrl = model.get(API_URL);
        base = model.get(BASE);
        remote = model.get(REMOTE);
        writeInterval = model.get(WRITE_INTERVAL);
        verify = model.get(VERIFY);
        dockerHost = model.get(VerifyOptions.DOCKER_HOST);
        options.dockerHost = dockerHost;
        dryRun = model.get(DRY_RUN);
        VerifyOptions.requireVerify(model, verify);
        Forge.Kind kind = kind();
        if (!dryRun && (repo == null || repo.isBlank())) {
            throw new UserException("--repo OWNER/NAME is required: the repository on the forge to open the pull request in");
        }
        if (repo != null) {
            try {
                Forge.checkRepository(repo);
            } catch (IllegalArgumentException e) {
                throw new UserException(Redact.URLS.apply(e.getMessage()));
            }
        }
        String token = token(System::getenv, kind, model.get(TOKEN_FILE), !dryRun);
        // One redaction for every path out: the token and anything a --clone URL carries as user or password.
        Redact redact = Redact.of(token).andUserinfoOf(cloneUrl);
        PrintWriter out = RedactingWriter.over(model.out(), redact);
        PrintWriter err = RedactingWriter.over(model.err(), redact);
        try {
            return run(out, err, kind, token, redact);
        } catch (GitException | PrException e) {
            log(err, e.getMessage());
            return HardenCommand.REMOTE;
        } catch (UserException e) {
            throw new UserException(redact.apply(e.getMessage()));
        } catch (RuntimeException e) {
            // An internal error's text may quote a URL or an answer: it leaves with the token masked.
            RuntimeException safe = new IllegalStateException(redact.apply(e.toString()));
            safe.setStackTrace(e.getStackTrace());
            throw safe;
        } finally {
            out.close();
            err.close();
        }
    }

    private int run(PrintWriter out, PrintWriter err, Forge.Kind kind, String token, Redact redact)
            throws GitException, PrException {
        URI api = api(kind);
        Settings settings = settings();
        Credentials credentials = token == null ? null : new Credentials(kind.gitUsername(), token);
        // --verify starts services, whose build contexts and mounted files only a whole tree holds
        Fetched fetched = cloneUrl == null ? null
                : Fetched.fetch(cloneUrl, base, credentials, options.limits().maxBytes(), named(), verify);
        try (GitRepo git = fetched != null ? fetched.git() : GitRepo.open(options.paths().get(0), remote, credentials)) {
            List<Path> targets = targets(git);
            options.paths = targets;
            FileHardener hardener = options.hardener();
            Change change = fetched != null ? fetched.change(hardener, targets)
                    : Change.compute(hardener, git.workTree(), targets);
            change.unreadable().forEach(u -> err.println(Terminal.escape(u)));
            String verification = null;
            if (verify && !change.isEmpty()) {
                PrunedChange verified;
                try {
                    verified = verify(change, git.workTree(), hardener, err);
                } catch (VerifyStopped e) {
                    return e.code;
                }
                change = verified.change();
                verification = verified.section();
            }
            change = change.withLockFile(git.workTree(), options.lockFile,
                    options.pins.lock().changed() ? options.pins.lock().render() : null);
            Plan planned = Plan.of(change, settings, verification);
            // What goes to the forge and into the commit is redacted like what goes to the terminal.
            Plan plan = new Plan(planned.change(), planned.branch(), redact.apply(planned.title()),
                    redact.apply(planned.body()), redact.apply(planned.commitMessage()));
            if (dryRun) {
                out.print(change.patch());
                if (change.isEmpty()) {
                    err.println("profile " + change.profile() + " finds nothing to fix: harden pr would open nothing");
                } else {
                    out.println();
                    out.println("# harden pr would push branch " + plan.branch() + " and open or update this pull request"
                            + " into " + (base == null ? "the default branch" : base) + ":");
                    out.println("# " + plan.title());
                    out.println();
                    out.print(plan.body());
                }
                out.flush();
                err.flush();
                return HardenCommand.CLEAN;
            }
            Forge client = Forge.of(kind, api, repo, token,
                    Pace.standard(Duration.ofMillis(Math.round(writeInterval * 1000))), line -> log(err, line));
            Outcome outcome = new Bot(client, Thread::sleep, line -> log(err, line)).publish(git, plan, settings);
            out.println(outcome.action().label() + (outcome.url() == null ? "" : ": " + Terminal.escape(outcome.url())));
            log(err, outcome.detail());
            out.flush();
            err.flush();
            return HardenCommand.CLEAN;
        }
    }

    private PrunedChange verify(Change change, Path workTree, FileHardener hardener, PrintWriter err) {
        String host = dockerHost != null ? dockerHost : VerifySession.defaultHost();
        VerifySession.Settings settings = VerifyOptions.settings(model, VerifySession.Settings.defaults());
        try (VerifySession session = VerifySession.connect(host, hardener, options.images(options.repoConfig()), settings)) {
            List<String> refused = PrunedChange.refusals(change, workTree, session);
            if (!refused.isEmpty()) {
                throw new VerifyStopped(VerifyOptions.refused(refused, "nothing was started, committed or pushed", err));
            }
            if (session.engine().isEmpty()) {
                log(err, "--verify: " + session.engineProblem() + "; the change is not verified");
            }
            PrunedChange.Attempt verification = PrunedChange.of(change, workTree, session);
            switch (verification.verification().ending()) {
                case INTERRUPTED -> {
                    // said before the session closes: on Ctrl-C the JVM ends soon after
                    log(err, "interrupted: verify removed the containers it started; nothing was committed or pushed");
                    throw new VerifyStopped(HardenCommand.INTERRUPTED);
                }
                case HOST_ACCESS_REFUSED -> throw new VerifyStopped(VerifyOptions.refused(verification.verification().refused(),
                        "verify stopped; nothing was committed or pushed", err));
                default -> { }
            }
            PrunedChange verified = verification.change();
            verified.results().stream().filter(r -> r.repair() != null).forEach(r -> log(err, "repaired " + r.file() + ": " + r.service()
                    + ": " + r.repair().summary() + "; facts: " + r.repair().facts()));
            VerifyOptions.keepLearned(verified.results(), options, line -> log(err, line));
            verified.leftOut().forEach(d -> log(err, "left out " + d + ": it stopped the service from starting"));
            log(err, ServiceResults.summary(verified.results()) + session.engine().map(e -> " on " + e).orElse(""));
            return verified;
        }
    }

    /** Verify ended the command before anything was committed; {@code code} is its exit code. */
    private static final class VerifyStopped extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int code;

        VerifyStopped(int code) {
            super(null, null, false, false);
            this.code = code;
        }
    }

    /** One line of progress or failure; text from the repository or the forge cannot steer the terminal. */
    private static void log(PrintWriter err, String line) {
        err.println("harden: " + Terminal.escape(line));
        err.flush();
    }

    /** The paths named inside a clone, as repository paths: written out even when a search would pass them by. */
    private List<String> named() {
        List<String> named = new ArrayList<>();
        for (Path p : options.paths) {
            if (!p.isAbsolute() && !p.normalize().startsWith("..")) {
                named.add(p.normalize().toString().replace('\\', '/'));
            }
        }
        return named;
    }

    private List<Path> targets(GitRepo git) {
        if (cloneUrl == null) {
            return options.paths();
        }
        List<Path> inside = new ArrayList<>();
        for (Path p : options.paths) {
            if (p.isAbsolute() || p.normalize().startsWith("..")) {
                throw new UserException(p + ": with --clone, name paths inside the repository, such as deploy/");
            }
            inside.add(git.workTree().resolve(p).normalize());
        }
        return inside.isEmpty() ? List.of(git.workTree()) : inside;
    }

    private Forge.Kind kind() {
        try {
            return Forge.Kind.parse(forge);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
    }

    private URI api(Forge.Kind kind) {
        String url = apiUrl != null ? apiUrl : kind.defaultApi();
        if (url == null) {
            throw new UserException("--forge " + forge + " needs --api-url, such as https://git.example.com/api/v1");
        }
        try {
            URI uri = new URI(url);
            if (uri.getHost() == null || !List.of("http", "https").contains(String.valueOf(uri.getScheme()))) {
                throw new UserException("--api-url must be an http(s) URL, not '" + Terminal.escape(Redact.URLS.apply(url)) + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new UserException("--api-url is not a URL: '" + Terminal.escape(Redact.URLS.apply(url)) + "'");
        }
    }

    private Settings settings() {
        try {
            String author = model.get(AUTHOR);
            String committer = model.get(COMMITTER);
            Identity a = author == null ? Identity.HARDEN : Identity.parse(author);
            Identity c = committer == null ? a : Identity.parse(committer);
            return new Settings(model.get(BRANCH), base, a, c, model.get(DRAFT), model.get(LABEL), model.get(REVIEWER),
                    model.get(ASSIGNEE), model.get(FORCE), model.get(PUSH_ATTEMPTS));
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
    }

    /**
     * The token: from the file, else {@code HARDEN_TOKEN}, else the forge's usual variable.
     *
     * @param env how to read an environment variable
     * @param required whether a missing token is an error
     */
    static String token(Function<String, String> env, Forge.Kind kind, Path file, boolean required) {
        if (file != null) {
            try {
                String t = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (t.isEmpty()) {
                    throw new UserException(file + " is empty: put the token in it");
                }
                return t;
            } catch (IOException e) {
                throw new UserException("cannot read the token file " + file + " (" + e.getClass().getSimpleName() + ")");
            }
        }
        for (String name : List.of("HARDEN_TOKEN", kind.tokenVariable())) {
            String t = env.apply(name);
            if (t != null && !t.isBlank()) {
                return t.strip();
            }
        }
        if (required) {
            throw new UserException("no token: set HARDEN_TOKEN or " + kind.tokenVariable() + ", or use --token-file FILE");
        }
        return null;
    }
}
