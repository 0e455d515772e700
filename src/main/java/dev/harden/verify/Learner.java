package dev.harden.verify;

import dev.harden.image.ImageFacts;
import dev.harden.image.ImageRef;
import java.io.IOException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/** Learns what one service needs by starting it on the engine: bounded trials, each reported. */
final class Learner {
    /** Docker's default capabilities: what a container has when nothing is dropped. */
    static final List<String> DOCKER_DEFAULT = List.of("CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW", "SETGID",
            "SETUID", "SETFCAP", "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE");
    /** Capabilities few services use: taken away together before the rest are tried one by one. */
    private static final Set<String> RARELY_NEEDED = Set.of("FSETID", "MKNOD", "NET_RAW", "SETFCAP", "SETPCAP", "SYS_CHROOT",
            "KILL", "AUDIT_WRITE");
    /** The order in which a needed capability is tried away: the most specific first, stepping down last. */
    private static final List<String> REMOVAL_ORDER = List.of("NET_BIND_SERVICE", "DAC_OVERRIDE", "FOWNER", "CHOWN", "SETGID",
            "SETUID");
    /** The pids limit tried, the one the pids-limit rule writes. */
    static final long PIDS_LIMIT = 200;
    private static final String NO_NEW_PRIVILEGES = "no-new-privileges:true";

    private final Starter starter;
    private final Engine engine;
    private final int maxTrials;
    private final Consumer<String> progress;
    /** Whether each hardened attempt did as well as the service as written, by identity. */
    private final Map<Attempt, Boolean> verdicts = new java.util.IdentityHashMap<>();

    /**
     * @param maxTrials how many hardened variants may be started at most (the reference not counted)
     * @param progress gets one line per start as it ends
     */
    Learner(Starter starter, Engine engine, int maxTrials, Consumer<String> progress) {
        if (maxTrials < 1) {
            throw new IllegalArgumentException("at least one trial is needed, not " + maxTrials);
        }
        this.starter = starter;
        this.engine = engine;
        this.maxTrials = maxTrials;
        this.progress = progress;
    }

    /**
     * Whether a hardened attempt of a search this learner ran did as well as the service as written:
     * its start, and the uids of its processes (a port answers before workers that cannot switch user die).
     */
    boolean worked(Attempt attempt) {
        return Boolean.TRUE.equals(verdicts.get(attempt));
    }

    /** An image started as its config says, with nothing of a manifest: what {@code harden learn IMAGE} learns from. */
    static ContainerSpec asWritten(String image) {
        return new ContainerSpec(image, image, null, null, List.of(), null, null, List.of(), List.of(), List.of(), false, Map.of(),
                null, null, null, null, List.of(), null, false, false, null, Map.of(), List.of(), List.of(), false);
    }

    /** original: the service as written (unhardened). */
    Learning learn(ContainerSpec original, Engine.Image local) {
        return new Search(original, local).run();
    }

    /**
     * The hardening a trial tries besides capabilities.
     *
     * @param user the user to start as, or null for the service's own
     * @param readOnly whether the root file system is read-only (with tmpfs and volumes where it writes)
     * @param noNewPrivileges whether setuid programs are kept from raising privileges
     * @param pidsLimit whether the number of processes is limited
     */
    record Settings(String user, boolean readOnly, boolean noNewPrivileges, boolean pidsLimit) {
        Settings without(String what) {
            return switch (what) {
                case "user" -> new Settings(null, readOnly, noNewPrivileges, pidsLimit);
                case "read-only" -> new Settings(user, false, noNewPrivileges, pidsLimit);
                case "no-new-privileges" -> new Settings(user, readOnly, false, pidsLimit);
                case "pids-limit" -> new Settings(user, readOnly, noNewPrivileges, false);
                default -> throw new IllegalArgumentException("no such setting: " + what);
            };
        }

        boolean has(String what) {
            return switch (what) {
                case "user" -> user != null;
                case "read-only" -> readOnly;
                case "no-new-privileges" -> noNewPrivileges;
                case "pids-limit" -> pidsLimit;
                default -> false;
            };
        }
    }

    /** One search: its trials, in order, and what the reference showed. */
    private final class Search {
        private final ContainerSpec original;
        private final Engine.Image local;
        private final List<Attempt> attempts = new ArrayList<>();
        private final Map<ContainerSpec, Boolean> tried = new HashMap<>();
        private Trial reference;
        /** What a variant must do as well as: the reference, or better when it was seen to listen on a port. */
        private Trial bar;
        /** The uids its processes ran as: a variant whose workers cannot switch user has fewer. */
        private Set<Integer> uids = Set.of();
        private Observation seen = Observation.none("not started");
        private Engine.ImageDetail detail;
        private Folders folders;
        private int trials;

        Search(ContainerSpec original, Engine.Image local) {
            this.original = original;
            this.local = local;
        }

        Learning run() {
            try {
                detail = engine.imageDetail(original.image()).orElse(null);
            } catch (IOException e) {
                detail = null;
            }
            if (detail == null) {
                detail = new Engine.ImageDetail(local.id(), List.of(), local.user(), List.of(), List.of(), List.of());
            }
            boolean[] reachable = {false};
            reference = starter.run(original, (id, waited) -> {
                if (waited.ok()) {
                    seen = Observation.of(engine, id, waited.level() != Trial.Level.COMPLETED,
                            starter.settings().timeout());
                    try {
                        reachable[0] = !original.isolated() && engine.inspect(id).ip() != null;
                    } catch (IOException e) {
                        reachable[0] = false;
                    }
                }
            });
            attempts.add(new Attempt("the service as written", reference));
            progress.accept("reference: the service as written: " + reference.level().label() + " (" + reference.detail() + ")");
            if (!reference.ok()) {
                return new Learning(null, attempts, reference);
            }
            folders = Folders.classify(engine, starter, original, detail, seen);
            uids = seen.processes().stream().map(Engine.Process::uid).collect(java.util.stream.Collectors.toCollection(TreeSet::new));
            // a port it was seen listening on must answer in every variant, though the reference was only judged running
            bar = reachable[0] && reference.rank() < 2 && seen.listening() != null && !seen.listening().isEmpty()
                    ? new Trial(Trial.Level.PORT_ANSWERED, "it listened on " + seen.listening(), reference.logs()) : reference;
            return new Learning(search(), attempts, reference);
        }

        private ImageFacts search() {
            boolean root = Folders.startsAsRoot(original, detail);
            List<String> candidates = candidates(root);
            List<String> all = allowed();
            String stepUser = stepUser(root);
            Settings settings = new Settings(stepUser, true, true, true);
            List<String> caps = null;
            if (works(settings, List.of())) {
                caps = List.of();
            } else if (stepUser != null && works(settings.without("user"), List.of())) {
                settings = settings.without("user");
                caps = List.of();
            } else {
                if (stepUser != null) {
                    settings = settings.without("user");
                }
                if (!candidates.isEmpty() && works(settings, candidates)) {
                    caps = fewest(settings, candidates);
                } else if (works(settings, all)) {
                    caps = fewest(settings, groupAway(settings, all, candidates));
                } else {
                    // a setting other than capabilities stops it: relax them one by one, then put back what was not needed
                    List<String> relaxed = new ArrayList<>();
                    for (String what : List.of("read-only", "no-new-privileges", "pids-limit")) {
                        settings = settings.without(what);
                        relaxed.add(what);
                        if (works(settings, all)) {
                            caps = all;
                            break;
                        }
                    }
                    if (caps != null) {
                        for (String what : relaxed.subList(0, relaxed.size() - 1)) {
                            Settings back = with(settings, what);
                            if (works(back, all)) {
                                settings = back;
                            }
                        }
                        if (works(settings, List.of())) {
                            caps = List.of();
                        } else if (!candidates.isEmpty() && works(settings, candidates)) {
                            caps = fewest(settings, candidates);
                        } else {
                            caps = fewest(settings, groupAway(settings, all, candidates));
                        }
                    }
                }
            }
            return Facts.of(original, detail, seen, folders, settings, caps, root, trials, engineVersion(),
                    LocalDate.now(ZoneOffset.UTC), ImageRef.parse(original.image()).map(ImageRef::name).orElse(original.image()));
        }

        private Settings with(Settings s, String what) {
            return switch (what) {
                case "read-only" -> new Settings(s.user(), true, s.noNewPrivileges(), s.pidsLimit());
                case "no-new-privileges" -> new Settings(s.user(), s.readOnly(), true, s.pidsLimit());
                case "pids-limit" -> new Settings(s.user(), s.readOnly(), s.noNewPrivileges(), true);
                default -> s;
            };
        }

        /** Capabilities the reference suggests it needs: stepping down, chown/chmod of folders, a low port. */
        private List<String> candidates(boolean root) {
            Set<String> out = new LinkedHashSet<>();
            if (!root) {
                return List.of();
            }
            boolean steps = seen.uidsDiffer(0);
            if (steps || folders.chowned()) {
                out.addAll(List.of("CHOWN", "DAC_OVERRIDE", "FOWNER"));
            }
            if (steps) {
                out.addAll(List.of("SETUID", "SETGID"));
            }
            if (ports().stream().anyMatch(p -> p < 1024)) {
                out.add("NET_BIND_SERVICE");
            }
            out.retainAll(allowed());
            return new ArrayList<>(out);
        }

        /** Docker's default set, with what the service adds itself and without what it drops itself. */
        private List<String> allowed() {
            Set<String> out = new LinkedHashSet<>();
            boolean dropsAll = original.capDrop().stream().anyMatch(c -> capability(c).equals("ALL"));
            if (!dropsAll) {
                out.addAll(DOCKER_DEFAULT);
                original.capDrop().forEach(c -> out.remove(capability(c)));
            }
            original.capAdd().forEach(c -> out.add(capability(c)));
            return new ArrayList<>(out);
        }

        /**
         * The uid:gid to try starting as: the one a root entrypoint stepped down to, only when nothing
         * it did needed root (no chown or chmod of a folder, every written folder already that uid's).
         */
        private String stepUser(boolean root) {
            if (!root || seen.pid1Uid() == null || seen.pid1Uid() == 0 || folders.chowned()
                    || seen.processes().stream().anyMatch(p -> p.uid() == 0) || !folders.allOwnedBy(seen.pid1Uid())) {
                return null;
            }
            return seen.pid1Uid() + ":" + (seen.pid1Gid() == null ? seen.pid1Uid() : seen.pid1Gid());
        }

        /** Takes the rarely needed capabilities away together, when that still works; else keeps the set. */
        private List<String> groupAway(Settings settings, List<String> set, List<String> keep) {
            List<String> fewer = set.stream().filter(c -> !RARELY_NEEDED.contains(c) || keep.contains(c)).toList();
            return fewer.size() < set.size() && works(settings, fewer) ? fewer : set;
        }

        /** A working set with each capability tried away in turn, while trials remain. */
        private List<String> fewest(Settings settings, List<String> working) {
            List<String> set = new ArrayList<>(working);
            List<String> order = new ArrayList<>(set.stream().filter(c -> !REMOVAL_ORDER.contains(c)).toList());
            REMOVAL_ORDER.stream().filter(set::contains).forEach(order::add);
            for (String cap : order) {
                if (trials >= maxTrials) {
                    break;
                }
                List<String> fewer = set.stream().filter(c -> !c.equals(cap)).toList();
                if (works(settings, fewer)) {
                    set = new ArrayList<>(fewer);
                }
            }
            return set;
        }

        private boolean works(Settings settings, List<String> caps) {
            ContainerSpec spec = variant(settings, caps);
            Boolean known = tried.get(spec);
            if (known != null) {
                return known;
            }
            if (trials >= maxTrials) {
                return false;
            }
            trials++;
            String what = describe(settings, caps);
            Set<Integer> ran = new TreeSet<>();
            Trial trial = starter.run(spec, (id, waited) -> {
                if (waited.ok() && waited.level() != Trial.Level.COMPLETED && !uids.isEmpty()) {
                    ran.addAll(processUids(id, waited));
                }
            });
            Set<Integer> expected = settings.user() == null ? uids : Set.of(Integer.parseInt(settings.user().split(":")[0]));
            boolean sameUsers = expected.isEmpty() || !trial.ok() || trial.level() == Trial.Level.COMPLETED || ran.containsAll(expected);
            boolean ok = trial.asGoodAs(bar) && sameUsers;
            tried.put(spec, ok);
            Attempt attempt = new Attempt(what, trial);
            attempts.add(attempt);
            verdicts.put(attempt, ok);
            progress.accept("trial " + trials + " of at most " + maxTrials + ": " + what + ": "
                    + (ok ? "works" : "fails") + " (" + trial.level().label() + ", " + trial.detail()
                    + (sameUsers ? "" : "; no process ran as uid " + join(expected.stream().filter(u -> !ran.contains(u)).toList())) + ")");
            return ok;
        }

        /**
         * The uids a running variant's processes have once it settled: a port answers as soon as the
         * first process listens, before workers that cannot switch user have died.
         */
        private Set<Integer> processUids(String id, Trial waited) {
            if (waited.level() == Trial.Level.PORT_ANSWERED || waited.level() == Trial.Level.HEALTHY) {
                try {
                    Thread.sleep(starter.settings().settle().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Set.of();
                }
            }
            try {
                return engine.processes(id).stream().map(Engine.Process::uid).collect(java.util.stream.Collectors.toSet());
            } catch (IOException e) {
                return Set.of();
            }
        }

        private List<Integer> ports() {
            Set<Integer> out = new TreeSet<>(original.ports());
            out.addAll(seen.listening() != null ? seen.listening() : detail.exposedPorts());
            return new ArrayList<>(out);
        }

        /** The service as written with these settings and capabilities. */
        ContainerSpec variant(Settings s, List<String> caps) {
            List<String> securityOpt = new ArrayList<>(original.securityOpt());
            if (s.noNewPrivileges() && securityOpt.stream().noneMatch(o -> o.replace('=', ':').startsWith("no-new-privileges"))) {
                securityOpt.add(NO_NEW_PRIVILEGES);
            }
            Map<String, String> tmpfs = new LinkedHashMap<>(original.tmpfs());
            List<ContainerSpec.Mount> mounts = new ArrayList<>(original.mounts());
            if (s.readOnly()) {
                folders.tmpfs().forEach(p -> tmpfs.putIfAbsent(p, ""));
                folders.volumes().forEach(p -> mounts.add(new ContainerSpec.Mount(true, "", p, false)));
            }
            return new ContainerSpec(original.service(), original.image(), original.entrypoint(), original.command(), original.env(),
                    s.user() != null ? s.user() : original.user(), original.workingDir(), new TreeSet<>(caps).stream().toList(),
                    List.of("ALL"), securityOpt, s.readOnly() || original.readOnly(), tmpfs,
                    s.pidsLimit() && original.pidsLimit() == null ? Long.valueOf(PIDS_LIMIT) : original.pidsLimit(),
                    original.memory(), original.memoryReservation(), original.nanoCpus(), mounts, original.health(),
                    false, original.init(), original.shmSize(), original.sysctls(), original.groupAdd(), ports(), original.isolated());
        }

        private String describe(Settings s, List<String> caps) {
            List<String> parts = new ArrayList<>();
            parts.add("cap_drop ALL" + (caps.isEmpty() ? " and nothing added" : ", cap_add " + String.join(" ", new TreeSet<>(caps))));
            if (s.user() != null) {
                parts.add("user " + s.user());
            }
            if (s.noNewPrivileges()) {
                parts.add("no-new-privileges");
            }
            if (s.readOnly()) {
                parts.add("read-only root" + (folders.tmpfs().isEmpty() ? "" : ", tmpfs " + String.join(" ", folders.tmpfs()))
                        + (folders.volumes().isEmpty() ? "" : ", volume " + String.join(" ", folders.volumes())));
            }
            if (s.pidsLimit()) {
                parts.add("pids " + PIDS_LIMIT);
            }
            return String.join(", ", parts);
        }

        private String engineVersion() {
            try {
                return engine.version();
            } catch (IOException e) {
                return "an engine that did not say its version";
            }
        }
    }

    private static String join(List<Integer> numbers) {
        return String.join(", ", numbers.stream().map(String::valueOf).toList());
    }

    /** A capability as Docker spells it: upper case, without {@code CAP_}. */
    static String capability(String name) {
        String upper = name.strip().toUpperCase(java.util.Locale.ROOT);
        return upper.startsWith("CAP_") ? upper.substring(4) : upper;
    }

    /** The image's digest as facts are recorded by: its registry digest for this repository, else its id. */
    static String digest(Engine.ImageDetail detail, String image) {
        Optional<ImageRef> ref = ImageRef.parse(image);
        for (String d : detail.repoDigests()) {
            int at = d.indexOf('@');
            if (at > 0 && ref.isPresent() && ImageRef.parse(d.substring(0, at)).map(ImageRef::name).equals(ref.map(ImageRef::name))) {
                return d.substring(at + 1);
            }
        }
        return detail.id();
    }
}
