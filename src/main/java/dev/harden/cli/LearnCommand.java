package dev.harden.cli;

import dev.harden.engine.AtomicWrite;
import dev.harden.image.ImageFactsSource;
import dev.harden.image.ImageRef;
import dev.harden.image.LockFile;
import dev.harden.image.Pins;
import dev.harden.profile.RepoConfig;
import dev.harden.verify.LearnReport;
import dev.harden.verify.LearnSession;
import dev.harden.verify.VerifyInterrupted;
import dev.harden.verify.VerifySession;
import dev.harden.yaml.FileRead;
import dev.harden.yaml.Limits;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code harden learn}: starts one image or service on the local engine and learns what it needs to run hardened. */
final class LearnCommand implements Callable<Integer> {
    /** What {@code --format} may be. */
    enum Format { TEXT, JSON }

    static final Option<String> TARGET = Option.positional("IMAGE|FILE[:SERVICE]",
            "A local image, or a Compose file or Kubernetes manifest and the service (container) in it to start.");
    static final Option<Format> FORMAT = Option.format(Format.class, "text or json (default: ${DEFAULT-VALUE}).");
    static final Option<String> DOCKER_HOST = VerifyOptions.DOCKER_HOST.describedAs(
            "The engine's socket (default: DOCKER_HOST, else unix:///var/run/docker.sock).");
    static final Option<Integer> MAX_TRIALS = Option.integer("N", "16",
            "At most this many hardened variants are started (default: ${DEFAULT-VALUE}).", "--max-trials");
    static final Option<Integer> TIMEOUT = Option.integer("SECONDS", "30",
            "How long a variant may take to answer on a port the original listened on (default: ${DEFAULT-VALUE}).", "--timeout");
    static final Option<Integer> SETTLE = Option.integer("SECONDS", "5",
            "How long a variant without a port to try must stay up (default: ${DEFAULT-VALUE}).", "--settle");
    static final Option<Boolean> LOCK = Option.flag(
            "Also record the learned facts in the repository's lock file (.harden.lock beside .harden.yaml), for"
                    + " check and fix in every --image-facts mode.", "--lock");

    final CommandModel model = CommandModel.of(this, "learn",
                    "Learn what an image or service needs by starting it on the local Docker engine.",
                    "The image (as its config says) or the Compose service or Kubernetes container (as verify starts it)",
                    "is started as written, and harden records the paths it writes, the uids, capabilities and ports of",
                    "its processes; then it starts hardened variants, strongest first: cap_drop ALL with nothing added,",
                    "then the fewest capabilities added back, no-new-privileges, a read-only root with a tmpfs or volume",
                    "where it writes, a pids limit; each start is reported as it ends. The strongest variant that runs",
                    "as well as the original becomes the image's facts (evidence: learned), kept in the facts cache by",
                    "image digest and, with --lock, in .harden.lock, where check and fix find them. Nothing is pulled",
                    "or published, and every container is removed afterwards, also on Ctrl-C.",
                    "Exit 0 when facts were learned, 1 when the service as written does not run, 2 on bad input",
                    "(no engine, an image that is not local), 130 when interrupted.")
            .with(TARGET, FORMAT, DOCKER_HOST, MAX_TRIALS, TIMEOUT, SETTLE, LOCK);

    @Override
    public Integer call() {
        PrintWriter out = model.out();
        PrintWriter err = model.err();
        String target = model.get(TARGET);
        if (target == null || target.isBlank()) {
            throw new UserException("name an image or FILE[:SERVICE] to learn, such as 'harden learn postgres:16' or"
                    + " 'harden learn compose.yaml:db'");
        }
        int timeout = model.get(TIMEOUT);
        int settle = model.get(SETTLE);
        int maxTrials = model.get(MAX_TRIALS);
        if (timeout < 1 || settle < 0 || maxTrials < 1) {
            throw new UserException("--timeout and --max-trials must be at least 1 and --settle not negative");
        }
        String host = model.get(DOCKER_HOST) != null ? model.get(DOCKER_HOST) : VerifySession.defaultHost();
        Path file = file(target);
        if (file == null && looksLikeFile(target)) {
            throw new UserException(dev.harden.report.Terminal.escape(target) + ": no such file (name an image, or FILE[:SERVICE])");
        }
        Options options = Options.forRepository(null, file != null ? file : Path.of("."), err);
        RepoConfig cfg = options.repoConfig();
        VerifySession.Settings settings = new VerifySession.Settings(Duration.ofSeconds(timeout), Duration.ofSeconds(settle), 20);
        LearnSession.Result result;
        try (LearnSession session = LearnSession.connect(host, settings, maxTrials, line -> {
            err.println(dev.harden.report.Terminal.escape("harden: " + line));
            err.flush();
        })) {
            if (file == null) {
                result = session.image(target);
            } else {
                String service = target.length() > file.toString().length() ? target.substring(file.toString().length() + 1) : null;
                byte[] bytes;
                try {
                    bytes = FileRead.read(file, Limits.DEFAULT.maxBytes());
                } catch (IOException e) {
                    throw new UserException(file + ": cannot read it (" + e.getMessage() + ")");
                }
                result = session.service(file, bytes, service, options.loadProfile(cfg).podSpecPaths());
            }
        } catch (LearnSession.Refused e) {
            throw new UserException(e.getMessage());
        } catch (VerifyInterrupted e) {
            err.println("harden: interrupted: learn removed the containers it started and recorded nothing");
            err.flush();
            return HardenCommand.INTERRUPTED;
        }
        List<String> recorded = result.facts() == null ? List.of() : record(result, options, cfg, file, err);
        out.print(model.get(FORMAT) == Format.JSON ? LearnReport.json(result, recorded) : LearnReport.text(result));
        out.flush();
        err.flush();
        return result.facts() == null ? HardenCommand.FINDINGS : HardenCommand.CLEAN;
    }

    /** The file a target names ({@code compose.yaml}, {@code k8s/db.yaml:postgres}), or null for an image. */
    private static Path file(String target) {
        if (Files.isRegularFile(Path.of(target))) {
            return Path.of(target);
        }
        int colon = target.lastIndexOf(':');
        if (colon > 0 && Files.isRegularFile(Path.of(target.substring(0, colon)))) {
            return Path.of(target.substring(0, colon));
        }
        return null;
    }

    /** A path no image reference is written like: a manifest's extension, or a leading {@code /} or {@code .}. */
    private static boolean looksLikeFile(String target) {
        String path = target.matches(".*\\.(ya?ml|json):[^/:]+") ? target.substring(0, target.lastIndexOf(':')) : target;
        return path.matches(".*\\.(ya?ml|json)") || path.startsWith("/") || path.startsWith(".");
    }

    /** Keeps the facts in the user's cache, and with --lock in the repository's lock file; where each went. */
    private List<String> record(LearnSession.Result result, Options options, RepoConfig cfg, Path file, PrintWriter err) {
        List<String> recorded = new ArrayList<>();
        ImageRef ref = ImageRef.parse(result.image()).orElse(null);
        if (ref == null) {
            err.println("harden: " + result.image() + " is not an image reference harden can record facts for");
            return recorded;
        }
        ImageFactsSource cache = new ImageFactsSource(null, Pins.none(), ImageFactsSource.defaultCache(System.getenv()),
                line -> err.println(dev.harden.report.Terminal.escape("harden: " + line)));
        cache.remember(ref, result.digest(), result.facts()).ifPresent(p -> {
            recorded.add(p.toString());
            err.println("harden: recorded the learned facts in " + p);
        });
        if (model.get(LOCK)) {
            Pins pins = options.pins(cfg);
            pins.lock().putLearned(result.digest(), ref.name() + ":" + ref.effectiveTag(), result.facts());
            Path lockFile = options.lockFile;
            try {
                if (Files.exists(lockFile)) {
                    AtomicWrite.write(lockFile, pins.lock().render());
                } else {
                    Path like = file != null ? file : cfg.folder() != null ? cfg.folder().resolve(RepoConfig.FILE_NAME) : null;
                    AtomicWrite.create(lockFile, pins.lock().render(), like != null && Files.exists(like) ? like : null);
                }
                recorded.add(lockFile.toString());
                err.println("harden: recorded the learned facts in " + lockFile);
            } catch (IOException e) {
                throw new UserException(lockFile + ": cannot write the lock file (" + e.getMessage() + ")");
            }
        }
        return recorded;
    }
}
