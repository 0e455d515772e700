package dev.harden.verify;

import dev.harden.engine.Hardener;
import dev.harden.image.ImageFacts;
import dev.harden.image.ImageKnowledge;
import dev.harden.image.ImageRef;
import dev.harden.manifest.ComposeFile;
import dev.harden.manifest.ComposeService;
import dev.harden.manifest.KubernetesFile;
import dev.harden.report.FileReport;
import dev.harden.report.Finding;
import dev.harden.yaml.Limits;
import dev.harden.yaml.Mapping;
import dev.harden.yaml.Plain;
import dev.harden.yaml.YamlException;
import dev.harden.yaml.YamlFile;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Proves on a real engine that hardening kept each Compose service running: starts the original
 * and the hardened variant one at a time, compares how far each got, and when the hardened one did
 * worse finds the rules to blame by starting it again with their changes reverted.
 */
public final class Verifier implements AutoCloseable {
    /** The reason a rule's change is reverted while looking for the culprit. */
    static final String REVERTED = "reverted by harden verify to find what broke the service";
    private static final Set<String> WORKLOADS = Set.of("Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet",
            "ReplicationController", "Job", "CronJob");
    private static final String DEFAULT_HOST = "unix:///var/run/docker.sock";
    /** Log text that points at particular rules: these are retried first. */
    private static final List<Map.Entry<Pattern, List<String>>> HINTS = List.of(
            Map.entry(Pattern.compile("(?i).*read-only file system.*"), List.of("read-only-root-filesystem")),
            Map.entry(Pattern.compile("(?i).*not permitted.*"), List.of("cap-drop-all", "non-root-user", "no-new-privileges")),
            Map.entry(Pattern.compile("(?i).*permission denied.*"), List.of("non-root-user", "read-only-root-filesystem", "cap-drop-all")),
            Map.entry(Pattern.compile("(?i).*(cannot allocate memory|out of memory|too much memory).*"), List.of("resource-limits")),
            Map.entry(Pattern.compile("(?i).*(resource temporarily unavailable|fork).*"), List.of("pids-limit")),
            Map.entry(Pattern.compile("(?i).*(no new privileges|effective uid is not 0|setuid).*"), List.of("no-new-privileges")));

    /**
     * How long to wait and how much to keep.
     *
     * @param timeout how long a service may take to answer on a port or become healthy
     * @param settle how long a service without healthcheck or known port must stay up to count as running
     * @param logLines how many of its last log lines to keep
     */
    public record Settings(Duration timeout, Duration settle, int logLines) {
        public Settings {
            if (timeout.isNegative() || timeout.isZero() || settle.isNegative() || logLines < 1) {
                throw new IllegalArgumentException("timeout must be positive, settle not negative, logLines at least 1: "
                        + timeout + ", " + settle + ", " + logLines);
            }
        }

        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(60), Duration.ofSeconds(5), 20);
        }
    }

    /** One file's fix and what verify found for its services. */
    private record Checked(FileReport report, List<ServiceResult> results) { }

    private final Hardener hardener;
    private final ImageKnowledge images;
    private final Engine engine;
    private final String engineName;
    private final String engineProblem;
    private final Settings settings;
    private final Map<String, String> environment;
    private Starter starter;

    /**
     * @param engine the engine, or null when there is none to use
     * @param where the engine's address, for messages
     * @param refusal why there is no engine, when {@code engine} is null; else null
     */
    Verifier(Hardener hardener, ImageKnowledge images, Engine engine, String where, String refusal, Settings settings,
             Map<String, String> environment) {
        this.hardener = hardener;
        this.images = images;
        this.settings = settings;
        this.environment = Map.copyOf(environment);
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
        this.engineProblem = engine == null ? (refusal != null ? refusal : "no Docker engine at " + where) : problem;
    }

    /**
     * A verifier talking to the engine at {@code dockerHost} ({@code unix:///path}). Without an engine
     * there it still answers, with every service it cannot tell about.
     */
    public static Verifier connect(String dockerHost, Hardener hardener, ImageKnowledge images, Settings settings) {
        try {
            return new Verifier(hardener, images, DockerEngine.at(dockerHost), dockerHost, null, settings, System.getenv());
        } catch (IllegalArgumentException e) {
            return new Verifier(hardener, images, null, dockerHost, "cannot use " + dockerHost + ": " + e.getMessage(),
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

    /** Hardens one file and starts each of its Compose services before and after. */
    public List<ServiceResult> verify(Path path, String name, byte[] bytes) {
        return check(path, name, bytes).results();
    }

    /**
     * Hardens one file, verifies it, and hardens it again without the changes that broke a service:
     * the culprits when they were found, else every change to that service. For {@code harden fix
     * --verify} and {@code harden pr --verify}.
     */
    public VerifiedFix fix(Path path, String name, byte[] bytes) {
        Checked checked = check(path, name, bytes);
        Map<String, List<String>> drop = new LinkedHashMap<>();
        Map<String, String> lines = new LinkedHashMap<>();
        List<VerifiedFix.Dropped> dropped = new ArrayList<>();
        for (ServiceResult r : checked.results()) {
            if (r.outcome() == ServiceResult.Outcome.BROKEN_BY_HARDENING) {
                List<String> rules = r.culprits().isEmpty() ? r.changes() : r.culprits();
                drop.put(r.service(), rules);
                lines.put(r.service(), r.logLine());
                dropped.add(new VerifiedFix.Dropped(r.service(), rules, r.logLine()));
            }
        }
        if (drop.isEmpty()) {
            return new VerifiedFix(checked.report(), checked.results(), List.of());
        }
        FileReport report = hardener.process(path, name, bytes, true, (rule, subject) ->
                drop.getOrDefault(subject, List.of()).contains(rule)
                        ? "harden verify: this change stopped " + subject + " from starting (" + lines.get(subject) + ")" : null);
        return new VerifiedFix(report, checked.results(), dropped);
    }

    private Checked check(Path path, String name, byte[] bytes) {
        FileReport report = hardener.process(path, name, bytes, true);
        List<ServiceResult> results = new ArrayList<>();
        if (report.kind() == FileReport.Kind.KUBERNETES) {
            for (String workload : workloads(bytes)) {
                results.add(ServiceResult.cannotTell(name, workload, null,
                        "harden verify starts Compose services only; Kubernetes workloads are not started", List.of()));
            }
            return new Checked(report, results);
        }
        if (report.kind() != FileReport.Kind.COMPOSE) {
            return new Checked(report, results);
        }
        ComposeFile original = compose(bytes);
        ComposeFile hardened = compose(report.changed() ? report.fixed() : bytes);
        Path folder = path.toAbsolutePath().getParent();
        ComposeTranslation translation = new ComposeTranslation(folder, ComposeTranslation.variables(folder, environment));
        for (ComposeService service : original.services()) {
            if (service.isFragment()) {
                continue;
            }
            List<String> changes = report.findings().stream()
                    .filter(f -> f.status() == Finding.Status.FIXED && service.name().equals(f.subject()))
                    .map(Finding::ruleId).distinct().toList();
            ComposeService after = hardened.service(service.name()).orElse(service);
            results.add(verifyService(path, name, bytes, service, after, changes, translation));
        }
        return new Checked(report, results);
    }

    private ServiceResult verifyService(Path path, String name, byte[] bytes, ComposeService service, ComposeService hardened,
                                        List<String> changes, ComposeTranslation translation) {
        String image = translation.interpolate(service.image());
        if (image == null || image.isBlank()) {
            return ServiceResult.cannotTell(name, service.name(), null,
                    "it is built from source (build:) and names no image; build it and set image: to verify it", changes);
        }
        if (engine == null) {
            return ServiceResult.cannotTell(name, service.name(), image, engineProblem(), changes);
        }
        String imageId;
        try {
            Optional<String> id = engine.imageId(image);
            if (id.isEmpty()) {
                return ServiceResult.cannotTell(name, service.name(), image, "image " + image
                        + " is not available locally and verify never pulls; pull or build it first", changes);
            }
            imageId = id.get();
        } catch (IOException e) {
            return ServiceResult.cannotTell(name, service.name(), image, "the engine could not look up " + image + ": " + e.getMessage(), changes);
        }
        ImageFacts facts = ImageRef.parse(image).flatMap(images::lookup).orElseGet(() -> ImageFacts.unknown(image));
        ContainerSpec beforeSpec;
        ContainerSpec afterSpec;
        try {
            beforeSpec = translation.translate(service, facts);
            afterSpec = translation.translate(hardened, facts);
        } catch (IllegalArgumentException e) {
            return ServiceResult.cannotTell(name, service.name(), image, "cannot turn it into container options: " + e.getMessage(), changes);
        }
        Trial before = starter().run(beforeSpec);
        if (!before.ok()) {
            return new ServiceResult(name, service.name(), image, imageId, ServiceResult.Outcome.BROKEN_BEFORE,
                    "the original does not run: " + before.detail(), changes, List.of(), before.telling(), before, null);
        }
        Trial after = starter().run(afterSpec);
        if (after.asGoodAs(before)) {
            String how = afterSpec.equals(beforeSpec) ? "hardening changed nothing it runs with" : after.detail();
            return new ServiceResult(name, service.name(), image, imageId, ServiceResult.Outcome.RUNS_BEFORE_AND_AFTER,
                    how, changes, List.of(), null, before, after);
        }
        String line = after.telling();
        List<String> culprits = culprits(path, name, bytes, service.name(), changes, before, after, facts, translation);
        String reason = "before: " + before.detail() + "; after: " + after.detail() + "; " + (culprits.isEmpty()
                ? "reverting its changes one by one and together did not bring it back"
                : culprits.size() == 1 ? "reverting only the " + culprits.get(0) + " change brings it back"
                : "reverting the changes of " + String.join(" and ", culprits) + " together brings it back, none of them alone");
        return new ServiceResult(name, service.name(), image, imageId, ServiceResult.Outcome.BROKEN_BY_HARDENING, reason,
                changes, culprits, line, before, after);
    }

    /**
     * The smallest set of rules whose changes, reverted, let the service do as well as before. Rules
     * the failure's log line points at are tried first; one rule alone, then a growing set that is
     * then pruned.
     */
    private List<String> culprits(Path path, String name, byte[] bytes, String service, List<String> changes, Trial before,
                                  Trial after, ImageFacts facts, ComposeTranslation translation) {
        List<String> order = suspects(changes, after.telling() + " " + after.detail());
        for (String rule : order) {
            if (reverted(path, name, bytes, service, Set.of(rule), facts, translation).asGoodAs(before)) {
                return List.of(rule);
            }
        }
        Set<String> set = new LinkedHashSet<>();
        boolean found = false;
        for (String rule : order) {
            set.add(rule);
            if (reverted(path, name, bytes, service, set, facts, translation).asGoodAs(before)) {
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
            if (!smaller.isEmpty() && reverted(path, name, bytes, service, smaller, facts, translation).asGoodAs(before)) {
                set = smaller;
            }
        }
        return new ArrayList<>(set);
    }

    /** The changed rules, those the failure text points at first. */
    static List<String> suspects(List<String> changes, String failure) {
        List<String> order = new ArrayList<>();
        for (Map.Entry<Pattern, List<String>> hint : HINTS) {
            if (hint.getKey().matcher(failure).matches()) {
                hint.getValue().stream().filter(changes::contains).filter(r -> !order.contains(r)).forEach(order::add);
            }
        }
        changes.stream().filter(r -> !order.contains(r)).forEach(order::add);
        return order;
    }

    private Trial reverted(Path path, String name, byte[] bytes, String service, Set<String> rules, ImageFacts facts,
                           ComposeTranslation translation) {
        FileReport report = hardener.process(path, name, bytes, true,
                (rule, subject) -> service.equals(subject) && rules.contains(rule) ? REVERTED : null);
        ComposeFile file = compose(report.changed() ? report.fixed() : bytes);
        ComposeService s = file.service(service).orElseThrow();
        return starter().run(translation.translate(s, facts));
    }

    private Starter starter() {
        if (starter == null) {
            byte[] id = new byte[4];
            new SecureRandom().nextBytes(id);
            starter = new Starter(engine, HexFormat.of().formatHex(id), settings);
        }
        return starter;
    }

    /** {@code Kind/name} of each workload in a Kubernetes file; other objects run nothing. */
    private static List<String> workloads(byte[] bytes) {
        List<String> out = new ArrayList<>();
        try {
            KubernetesFile file = KubernetesFile.detect(YamlFile.parse(bytes, Limits.DEFAULT.withMaxBytes(Long.MAX_VALUE))).orElseThrow();
            for (Mapping object : file.objects()) {
                String kind = KubernetesFile.kind(object);
                if (WORKLOADS.contains(kind)) {
                    Object metadata = object.get("metadata").map(Plain::of).orElse(null);
                    Object name = metadata instanceof Map<?, ?> m ? m.get("name") : null;
                    out.add(kind + "/" + (name == null ? "(unnamed)" : name));
                }
            }
        } catch (YamlException e) {
            throw new IllegalStateException("a file the hardener accepted no longer parses: " + e.getMessage(), e);
        }
        return out;
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
