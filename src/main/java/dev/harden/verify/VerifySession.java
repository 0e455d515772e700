package dev.harden.verify;

import dev.harden.engine.Hardened;
import dev.harden.engine.FileHardener;
import dev.harden.image.ImageFacts;
import dev.harden.image.ImageKnowledge;
import dev.harden.image.ImageRef;
import dev.harden.manifest.ComposeFile;
import dev.harden.manifest.ComposeService;
import dev.harden.manifest.KubernetesFile;
import dev.harden.manifest.Workload;
import dev.harden.report.FileReport;
import dev.harden.report.Finding;
import dev.harden.rule.Rules;
import dev.harden.yaml.Limits;
import dev.harden.yaml.YamlException;
import dev.harden.yaml.YamlFile;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Proves on a real engine that hardening kept each Compose service and each Kubernetes container
 * running: starts the original and the hardened variant one at a time, compares how far each got,
 * and when the hardened one did worse finds the rules to blame by starting it again with their
 * changes reverted.
 */
public final class VerifySession implements AutoCloseable {
    /** The reason a rule's change is reverted while looking for the culprit. */
    static final String REVERTED = "reverted by harden verify to find what broke the service";
    private static final String DEFAULT_HOST = "unix:///var/run/docker.sock";
    /** The most hardened variants one repair's search starts (its reference start not counted). */
    static final int REPAIR_TRIALS = 10;
    /**
     * How long to wait, how much to keep, and what a manifest may use.
     *
     * @param timeout how long a service may take to answer on a port or become healthy
     * @param settle how long a service without healthcheck or known port must stay up to count as running
     * @param logLines how many of its last log lines to keep
     * @param env variables given with {@code --env}: they fill {@code ${VAR}} over the project's {@code .env};
     *            harden's own environment never does
     * @param allowHostAccess start services that are privileged, use host namespaces, devices or capabilities
     *            beyond Docker's defaults, or mount the engine's socket or host paths outside the project
     * @param repair when hardening stops a service, learn what it needs and try to keep the hardening before
     *            leaving a change out ({@code --no-repair} turns it off: fewer starts)
     */
    public record Settings(Duration timeout, Duration settle, int logLines, Map<String, String> env, boolean allowHostAccess,
                           boolean repair) {
        public Settings {
            if (timeout.isNegative() || timeout.isZero() || settle.isNegative() || logLines < 1) {
                throw new IllegalArgumentException("timeout must be positive, settle not negative, logLines at least 1: "
                        + timeout + ", " + settle + ", " + logLines);
            }
            env = Map.copyOf(env);
        }

        public Settings(Duration timeout, Duration settle, int logLines) {
            this(timeout, settle, logLines, Map.of(), false, true);
        }

        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(60), Duration.ofSeconds(5), 20);
        }

        /** These settings with {@code --env} variables and the {@code --allow-host-access} choice. */
        public Settings with(Map<String, String> variables, boolean allow) {
            return new Settings(timeout, settle, logLines, variables, allow, repair);
        }

        /** These settings, repairing before retreating or not. */
        public Settings withRepair(boolean on) {
            return new Settings(timeout, settle, logLines, env, allowHostAccess, on);
        }
    }

    /**
     * One file's fix and what verify found.
     *
     * @param subjects for each result, the subject exemptions name: the Compose service, or the workload's {@code Kind/name}
     */
    private record Checked(FileReport report, List<ServiceResult> results, List<String> subjects) { }

    /**
     * One thing verify starts: a Compose service, or one container of a Kubernetes workload.
     *
     * @param name how results name it
     * @param subject the subject whose rules are reverted to find the culprit
     * @param image the image reference, or null when there is none to start
     * @param missing why it cannot be started when {@code image} is null
     * @param findingSubjects the subjects of the findings whose changes touch it
     * @param launch how to start it from the bytes of one variant of the file, given the local image
     */
    private record Unit(String name, String subject, String image, String missing, Set<String> findingSubjects,
                        BiFunction<byte[], Engine.Image, Launch> launch, Path project) {
        /** The rules whose changes in this variant of the file touch it. */
        List<String> changes(FileReport report) {
            return VerifySession.changes(report, findingSubjects);
        }
    }

    /**
     * What verify made of one unit.
     *
     * @param result the verdict
     * @param repaired the file hardened again with facts learned for this unit's image, when that repaired it; else null
     * @param verified the hardened variant the verdict is about, or null when none was compared
     * @param local the local image it was started from, or null
     */
    private record Verdict(ServiceResult result, FileReport repaired, Launch verified, Engine.Image local) { }

    /** Replaced when a repair keeps facts learned in this run: later files and services are hardened with them. */
    private FileHardener hardener;
    private final ImageKnowledge images;
    private final Engine engine;
    private final String engineName;
    private final String engineProblem;
    private final Settings settings;
    private final Redaction redaction;
    private final HostAccess access;
    private Starter starter;
    /** What verify learns from an original start to repair a hardening that stopped it; null: no repair, retreat at once. */
    private BiFunction<ContainerSpec, Engine.Image, Repairs.Learned> learning;

    /**
     * @param engine the engine, or null when there is none to use
     * @param where the engine's address, for messages
     * @param refusal why there is no engine, when {@code engine} is null; else null
     * @param hardenEnvironment harden's own environment: read only to mask its secrets in what verify shows,
     *                          never to fill a manifest's variables or a container's environment
     */
    VerifySession(FileHardener hardener, ImageKnowledge images, Engine engine, String where, String refusal, Settings settings,
             Map<String, String> hardenEnvironment) {
        this.hardener = hardener;
        this.images = images;
        this.settings = settings;
        this.redaction = Redaction.of(settings.env(), hardenEnvironment);
        this.access = new HostAccess(where != null && where.startsWith("unix://") ? Path.of(where.substring("unix://".length())) : null);
        String name = null;
        String problem = null;
        if (engine != null) {
            try {
                name = engine.version() + " at " + where;
            } catch (IOException | RuntimeException e) {
                problem = "no Docker engine answers at " + where + " (" + e.getMessage() + ")";
            }
        }
        this.engine = name == null ? null : engine;
        this.engineName = name;
        this.learning = this.engine == null || !settings.repair() ? null
                : (original, local) -> Repairs.learn(new Learner(starter(), this.engine, REPAIR_TRIALS, line -> { }), this.engine,
                        original, local);
        this.engineProblem = engine == null ? (refusal != null ? refusal : "no Docker engine at " + where) : problem;
    }

    /**
     * A verifier talking to the engine at {@code dockerHost} ({@code unix:///path}). Without an engine
     * there it still answers, with every service it cannot tell about.
     */
    public static VerifySession connect(String dockerHost, FileHardener hardener, ImageKnowledge images, Settings settings) {
        try {
            return new VerifySession(hardener, images, DockerEngine.at(dockerHost), dockerHost, null, settings, System.getenv());
        } catch (IllegalArgumentException e) {
            return new VerifySession(hardener, images, null, dockerHost, "cannot use " + dockerHost + ": " + e.getMessage(),
                    settings, System.getenv());
        }
    }

    /** {@code DOCKER_HOST}, else Docker's default socket. */
    public static String defaultHost() {
        String env = System.getenv("DOCKER_HOST");
        return env == null || env.isBlank() ? DEFAULT_HOST : env;
    }

    /**
     * Removes every container, volume and network any verify run left behind (a killed JVM cannot
     * run its shutdown hook); returns how many.
     */
    public static int cleanUp(String dockerHost) throws IOException {
        return DockerEngine.at(dockerHost).removeLabelled(Starter.LABEL, null);
    }

    /** The engine, e.g. {@code Docker Engine 20.10.24 at unix:///var/run/docker.sock}, or empty without one. */
    public Optional<String> engine() {
        return Optional.ofNullable(engineName);
    }

    /** Why there is no engine, or null. */
    public String engineProblem() {
        return engineProblem;
    }

    /** Repairs with this search instead of the engine's trials (tests); null: no repair, retreat at once. */
    void learnWith(BiFunction<ContainerSpec, Engine.Image, Repairs.Learned> search) {
        this.learning = search;
    }

    /** Which of a run's files verify starts, and what it makes of them. */
    public enum Mode {
        /** {@code harden verify}: every Compose file and Kubernetes manifest, for its results. */
        RESULTS,
        /** {@code fix --verify}, {@code pr --verify}: every changed one, fixed again without what stopped a service. */
        LEAVE_OUT_BREAKAGE
    }

    /**
     * What verify would refuse to start in a run's files without host access allowed, one line each
     * ({@link #refusals(Path, String, byte[])}); ask before {@link #verify(List, Mode)}, which starts containers.
     */
    public List<String> refusals(List<Hardened> files, Mode mode) {
        List<String> out = new ArrayList<>();
        for (Hardened file : files) {
            if (started(file.report(), mode)) {
                out.addAll(refusals(file.path(), file.report().file(), file.report().original()));
            }
        }
        return out;
    }

    /**
     * Verifies a run's files one after the other: the one loop of {@code harden verify},
     * {@code fix --verify} and {@code pr --verify}. Files verify does not start keep their report.
     */
    public Verification verify(List<Hardened> files, Mode mode) {
        List<Hardened> out = new ArrayList<>(files);
        List<ServiceResult> results = new ArrayList<>();
        List<LeftOut> leftOut = new ArrayList<>();
        try {
            for (int i = 0; i < out.size(); i++) {
                Hardened file = out.get(i);
                FileReport report = file.report();
                if (!started(report, mode)) {
                    continue;
                }
                if (mode == Mode.RESULTS) {
                    results.addAll(verify(file.path(), report.file(), report.original()));
                } else {
                    PrunedFix fix = fix(file.path(), report.file(), report.original());
                    out.set(i, file.with(fix.report()));
                    results.addAll(fix.results());
                    leftOut.addAll(fix.leftOut());
                }
            }
        } catch (VerifyInterrupted e) {
            return Verification.stopped(Verification.Ending.INTERRUPTED, List.of());
        } catch (HostAccessRefused e) {
            return Verification.stopped(Verification.Ending.HOST_ACCESS_REFUSED, e.problems());
        }
        if (interrupted()) {
            return Verification.stopped(Verification.Ending.INTERRUPTED, List.of());
        }
        return new Verification(out, results, leftOut, Verification.Ending.FINISHED, List.of());
    }

    private static boolean started(FileReport report, Mode mode) {
        return report.checked() && (mode == Mode.RESULTS || report.changed());
    }

    /** Hardens one file and starts each of its Compose services and Kubernetes containers before and after. */
    List<ServiceResult> verify(Path path, String name, byte[] bytes) {
        return check(path, name, bytes).results();
    }

    /**
     * Hardens one file, verifies it, and hardens it again without the changes that broke a service:
     * the culprits when they were found, else every change to that service (for Kubernetes, to the
     * workload whose container broke). For {@code harden fix --verify} and {@code harden pr --verify}.
     */
    PrunedFix fix(Path path, String name, byte[] bytes) {
        Checked checked = check(path, name, bytes);
        if (interrupted()) {
            throw new VerifyInterrupted("interrupted while verifying " + name);
        }
        Map<String, Set<String>> drop = new LinkedHashMap<>();
        Map<String, String> lines = new LinkedHashMap<>();
        List<LeftOut> dropped = new ArrayList<>();
        for (int i = 0; i < checked.results().size(); i++) {
            ServiceResult r = checked.results().get(i);
            if (r.outcome() == ServiceResult.Outcome.BROKEN_BY_HARDENING) {
                List<String> rules = r.culprits().isEmpty() ? r.changes() : r.culprits();
                String subject = checked.subjects().get(i);
                drop.computeIfAbsent(subject, k -> new LinkedHashSet<>()).addAll(rules);
                lines.putIfAbsent(subject, r.logLine());
                dropped.add(new LeftOut(name, r.service(), rules, r.logLine()));
            }
        }
        if (drop.isEmpty()) {
            return new PrunedFix(checked.report(), checked.results(), List.of());
        }
        FileReport report = hardener.process(path, name, bytes, true, (rule, subject) ->
                drop.getOrDefault(subject, Set.of()).contains(rule)
                        ? "harden verify: this change stopped " + subject + " from starting (" + lines.get(subject) + ")" : null);
        return new PrunedFix(report, checked.results(), dropped);
    }

    /**
     * What verify would refuse to start in this file unless host access is allowed, one
     * {@code name:line: service: what it asks for} each; empty when allowed. Check every file first
     * so that nothing starts when any of them is refused.
     */
    List<String> refusals(Path path, String name, byte[] bytes) {
        if (settings.allowHostAccess()) {
            return List.of();
        }
        YamlFile yaml;
        try {
            yaml = YamlFile.parse(bytes, Limits.DEFAULT.withMaxBytes(Long.MAX_VALUE));
        } catch (YamlException e) {
            return List.of(); // the hardener reports it, and nothing is started for it
        }
        List<HostAccess.Problem> problems = new ArrayList<>();
        Optional<ComposeFile> compose = ComposeFile.detect(yaml);
        if (compose.isPresent()) {
            Path folder = path.toAbsolutePath().getParent();
            Map<String, String> variables = ComposeTranslation.variables(folder, settings.env(), false);
            redaction.addAll(variables);
            problems.addAll(access.compose(compose.get(), folder, new ComposeTranslation(folder, variables, false, new Redaction())));
        } else {
            KubernetesFile.detect(yaml).ifPresent(k -> problems.addAll(access.kubernetes(yaml, k.workloads(hardener.profile().podSpecPaths()))));
        }
        return problems.stream().map(p -> redaction.line(name + ":" + p.line() + ": " + p.subject() + ": " + p.reason(),
                3 * Redaction.MAX_LENGTH)).toList();
    }

    private Checked check(Path path, String name, byte[] bytes) {
        List<String> refused = refusals(path, name, bytes);
        if (!refused.isEmpty()) {
            throw new HostAccessRefused(refused);
        }
        FileReport report = hardener.process(path, name, bytes, true);
        List<Unit> units = !report.checked() ? List.of() : switch (report.kind()) {
            case COMPOSE -> composeUnits(path, bytes);
            case KUBERNETES -> kubernetesUnits(bytes);
            default -> List.of();
        };
        List<Verdict> verdicts = new ArrayList<>();
        for (Unit unit : units) {
            Verdict v = verifyUnit(path, name, bytes, report, unit);
            verdicts.add(v);
            report = v.repaired() != null ? v.repaired() : report;
        }
        // A repair hardens the whole file again: a unit verified before it whose variant that changed
        // (the same image, say) is verified once more, so that no verdict is about bytes that will not be written.
        for (int i = 0; i < units.size(); i++) {
            Verdict v = verdicts.get(i);
            if (v.verified() != null && !v.verified().equals(launch(units.get(i), variant(report, bytes), v.local()))) {
                Verdict again = verifyUnit(path, name, bytes, report, units.get(i));
                verdicts.set(i, again);
                report = again.repaired() != null ? again.repaired() : report;
            }
        }
        List<ServiceResult> results = new ArrayList<>();
        List<String> subjects = new ArrayList<>();
        for (int i = 0; i < units.size(); i++) {
            results.add(redacted(verdicts.get(i).result()));
            subjects.add(units.get(i).subject());
        }
        return new Checked(report, results, subjects);
    }

    private static byte[] variant(FileReport report, byte[] original) {
        return report.changed() ? report.fixed() : original;
    }

    /** How a unit starts from one variant of its file, or null when it cannot be turned into container options. */
    private static Launch launch(Unit unit, byte[] variant, Engine.Image local) {
        try {
            return unit.launch().apply(variant, local);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private List<Unit> composeUnits(Path path, byte[] bytes) {
        Path folder = path.toAbsolutePath().getParent();
        Map<String, String> variables = ComposeTranslation.variables(folder, settings.env(), settings.allowHostAccess());
        redaction.addAll(variables);
        ComposeTranslation translation = new ComposeTranslation(folder, variables, settings.allowHostAccess(), redaction);
        List<Unit> units = new ArrayList<>();
        for (ComposeService service : compose(bytes).services()) {
            if (service.isFragment()) {
                continue;
            }
            String n = service.name();
            String image = translation.interpolate(service.image());
            boolean none = image == null || image.isBlank();
            ImageFacts facts = none ? null : facts(image);
            units.add(new Unit(n, n, none ? null : image,
                    "it is built from source (build:) and names no image; build it and set image: to verify it", Set.of(n),
                    (variant, local) -> Launch.of(translation.translate(compose(variant).service(n).orElseThrow(), facts)), folder));
        }
        return units;
    }

    /** One unit per container the kubelet starts with the pod (init containers too, each on its own). */
    private List<Unit> kubernetesUnits(byte[] bytes) {
        List<Unit> units = new ArrayList<>();
        List<Workload> workloads = workloads(bytes);
        for (int w = 0; w < workloads.size(); w++) {
            Workload workload = workloads.get(w);
            List<Workload.Container> containers = started(workload);
            for (int k = 0; k < containers.size(); k++) {
                Workload.Container container = containers.get(k);
                String label = workload.label();
                String n = label + "/" + container.name();
                int wi = w;
                int ki = k;
                String image = container.image().filter(i -> !i.isBlank()).orElse(null);
                ImageFacts facts = image == null ? null : facts(image);
                units.add(new Unit(n, label, image, "it names no image", Set.of(n, label),
                        (variant, local) -> {
                            Workload vw = workloads(variant).get(wi);
                            Workload.Container vc = started(vw).get(ki);
                            if (!vw.label().equals(label) || !vc.name().equals(container.name())) {
                                throw new IllegalStateException("hardening moved " + n + " to " + vw.label() + "/" + vc.name());
                            }
                            return KubernetesTranslation.translate(vw, vc, n, facts, local);
                        }, null));
            }
        }
        return units;
    }

    /** Ephemeral containers are only ever added to a running pod for debugging. */
    private static List<Workload.Container> started(Workload workload) {
        return workload.containers().stream().filter(c -> !c.field().equals("ephemeralContainers")).toList();
    }

    private static List<String> changes(FileReport report, Set<String> subjects) {
        return report.findings().stream()
                .filter(f -> f.status() == Finding.Status.FIXED && subjects.contains(f.subject()))
                .map(Finding::ruleId).distinct().toList();
    }

    private ImageFacts facts(String image) {
        return ImageRef.parse(image).flatMap(images::lookup).orElseGet(() -> ImageFacts.unknown(image));
    }

    private Verdict verifyUnit(Path path, String name, byte[] bytes, FileReport report, Unit unit) {
        String image = unit.image();
        List<String> changes = unit.changes(report);
        if (image == null) {
            return told(ServiceResult.cannotTell(name, unit.name(), null, unit.missing(), changes));
        }
        if (engine == null) {
            return told(ServiceResult.cannotTell(name, unit.name(), image, engineProblem(), changes));
        }
        Engine.Image local;
        try {
            Optional<Engine.Image> found = engine.image(image);
            if (found.isEmpty()) {
                return told(ServiceResult.cannotTell(name, unit.name(), image, "image " + image
                        + " is not available locally and verify never pulls; pull or build it first", changes));
            }
            local = found.get();
        } catch (IOException e) {
            return told(ServiceResult.cannotTell(name, unit.name(), image, "the engine could not look up " + image + ": " + e.getMessage(),
                    changes));
        }
        String imageId = local.id();
        Launch beforeLaunch;
        Launch afterLaunch;
        try {
            beforeLaunch = unit.launch().apply(bytes, local);
            afterLaunch = unit.launch().apply(variant(report, bytes), local);
        } catch (IllegalArgumentException e) {
            return told(ServiceResult.cannotTell(name, unit.name(), image, "cannot turn it into container options: " + e.getMessage(),
                    changes));
        }
        Trial before = run(beforeLaunch, unit);
        if (!before.ok()) {
            return told(new ServiceResult(name, unit.name(), image, imageId, ServiceResult.Outcome.BROKEN_BEFORE,
                    "the original does not run: " + before.detail(), changes, List.of(), before.telling(), before, null));
        }
        Trial after = run(afterLaunch, unit);
        if (after.asGoodAs(before)) {
            String how = afterLaunch.equals(beforeLaunch) ? "hardening changed nothing it runs with" : after.detail();
            return new Verdict(new ServiceResult(name, unit.name(), image, imageId, ServiceResult.Outcome.RUNS_BEFORE_AND_AFTER,
                    how, changes, List.of(), null, before, after), null, afterLaunch, local);
        }
        Verdict repaired = repair(path, name, bytes, report, unit, local, beforeLaunch, before, afterLaunch, after);
        if (repaired != null) {
            return repaired;
        }
        String line = after.telling();
        List<String> culprits = culprits(path, name, bytes, unit, changes, local, before, after);
        String reason = "before: " + before.detail() + "; after: " + after.detail() + "; " + (culprits.isEmpty()
                ? "reverting its changes one by one and together did not bring it back"
                : culprits.size() == 1 ? "reverting only the " + culprits.get(0) + " change brings it back"
                : "reverting the changes of " + String.join(" and ", culprits) + " together brings it back, none of them alone");
        return new Verdict(new ServiceResult(name, unit.name(), image, imageId, ServiceResult.Outcome.BROKEN_BY_HARDENING, reason,
                changes, culprits, line, before, after), null, afterLaunch, local);
    }

    /** A verdict on a unit whose hardened variant was not compared with its original. */
    private static Verdict told(ServiceResult result) {
        return new Verdict(result, null, null, null);
    }

    /**
     * Repairs before retreating: learns from the original on the engine what the service needs,
     * hardens the file again with those facts winning for its image, and starts that. When it keeps
     * every control of the first hardening ({@link Repairs#weakened}) and does as well as the original,
     * the facts stay for the rest of the run and the repaired file is the fix; else null, and nothing
     * of the attempt is kept.
     */
    private Verdict repair(Path path, String name, byte[] bytes, FileReport report, Unit unit, Engine.Image local,
                           Launch beforeLaunch, Trial before, Launch afterLaunch, Trial after) {
        Optional<ImageRef> ref = ImageRef.parse(unit.image());
        if (learning == null || beforeLaunch.spec() == null || afterLaunch.spec() == null || ref.isEmpty()) {
            return null;
        }
        Repairs.Learned learned = learning.apply(beforeLaunch.spec(), local);
        if (learned == null || learned.facts() == null) {
            return null;
        }
        FileHardener withFacts = hardener.withLearned(ref.get(), learned.facts());
        FileReport again = withFacts.process(path, name, bytes, true);
        Launch launch = again.checked() ? launch(unit, variant(again, bytes), local) : null;
        if (launch == null || launch.spec() == null || launch.equals(afterLaunch)
                || !Repairs.weakened(afterLaunch.spec(), launch.spec()).isEmpty()) {
            return null;
        }
        Trial repaired = run(launch, unit);
        if (!repaired.asGoodAs(before)) {
            return null;
        }
        hardener = withFacts;
        List<String> steps = Repairs.steps(afterLaunch.spec(), launch.spec(), report.kind() == FileReport.Kind.KUBERNETES);
        String facts = Repairs.facts(learned);
        String reason = String.join("; ", steps) + "; facts: " + facts + "; as first hardened: " + after.detail()
                + "; repaired: " + repaired.detail();
        ServiceResult result = new ServiceResult(name, unit.name(), unit.image(), local.id(), ServiceResult.Outcome.REPAIRED, reason,
                unit.changes(again), List.of(), after.telling(), before, repaired,
                new ServiceResult.Repair(steps, facts, learned.facts(), learned.digest()));
        return new Verdict(result, again, launch, local);
    }

    /**
     * The result as it may be shown: container log lines and engine messages reduced to one masked,
     * bounded line each (a log may print a secret from the container's environment or a mounted file).
     */
    private ServiceResult redacted(ServiceResult r) {
        return new ServiceResult(r.file(), r.service(), redaction.line(r.image()), r.imageId(), r.outcome(),
                redaction.line(r.reason(), 3 * Redaction.MAX_LENGTH), r.changes(), r.culprits(), redaction.line(r.logLine()),
                redacted(r.before()), redacted(r.after()), r.repair() == null ? null : new ServiceResult.Repair(
                        r.repair().steps().stream().map(redaction::line).toList(),
                        redaction.line(r.repair().facts(), 2 * Redaction.MAX_LENGTH), r.repair().learned(), r.repair().digest()));
    }

    private Trial redacted(Trial t) {
        return t == null ? null : new Trial(t.level(), redaction.line(t.detail(), 2 * Redaction.MAX_LENGTH), redaction.lines(t.logs()));
    }

    /**
     * The smallest set of rules whose changes, reverted, let the service do as well as before. Rules
     * the failure's log line points at are tried first; one rule alone, then a growing set that is
     * then pruned.
     */
    private List<String> culprits(Path path, String name, byte[] bytes, Unit unit, List<String> changes, Engine.Image local,
                                  Trial before, Trial after) {
        List<String> order = suspects(changes, after.telling() + " " + after.detail());
        for (String rule : order) {
            if (reverted(path, name, bytes, unit, local, Set.of(rule)).asGoodAs(before)) {
                return List.of(rule);
            }
        }
        Set<String> set = new LinkedHashSet<>();
        boolean found = false;
        for (String rule : order) {
            set.add(rule);
            if (reverted(path, name, bytes, unit, local, set).asGoodAs(before)) {
                found = true;
                break;
            }
        }
        if (!found) {
            return List.of();
        }
        for (String rule : new ArrayList<>(set)) {
            Set<String> smaller = new LinkedHashSet<>(set);
            smaller.remove(rule);
            if (!smaller.isEmpty() && reverted(path, name, bytes, unit, local, smaller).asGoodAs(before)) {
                set = smaller;
            }
        }
        return new ArrayList<>(set);
    }

    /** The changed rules, those the failure text points at first. */
    static List<String> suspects(List<String> changes, String failure) {
        return Rules.suspects(changes, failure);
    }

    private Trial reverted(Path path, String name, byte[] bytes, Unit unit, Engine.Image local, Set<String> rules) {
        FileReport report = hardener.process(path, name, bytes, true,
                (rule, subject) -> unit.subject().equals(subject) && rules.contains(rule) ? REVERTED : null);
        try {
            return run(unit.launch().apply(variant(report, bytes), local), unit);
        } catch (IllegalArgumentException e) {
            return new Trial(Trial.Level.START_FAILED, "cannot turn it into container options: " + e.getMessage(), List.of());
        }
    }

    private Trial run(Launch launch, Unit unit) {
        if (launch.refusal() != null) {
            return launch.refusedTrial();
        }
        String problem = settings.allowHostAccess() ? null : access.spec(launch.spec(), unit.project());
        if (problem != null) {
            // a variant the file check could not foresee (a hardened one): still nothing from the host
            throw new HostAccessRefused(List.of(redaction.line(problem)));
        }
        return starter().run(launch.spec());
    }

    /**
     * Whether this run was interrupted (Ctrl-C, or its thread): then its results prove nothing and a
     * caller writes nothing. Ask before {@link #close}, which ends the run.
     */
    public boolean interrupted() {
        return starter != null && starter.interrupted();
    }

    /** What the shutdown hook does on Ctrl-C, without waiting for the command: for tests that send no signal. */
    void stopAsOnInterrupt() {
        starter().stop();
    }

    /** The label value of what this verifier created on the engine, or null before its first start. */
    String runId() {
        return starter == null ? null : starter.runId();
    }

    private Starter starter() {
        if (starter == null) {
            starter = Starter.withFreshRunId(engine, settings);
        }
        return starter;
    }

    /** The workloads of a Kubernetes file, custom resources at the profile's pod spec paths included. */
    private List<Workload> workloads(byte[] bytes) {
        try {
            KubernetesFile file = KubernetesFile.detect(YamlFile.parse(bytes, Limits.DEFAULT.withMaxBytes(Long.MAX_VALUE))).orElseThrow();
            return file.workloads(hardener.profile().podSpecPaths());
        } catch (YamlException e) {
            throw new IllegalStateException("a file the hardener accepted no longer parses: " + e.getMessage(), e);
        }
    }

    private static ComposeFile compose(byte[] bytes) {
        try {
            return ComposeFile.detect(YamlFile.parse(bytes, Limits.DEFAULT.withMaxBytes(Long.MAX_VALUE))).orElseThrow();
        } catch (YamlException e) {
            throw new IllegalStateException("a file the hardener accepted no longer parses: " + e.getMessage(), e);
        }
    }

    /** Removes everything this verifier created on the engine. */
    @Override
    public void close() {
        if (starter != null) {
            starter.close();
        }
    }
}
