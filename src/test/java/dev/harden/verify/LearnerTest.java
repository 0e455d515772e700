package dev.harden.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harden.image.ImageFacts;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The learning search over an engine in memory: which variants it starts, in which order, and what
 * it concludes. Each fake image says what the service as written showed (paths, uids, ports) and
 * which options it runs with; no real start proves anything here, the engine tests do that.
 */
class LearnerTest {
    private static final String PG = "local/pg:1";

    /** A postgres-like image: root entrypoint chowns PGDATA, chmods its socket folder, steps down to 999. */
    private static Shown postgresLike() {
        return new Shown("", List.of("PGDATA=/var/lib/postgresql/data"),
                List.of(new Engine.Change("/run", 0), new Engine.Change("/run/postgresql", 0),
                        new Engine.Change("/run/postgresql/.s.PGSQL.5432.lock", 1), new Engine.Change("/var", 0),
                        new Engine.Change("/var/lib", 0), new Engine.Change("/var/lib/postgresql", 0),
                        new Engine.Change("/var/lib/postgresql/data", 0), new Engine.Change("/var/lib/postgresql/data/PG_VERSION", 1)),
                Map.of("/run/postgresql", new Engine.PathEntry(999, 999, 02775, true, false),
                        "/var/lib/postgresql/data", new Engine.PathEntry(0, 0, 0755, true, false)),
                Map.of("/run/postgresql", new Engine.PathEntry(999, 999, 03777, true, true),
                        "/var/lib/postgresql/data", new Engine.PathEntry(999, 999, 0700, true, true)),
                999, List.of(5432),
                spec -> spec.capDrop().isEmpty() || spec.capAdd().containsAll(List.of("CHOWN", "FOWNER", "SETUID", "SETGID")),
                spec -> spec.capDrop().isEmpty() || spec.capAdd().containsAll(List.of("SETUID", "SETGID")) ? Set.of(999) : Set.of(0));
    }

    @Test
    void aStepDownImageGetsNothingFirstThenTheObservedCandidatesThenEachTriedAway() {
        Run run = learn(postgresLike(), 16);

        assertThat(run.variants()).containsExactly(
                "the service as written",
                "cap_drop ALL and nothing added, no-new-privileges, read-only root, tmpfs /run/postgresql,"
                        + " volume /var/lib/postgresql/data, pids 200",
                "cap_drop ALL, cap_add CHOWN DAC_OVERRIDE FOWNER SETGID SETUID, no-new-privileges, read-only root,"
                        + " tmpfs /run/postgresql, volume /var/lib/postgresql/data, pids 200",
                "cap_drop ALL, cap_add CHOWN FOWNER SETGID SETUID, no-new-privileges, read-only root, tmpfs /run/postgresql,"
                        + " volume /var/lib/postgresql/data, pids 200",
                "cap_drop ALL, cap_add CHOWN SETGID SETUID, no-new-privileges, read-only root, tmpfs /run/postgresql,"
                        + " volume /var/lib/postgresql/data, pids 200",
                "cap_drop ALL, cap_add FOWNER SETGID SETUID, no-new-privileges, read-only root, tmpfs /run/postgresql,"
                        + " volume /var/lib/postgresql/data, pids 200",
                "cap_drop ALL, cap_add CHOWN FOWNER SETUID, no-new-privileges, read-only root, tmpfs /run/postgresql,"
                        + " volume /var/lib/postgresql/data, pids 200",
                "cap_drop ALL, cap_add CHOWN FOWNER SETGID, no-new-privileges, read-only root, tmpfs /run/postgresql,"
                        + " volume /var/lib/postgresql/data, pids 200");
        ImageFacts f = run.learning().facts();
        assertThat(f.evidence()).isEqualTo("learned");
        assertThat(f.runsAs()).isEqualTo("root");
        assertThat(f.dropsPrivileges()).isTrue();
        assertThat(f.nonRootUid()).as("an entrypoint that chowns needs root: 999 is not safe to start as").isNull();
        assertThat(f.rootCapabilities()).containsExactly("CHOWN", "FOWNER", "SETGID", "SETUID");
        assertThat(f.writablePaths()).containsExactly("/run/postgresql");
        assertThat(f.dataPaths()).containsExactly("/var/lib/postgresql/data");
        assertThat(f.readOnlyRootFilesystem()).as("PGDATA needs a volume first").isFalse();
        assertThat(f.noNewPrivileges()).isTrue();
        assertThat(f.ports()).containsExactly(5432);
        assertThat(f.sources().get(0)).startsWith("learned on ").contains("Fake Engine 1.0", "from image sha256:", "(local/pg:1): 7 trials");
        assertThat(run.progress()).hasSize(8).allMatch(l -> l.startsWith("reference: ") || l.startsWith("trial "));
        assertThat(run.progress().get(2)).startsWith("trial 2 of at most 16: ").endsWith("works (alive, still running after 0s)");
    }

    @Test
    void theTrialBoundStopsTheSearchWithTheFewestCapabilitiesFoundSoFar() {
        Run run = learn(postgresLike(), 3);

        assertThat(run.learning().attempts()).hasSize(4);
        assertThat(run.learning().facts().rootCapabilities()).containsExactly("CHOWN", "FOWNER", "SETGID", "SETUID");
        assertThat(run.learning().facts().sources().get(0)).endsWith(": 3 trials");
    }

    @Test
    void workersThatCannotSwitchUserFailTheTrialThoughTheServiceKeepsRunning() {
        // an nginx-like master: stays up without SETUID/SETGID, but its workers never become uid 33
        Shown nginx = new Shown("", List.of(), List.of(new Engine.Change("/var/lib/nginx", 0), new Engine.Change("/var/lib/nginx/body", 1)),
                Map.of("/var/lib/nginx", new Engine.PathEntry(0, 0, 0755, true, false)),
                Map.of("/var/lib/nginx", new Engine.PathEntry(0, 0, 0755, true, true)), 0, List.of(80),
                spec -> spec.capDrop().isEmpty() || spec.capAdd().contains("CHOWN"),
                spec -> spec.capDrop().isEmpty() || spec.capAdd().containsAll(List.of("SETUID", "SETGID")) ? Set.of(0, 33) : Set.of(0));

        Run run = learn(nginx, 16);

        assertThat(run.learning().facts().rootCapabilities()).containsExactly("CHOWN", "SETGID", "SETUID");
        assertThat(run.progress()).anyMatch(l -> l.contains("cap_add CHOWN SETUID,") && l.contains("fails")
                && l.endsWith("no process ran as uid 33)"));
        assertThat(run.learning().facts().readOnlyRootFilesystem()).isTrue();
        assertThat(run.learning().facts().writablePaths()).containsExactly("/var/lib/nginx");
    }

    @Test
    void aNonRootImageWritingAFolderWithContentRunsAtOnceWithAVolumeThere() {
        Shown app = new Shown("1001", List.of(), List.of(new Engine.Change("/opt/app", 0), new Engine.Change("/opt/app/state", 1)),
                Map.of("/opt/app", new Engine.PathEntry(1001, 1001, 0755, true, true)),
                Map.of("/opt/app", new Engine.PathEntry(1001, 1001, 0755, true, true)), 1001, List.of(),
                spec -> !spec.readOnly() || spec.mounts().stream().anyMatch(m -> m.target().equals("/opt/app")),
                spec -> Set.of(1001));

        Run run = learn(app, 16);

        assertThat(run.variants()).hasSize(2);
        assertThat(run.variants().get(1)).isEqualTo(
                "cap_drop ALL and nothing added, no-new-privileges, read-only root, volume /opt/app, pids 200");
        ImageFacts f = run.learning().facts();
        assertThat(f.runsAs()).isEqualTo("1001");
        assertThat(f.nonRootUid()).isEqualTo("1001:1001");
        assertThat(f.rootCapabilities()).isEmpty();
        assertThat(f.dataPaths()).containsExactly("/opt/app");
        assertThat(f.readOnlyRootFilesystem()).as("a tmpfs would hide /opt/app's content: a volume first").isFalse();
        assertThat(f.notes()).contains("/opt/app (a tmpfs there would hide what the image holds there)");
    }

    @Test
    void learnedFactsKeepTheHeapTheImageConfigSetsAsAMemoryHint() {
        Shown app = new Shown("1001", List.of("PATH=/usr/bin", "JAVA_OPTS=-Xms1g -Xmx1g"), List.of(), Map.of(), Map.of(), 1001,
                List.of(), spec -> true, spec -> Set.of(1001));

        ImageFacts f = learn(app, 16).learning().facts();

        assertThat(f.evidence()).isEqualTo("learned");
        assertThat(f.memoryHints()).as("a memory limit below the heap the image sets would kill it").containsExactly(
                "JAVA_OPTS=-Xms1g -Xmx1g");
    }

    @Test
    void aRootStartThatOnlyStepsDownIsTriedAsItsUserFromTheStartFirst() {
        // steps down to 1000 and touches nothing of root's: every folder it writes is already 1000's
        Shown stepper = new Shown("", List.of(), List.of(new Engine.Change("/srv/data", 0), new Engine.Change("/srv/data/x", 1)),
                Map.of("/srv/data", new Engine.PathEntry(1000, 1000, 0755, true, false)),
                Map.of("/srv/data", new Engine.PathEntry(1000, 1000, 0755, true, true)), 1000, List.of(),
                spec -> true, spec -> Set.of(1000));

        Run run = learn(stepper, 16);

        assertThat(run.variants().get(1)).isEqualTo("cap_drop ALL and nothing added, user 1000:1000, no-new-privileges,"
                + " read-only root, volume /srv/data, pids 200");
        ImageFacts f = run.learning().facts();
        assertThat(run.variants()).hasSize(2);
        assertThat(f.nonRootUid()).isEqualTo("1000:1000");
        assertThat(f.runsAs()).isEqualTo("root");
        assertThat(f.rootCapabilities()).isEmpty();
    }

    @Test
    void theReportSaysWhatWasLearnedAndTheJsonCarriesEveryStart() {
        Run run = learn(postgresLike(), 16);
        LearnSession.Step ref = new LearnSession.Step("the service as written", true, "alive", "still running after 0s", null);
        LearnSession.Step t1 = new LearnSession.Step("cap_drop ALL and nothing added", false, "exited", "exited with code 1",
                "chown: changing ownership of '/var/lib/postgresql/data': Operation not permitted");
        LearnSession.Result r = new LearnSession.Result("compose.yaml:db", PG, "sha256:" + "ab".repeat(32), "Fake Engine 1.0 at unix:///x",
                run.learning().facts(), ref, List.of(t1));

        String text = LearnReport.text(r);
        String json = LearnReport.json(r, List.of("/repo/.harden.lock"));

        assertThat(text).contains("learned in 1 trial (0 ran as well as the original):\n",
                "  user: starts as root, steps down by itself\n",
                "  capabilities: drop ALL, add back CHOWN, FOWNER, SETGID, SETUID\n",
                "  read-only root: no: it writes /var/lib/postgresql/data (the image's settings name it as a place for data):"
                        + " mount a volume there, then make the root read-only\n",
                "  volumes: /var/lib/postgresql/data\n", "  ports: 5432\n");
        assertThat(json).contains("\"learned\": true", "\"works\": false", "\"evidence\": \"learned\"",
                "\"recorded\": [\n    \"/repo/.harden.lock\"", "Operation not permitted");
    }

    @Test
    void aSettingThatStopsItIsRelaxedAndTheOthersKept() {
        // it writes somewhere the reference did not show: a read-only root stops it whatever is added back
        Shown writer = new Shown("", List.of(), List.of(), Map.of(), Map.of(), 0, List.of(), spec -> !spec.readOnly(), spec -> Set.of(0));

        Run run = learn(writer, 16);

        assertThat(run.variants()).containsExactly("the service as written",
                "cap_drop ALL and nothing added, no-new-privileges, read-only root, pids 200",
                "cap_drop ALL, cap_add AUDIT_WRITE CHOWN DAC_OVERRIDE FOWNER FSETID KILL MKNOD NET_BIND_SERVICE NET_RAW SETFCAP"
                        + " SETGID SETPCAP SETUID SYS_CHROOT, no-new-privileges, read-only root, pids 200",
                "cap_drop ALL, cap_add AUDIT_WRITE CHOWN DAC_OVERRIDE FOWNER FSETID KILL MKNOD NET_BIND_SERVICE NET_RAW SETFCAP"
                        + " SETGID SETPCAP SETUID SYS_CHROOT, no-new-privileges, pids 200",
                "cap_drop ALL and nothing added, no-new-privileges, pids 200");
        ImageFacts f = run.learning().facts();
        assertThat(f.readOnlyRootFilesystem()).isFalse();
        assertThat(f.noNewPrivileges()).isTrue();
        assertThat(f.rootCapabilities()).isEmpty();
    }

    @Test
    void anOriginalThatDoesNotRunLearnsNothingAndTriesNoVariant() {
        Shown broken = new Shown("", List.of(), List.of(), Map.of(), Map.of(), 0, List.of(), spec -> false, spec -> Set.of());

        Run run = learn(broken, 16);

        assertThat(run.learning().facts()).isNull();
        assertThat(run.learning().attempts()).hasSize(1);
        assertThat(run.learning().reference().ok()).isFalse();
    }

    @Test
    void writtenFoldersAreTheOutermostFoldersThatExistedWithSomethingWrittenInThem() {
        List<Engine.Change> changes = List.of(new Engine.Change("/run", 0), new Engine.Change("/run/nginx.pid", 1),
                new Engine.Change("/var", 0), new Engine.Change("/var/lib", 0), new Engine.Change("/var/lib/nginx", 0),
                new Engine.Change("/var/lib/nginx/body", 1), new Engine.Change("/var/lib/nginx/body/0", 1),
                new Engine.Change("/etc", 0), new Engine.Change("/etc/hosts", 0), new Engine.Change("/etc/app.conf", 0),
                new Engine.Change("/srv", 0), new Engine.Change("/srv/old", 2), new Engine.Change("/data", 0));

        assertThat(Observation.writtenFolders(changes, path -> path.equals("/data")))
                .containsExactly("/data", "/etc", "/run", "/srv", "/var/lib/nginx");
    }

    @Test
    void listeningPortsSkipLoopbackWhereTheEnginesResolverListens() {
        String tcp = """
                  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
                   0: 0B00007F:9D9F 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1
                   1: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1
                   2: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 3 1
                   3: 0200000A:0050 0300000A:C350 01 00000000:00000000 00:00000000 00000000     0        0 4 1
                """;

        assertThat(Observation.listening(tcp)).containsExactly(80);
        assertThat(Observation.listening("  0: 00000000000000000000000001000000:1538 00000000000000000000000000000000:0000 0A x"))
                .isEmpty();
        assertThat(Observation.listening("  0: 00000000000000000000000000000000:1538 00000000000000000000000000000000:0000 0A x"))
                .containsExactly(5432);
    }

    /** A tar stream's first entry and whether another follows, as the engine's archive of a folder starts. */
    @Test
    void aFoldersArchiveSaysItsOwnerModeAndWhetherItHoldsAnything() {
        byte[] empty = new byte[1024];
        header(empty, 0, "data/", '5', 0755, 999, 999);
        byte[] full = new byte[2048];
        header(full, 0, "nginx/", '5', 0755, 0, 0);
        header(full, 512, "nginx/body/", '5', 0700, 33, 0);

        assertThat(DockerEngine.tarStart(empty)).contains(new Engine.PathEntry(999, 999, 0755, true, false));
        assertThat(DockerEngine.tarStart(full)).contains(new Engine.PathEntry(0, 0, 0755, true, true));
        assertThat(DockerEngine.tarStart(new byte[0])).isEmpty();
    }

    private static void header(byte[] tar, int at, String name, char type, int mode, int uid, int gid) {
        byte[] n = name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(n, 0, tar, at, n.length);
        put(tar, at + 100, String.format("%07o", mode));
        put(tar, at + 108, String.format("%07o", uid));
        put(tar, at + 116, String.format("%07o", gid));
        put(tar, at + 124, String.format("%011o", 0));
        tar[at + 156] = (byte) type;
    }

    private static void put(byte[] tar, int at, String octal) {
        byte[] b = octal.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, tar, at, b.length);
    }

    // ---- the engine in memory ---------------------------------------------------------------------

    /**
     * What one fake image shows and does.
     *
     * @param user its config's user
     * @param before each written folder as the image holds it
     * @param after each written folder after the service as written ran
     * @param pid1Uid the uid its first process runs as once up
     * @param runs whether a variant keeps running
     * @param uids the uids of a running variant's processes
     */
    record Shown(String user, List<String> env, List<Engine.Change> changes, Map<String, Engine.PathEntry> before,
                 Map<String, Engine.PathEntry> after, int pid1Uid, List<Integer> listening, Predicate<ContainerSpec> runs,
                 Function<ContainerSpec, Set<Integer>> uids) { }

    record Run(Learning learning, List<String> variants, List<String> progress) { }

    private static Run learn(Shown image, int maxTrials) {
        LearningEngine engine = new LearningEngine(image);
        List<String> progress = new ArrayList<>();
        try (Starter starter = new Starter(engine, "t", new VerifySession.Settings(Duration.ofSeconds(1), Duration.ZERO, 5))) {
            Learning l = new Learner(starter, engine, maxTrials, progress::add)
                    .learn(Learner.asWritten(PG), engine.image(PG).orElseThrow());
            return new Run(l, l.attempts().stream().map(Attempt::variant).toList(), progress);
        }
    }

    /** {@link FakeEngine} for starts, and the image's observations for what learn reads. */
    private static final class LearningEngine implements Engine {
        private final Shown image;
        private final FakeEngine starts;
        private final Map<String, ContainerSpec> byId = new HashMap<>();

        LearningEngine(Shown image) {
            this.image = image;
            this.starts = new FakeEngine(Set.of(PG), spec -> new FakeEngine.Behaviour(image.runs().test(spec), List.of()));
        }

        @Override
        public String version() {
            return starts.version();
        }

        @Override
        public Optional<Engine.Image> image(String name) {
            return starts.image(name).map(i -> new Engine.Image(i.id(), image.user()));
        }

        @Override
        public Optional<ImageDetail> imageDetail(String name) {
            return image(name).map(i -> new ImageDetail("sha256:" + "ab".repeat(32), List.of(), image.user(), List.of(), List.of(),
                    image.env()));
        }

        @Override
        public String createNetwork(String name, Map<String, String> labels) {
            return starts.createNetwork(name, labels);
        }

        @Override
        public void createVolume(String name, Map<String, String> options, Map<String, String> labels) {
            starts.createVolume(name, options, labels);
        }

        @Override
        public String createContainer(String name, ContainerSpec spec, List<String> volumes, String network,
                                      Map<String, String> labels) {
            String id = starts.createContainer(name, spec, volumes, network, labels);
            byId.put(id, spec);
            return id;
        }

        @Override
        public void start(String id) {
            starts.start(id);
        }

        @Override
        public State inspect(String id) {
            return starts.inspect(id);
        }

        @Override
        public List<String> logs(String id, int lines) {
            return starts.logs(id, lines);
        }

        @Override
        public void removeContainer(String id) {
            starts.removeContainer(id);
        }

        @Override
        public void removeVolume(String name) {
            starts.removeVolume(name);
        }

        @Override
        public void removeNetwork(String id) {
            starts.removeNetwork(id);
        }

        @Override
        public int removeLabelled(String label, String value) throws IOException {
            return starts.removeLabelled(label, value);
        }

        @Override
        public List<Change> changes(String id) {
            return image.changes();
        }

        @Override
        public List<Engine.Process> processes(String id) {
            List<Engine.Process> out = new ArrayList<>();
            long pid = 100;
            for (int uid : image.uids().apply(byId.get(id))) {
                out.add(new Engine.Process(pid++, uid, "server"));
            }
            return out;
        }

        @Override
        public Optional<String> exec(String id, List<String> command) {
            if (command.equals(List.of("cat", "/proc/1/status"))) {
                return Optional.of("Name:\tserver\nUid:\t" + image.pid1Uid() + "\t" + image.pid1Uid() + "\t" + image.pid1Uid()
                        + "\t" + image.pid1Uid() + "\nGid:\t" + image.pid1Uid() + "\t" + image.pid1Uid() + "\t0\t0\nCapEff:\t00000000a80425fb\n");
            }
            if (command.equals(List.of("cat", "/proc/net/tcp"))) {
                StringBuilder t = new StringBuilder("  sl  local_address rem_address   st\n");
                for (int port : image.listening()) {
                    t.append(String.format("   0: 00000000:%04X 00000000:0000 0A 0%n", port));
                }
                return Optional.of(t.toString());
            }
            return Optional.empty();
        }

        @Override
        public Optional<PathEntry> path(String id, String path) {
            Map<String, PathEntry> side = id.contains("-image-") ? image.before() : image.after();
            return Optional.ofNullable(side.get(path));
        }
    }
}
