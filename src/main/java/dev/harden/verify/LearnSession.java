package dev.harden.verify;

import dev.harden.image.ImageFacts;
import dev.harden.manifest.ComposeFile;
import dev.harden.manifest.ComposeService;
import dev.harden.manifest.KubernetesFile;
import dev.harden.manifest.PodSpecPath;
import dev.harden.manifest.Workload;
import dev.harden.yaml.Limits;
import dev.harden.yaml.YamlException;
import dev.harden.yaml.YamlFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code harden learn}: starts one image, or one service of a Compose file or container of a
 * Kubernetes manifest as verify would start it, and learns what it needs ({@link Learner}).
 */
public final class LearnSession implements AutoCloseable {
    /**
     * One start, as it may be shown.
     *
     * @param variant what was tried
     * @param works whether it did as well as the service as written (for the reference: whether it ran)
     * @param level how far it got ({@code port-answered}, {@code exited}, ...)
     * @param detail one sentence, secrets masked
     * @param logLine the log line that tells most, masked; null when it ran
     */
    public record Step(String variant, boolean works, String level, String detail, String logLine) { }

    /**
     * What a learning found.
     *
     * @param subject the image, or {@code file:service}
     * @param image the image reference started
     * @param digest the digest the facts are recorded by: the image's registry digest, else its id
     * @param engine the engine it ran on
     * @param facts evidence {@code learned}, or null when the service as written does not run
     * @param reference how the service as written did
     * @param trials every hardened variant tried, in order
     */
    public record Result(String subject, String image, String digest, String engine, ImageFacts facts, Step reference,
                         List<Step> trials) {
        public Result {
            trials = List.copyOf(trials);
        }
    }

    /** What cannot be learned, in words that say what to do: exit 2. */
    public static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    private final Engine engine;
    private final String where;
    private final VerifySession.Settings settings;
    private final int maxTrials;
    private final Consumer<String> progress;
    private Starter starter;

    private LearnSession(Engine engine, String where, VerifySession.Settings settings, int maxTrials, Consumer<String> progress) {
        this.engine = engine;
        this.where = where;
        this.settings = settings;
        this.maxTrials = maxTrials;
        this.progress = progress;
    }

    /**
     * A session with the engine at {@code dockerHost} ({@code unix:///path}).
     *
     * @param progress gets one line per start as it ends, secrets masked
     * @throws Refused when the address is not a unix socket
     */
    public static LearnSession connect(String dockerHost, VerifySession.Settings settings, int maxTrials, Consumer<String> progress) {
        if (maxTrials < 1) {
            throw new Refused("--max-trials must be at least 1, not " + maxTrials);
        }
        try {
            return new LearnSession(DockerEngine.at(dockerHost), dockerHost, settings, maxTrials, progress);
        } catch (IllegalArgumentException e) {
            throw new Refused("cannot use " + dockerHost + ": " + e.getMessage());
        }
    }

    /** Learns an image started as its config says: its own entrypoint, command, user and environment. */
    public Result image(String image) {
        return learn(image, Learner.asWritten(image), Redaction.of(Map.of(), System.getenv()));
    }

    /**
     * Learns one service of a Compose file or one container of a Kubernetes manifest, started with
     * the options verify gives it (the file's own settings, nothing hardened).
     *
     * @param service the Compose service, or the container ({@code name}, {@code Kind/name/container}); null when the file has one
     */
    public Result service(Path file, byte[] bytes, String service, List<PodSpecPath> podSpecPaths) {
        YamlFile yaml;
        try {
            yaml = YamlFile.parse(bytes, Limits.DEFAULT.withMaxBytes(Long.MAX_VALUE));
        } catch (YamlException e) {
            throw new Refused(file + ":" + e.getMessage());
        }
        Optional<ComposeFile> compose = ComposeFile.detect(yaml);
        if (compose.isPresent()) {
            Path folder = file.toAbsolutePath().getParent();
            Map<String, String> variables = ComposeTranslation.variables(folder, Map.of(), false);
            Redaction redaction = Redaction.of(Map.of(), System.getenv());
            redaction.addAll(variables);
            ComposeTranslation translation = new ComposeTranslation(folder, variables, false, redaction);
            List<ComposeService> services = compose.get().services().stream().filter(s -> !s.isFragment()).toList();
            String name = pick(file, service, services.stream().map(ComposeService::name).toList());
            ComposeService chosen = services.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
            String image = chosen.image() == null ? null : translation.interpolate(chosen.image());
            if (image == null || image.isBlank()) {
                throw new Refused(file + ": service " + chosen.name() + " names no image (build: only): build it, set image:"
                        + " and learn again");
            }
            ContainerSpec spec = translation.translate(chosen, ImageFacts.unknown(""));
            refuseHostAccess(spec, folder);
            return learn(file + ":" + chosen.name(), spec, redaction);
        }
        Optional<KubernetesFile> kubernetes = KubernetesFile.detect(yaml);
        if (kubernetes.isEmpty()) {
            throw new Refused(file + ": neither a Compose file nor a Kubernetes manifest");
        }
        List<String> names = new ArrayList<>();
        List<Workload> workloads = kubernetes.get().workloads(podSpecPaths);
        for (Workload w : workloads) {
            for (Workload.Container c : w.containers()) {
                if (!c.field().equals("ephemeralContainers")) {
                    names.add(w.label() + "/" + c.name());
                }
            }
        }
        List<String> matching = service == null ? names : names.stream().filter(n -> n.equals(service) || n.endsWith("/" + service)).toList();
        String chosen = pick(file, matching.size() == 1 ? matching.get(0) : service, matching.size() == 1 ? matching : names);
        for (Workload w : workloads) {
            for (Workload.Container c : w.containers()) {
                if ((w.label() + "/" + c.name()).equals(chosen)) {
                    String image = c.image().filter(i -> !i.isBlank()).orElseThrow(() -> new Refused(file + ": " + chosen + " names no image"));
                    Launch launch = KubernetesTranslation.translate(w, c, chosen, ImageFacts.unknown(""), local(image));
                    if (launch.refusal() != null) {
                        throw new Refused(file + ": " + chosen + ": the kubelet would not start it as written (" + launch.refusal() + ")");
                    }
                    refuseHostAccess(launch.spec(), null);
                    return learn(file + ":" + chosen, launch.spec(), Redaction.of(Map.of(), System.getenv()));
                }
            }
        }
        throw new Refused(file + ": no container " + service + " (there are: " + String.join(", ", names) + ")");
    }

    /** The one name meant: the one given when it is there, or the only one. */
    private static String pick(Path file, String wanted, List<String> names) {
        if (wanted != null && names.contains(wanted)) {
            return wanted;
        }
        if (wanted == null && names.size() == 1) {
            return names.get(0);
        }
        if (names.isEmpty()) {
            throw new Refused(file + ": no service to learn");
        }
        throw new Refused(file + ": " + (wanted == null ? "it has " + names.size() + " services" : "no service " + wanted)
                + "; name one as " + file + ":SERVICE (" + String.join(", ", names) + ")");
    }

    private void refuseHostAccess(ContainerSpec spec, Path folder) {
        String socket = where.startsWith("unix://") ? where.substring("unix://".length()) : null;
        String problem = new HostAccess(socket == null ? null : Path.of(socket)).spec(spec, folder);
        if (problem != null) {
            throw new Refused(spec.service() + ": " + problem + ": learn starts nothing that reaches into the host");
        }
    }

    private Engine.Image local(String image) {
        try {
            engine.version();
        } catch (IOException | RuntimeException e) {
            throw new Refused("no Docker engine answers at " + where + " (" + e.getMessage() + "); start one or name it with --docker-host");
        }
        try {
            return engine.image(image).orElseThrow(() -> new Refused("image " + image
                    + " is not available locally and learn never pulls; pull or build it first"));
        } catch (IOException e) {
            throw new Refused("the engine could not look up " + image + ": " + e.getMessage());
        }
    }

    private Result learn(String subject, ContainerSpec spec, Redaction redaction) {
        Engine.Image local = local(spec.image());
        String engineName;
        String digest;
        try {
            engineName = engine.version();
            digest = Learner.digest(engine.imageDetail(spec.image()).orElseThrow(() -> new Refused("image " + spec.image()
                    + " went away while it was learned")), spec.image());
        } catch (IOException e) {
            throw new Refused("the engine could not describe " + spec.image() + ": " + e.getMessage());
        }
        Learner learner = new Learner(starter(), engine, maxTrials, line -> progress.accept(redaction.line(line, 3 * Redaction.MAX_LENGTH)));
        Learning learning = learner.learn(spec, local);
        if (starter().interrupted()) {
            throw new VerifyInterrupted("interrupted while learning " + subject);
        }
        List<Step> trials = new ArrayList<>();
        Step reference = null;
        for (Attempt a : learning.attempts()) {
            Trial t = a.trial();
            boolean isReference = a.trial() == learning.reference() && reference == null;
            boolean works = isReference ? t.ok() : learner.worked(a);
            Step step = new Step(a.variant(), works, t.level().label(), redaction.line(t.detail(), 2 * Redaction.MAX_LENGTH),
                    works ? null : redaction.line(t.telling()));
            if (isReference) {
                reference = step;
            } else {
                trials.add(step);
            }
        }
        return new Result(subject, spec.image(), digest, engineName + " at " + where, learning.facts(), reference, trials);
    }

    private Starter starter() {
        if (starter == null) {
            starter = Starter.withFreshRunId(engine, settings);
        }
        return starter;
    }

    /** Removes everything this session created on the engine. */
    @Override
    public void close() {
        if (starter != null) {
            starter.close();
        }
    }
}
