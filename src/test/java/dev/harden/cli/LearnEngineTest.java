package dev.harden.cli;

import static dev.harden.testing.DockerCli.docker;
import static dev.harden.testing.DockerCli.host;
import static dev.harden.testing.DockerCli.out;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.harden.testing.DockerCli;
import dev.harden.testing.Needs;
import dev.harden.testing.RegistryServer;
import dev.harden.yaml.Plain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code harden learn} on a real engine: for each image it finishes within its trial bound, the
 * settings {@code harden fix} then writes from the learned facts in {@code .harden.lock} start
 * (checked with the docker client directly), and they are the same as or tighter than what the
 * image's registry facts give: the capabilities added back a subset, a read-only root and a non-root
 * user kept. One registry serves the class.
 */
class LearnEngineTest {
    private static final String RUN = "harden-learn-" + UUID.randomUUID().toString().substring(0, 8);
    private static final Pattern TRIAL = Pattern.compile("harden: trial ([0-9]+) of at most 16: ");

    @TempDir
    static Path regRoot;
    private static RegistryServer registry;
    private static final List<String> CREATED = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void registry() throws Exception {
        if (RegistryServer.available()) {
            registry = RegistryServer.start(regRoot);
        }
    }

    @AfterAll
    static void close() throws Exception {
        for (String image : CREATED) {
            docker("rmi", image);
        }
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void aRootEntrypointThatStepsDownWithSetprivLearnsItsCapabilitiesAndStarts() throws Exception {
        Learned l = learn("local/postgres:deb", "local/postgres:deb");

        assertThat(l.caps()).containsExactlyInAnyOrder("CHOWN", "FOWNER", "SETUID", "SETGID");
        assertThat(l.fixErr()).contains("which local/postgres needs to start as root and step down (learned by starting the image)");
        start(l.args(), "local/postgres:deb", this::postgresReady);
    }

    @Test
    void nginxWithARootMasterAndWwwDataWorkersLearnsToSwitchUsersAndStarts() throws Exception {
        Learned l = learn("local/nginx:deb", "local/nginx:deb");

        assertThat(l.caps()).containsExactlyInAnyOrder("CHOWN", "SETUID", "SETGID");
        start(l.args(), "local/nginx:deb", name -> up(name, 3) && out("top", name, "-eo", "pid,uid").matches("(?s).*\\s33\\s*(\\n.*)?"));
    }

    @Test
    void anImageRunningAsUid1001ThatWritesUnderOptAppNeedsNoCapabilityAndStarts() throws Exception {
        String image = build("local/learn-app:" + RUN, "FROM local/busybox:static",
                "RUN mkdir -p /opt/app && echo 'echo hi' > /opt/app/run.sh && chown -R 1001:1001 /opt/app",
                "USER 1001", "CMD [\"sh\", \"-c\", \"date > /opt/app/state && exec sleep 3600\"]");

        Learned l = learn(image, "local/busybox:static");

        assertThat(l.caps()).isEmpty();
        assertThat(l.args()).doesNotContain("--user");
        start(l.args(), image, name -> up(name, 3) && out("exec", name, "cat", "/opt/app/state").matches("(?s).*[0-9]{4}.*"));
    }

    @Test
    void anImageBuiltFromThePostgresImageLearnsWhatItsBaseNeedsAndStarts() throws Exception {
        String image = build("local/learn-pgx:" + RUN, "FROM local/postgres:deb", "ENV LEARN_TEST=1",
                "LABEL org.opencontainers.image.base.name=local/postgres:deb");

        Learned l = learn(image, "local/postgres:deb");

        assertThat(l.caps()).containsExactlyInAnyOrder("CHOWN", "FOWNER", "SETUID", "SETGID");
        start(l.args(), image, this::postgresReady);
    }

    @Test
    void aJvmStyleImageWhoseConfigSetsXms1gKeepsAMemoryLimitAboveItsHeapOnceLearnedAndStarts() throws Exception {
        String image = build("local/learn-jvm:" + RUN, "FROM local/busybox:static", "ENV JAVA_OPTS=-Xms1g",
                "CMD [\"sh\", \"-c\", \"echo jvm-style service up with $JAVA_OPTS; exec sleep 3600\"]");

        Learned l = learn(image, "local/busybox:static");

        assertThat(l.caps()).isEmpty();
        Map<?, ?> root = (Map<?, ?>) Plain.firstDocument(Files.readAllBytes(dir.resolve("compose.yaml")));
        Map<?, ?> app = (Map<?, ?>) ((Map<?, ?>) root.get("services")).get("app");
        Map<?, ?> limits = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) app.get("deploy")).get("resources")).get("limits");
        String memory = String.valueOf(limits.get("memory"));
        // -Xms1g: the floor is the heap plus 64 MiB, whichever facts the limit rests on
        assertThat(memory).endsWith("M");
        assertThat(Long.parseLong(memory.replaceAll("[^0-9]", ""))).as(l.fixErr()).isGreaterThan(1024 + 64);
        List<String> flags = new ArrayList<>(l.args());
        flags.addAll(List.of("--memory", memory));
        start(flags, image, name -> up(name, 3) && out("logs", name).contains("jvm-style service up with -Xms1g"));
    }

    /** What learning and fixing one image gave, and what its registry facts give. */
    private record Learned(List<String> caps, List<String> args, String fixErr) { }

    /**
     * Learns {@code image} as a Compose service, records it in the lock file, fixes the file from it,
     * and compares the result with a fix of the same image, pushed to the registry, from its registry facts.
     */
    private Learned learn(String image, String needs) throws Exception {
        need(needs);
        Path file = dir.resolve("compose.yaml");
        Files.writeString(file, "services:\n  app:\n    image: " + image + "\n");

        long started = System.nanoTime();
        Cli learn = Cli.run("learn", "--docker-host", host(), "--settle", "2", "--timeout", "30", "--lock", file + ":app");
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertThat(learn.exit()).as(learn.err()).isZero();
        Matcher m = TRIAL.matcher(learn.err());
        int trials = 0;
        while (m.find()) {
            trials = Integer.parseInt(m.group(1));
        }
        assertThat(trials).as("trials within the bound (%d ms): %s", millis, learn.err()).isBetween(1, 16);
        assertThat(Files.readString(dir.resolve(".harden.lock"))).contains("evidence: \"learned\"", "image: \"" + image + "\"");
        Cli fix = Cli.run("fix", "--profile", "restricted", file.toString());
        assertThat(fix.exit()).as(fix.err()).isZero();
        List<String> args = runArgs(file);

        Path registryFile = dir.resolve("registry/compose.yaml");
        Files.createDirectories(registryFile.getParent());
        Files.writeString(registryFile, "services:\n  app:\n    image: " + push(image) + "\n");
        Cli fromRegistry = Cli.run("fix", "--profile", "restricted", "--image-facts", "registry", registryFile.toString());
        assertThat(fromRegistry.exit()).as(fromRegistry.err()).isZero();
        List<String> registryArgs = runArgs(registryFile);

        List<String> caps = values(args, "--cap-add");
        assertThat(caps).as("learned capabilities within the registry's").isSubsetOf(values(registryArgs, "--cap-add"));
        assertThat(args).contains("--cap-drop", "ALL", "no-new-privileges:true");
        if (registryArgs.contains("--read-only")) {
            assertThat(args).as("read-only kept").contains("--read-only");
        }
        if (registryArgs.contains("--user")) {
            assertThat(values(args, "--user")).as("non-root kept").isNotEmpty().noneMatch(u -> u.equals("0") || u.startsWith("0:"));
        }
        return new Learned(caps, args, fix.err());
    }

    /** Starts the image with the hardened flags, checks it with {@code ready}, and removes it. */
    private static void start(List<String> flags, String image, Ready ready) throws Exception {
        String name = RUN + "-" + Integer.toHexString(image.hashCode());
        List<String> cmd = new ArrayList<>(List.of("run", "-d", "--name", name));
        cmd.addAll(flags);
        cmd.add(image);
        try {
            Object[] r = docker(cmd.toArray(String[]::new));
            assertThat((int) r[0]).as((String) r[1]).isZero();
            assertThat(ready.test(name)).as("%s runs hardened as learned (%s): %s", image, flags, out("logs", name)).isTrue();
        } finally {
            docker("rm", "-f", name);
        }
    }

    /** Whether a started container does its work. */
    private interface Ready {
        boolean test(String name) throws Exception;
    }

    private boolean postgresReady(String name) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String running = out("inspect", "-f", "{{.State.Running}}", name);
            if (out("logs", name).contains("database system is ready to accept connections") && running.equals("true")) {
                return true;
            }
            if (running.equals("false")) {
                return false;
            }
            Thread.sleep(500);
        }
        return false;
    }

    /** Still running after {@code seconds}. */
    private static boolean up(String name, int seconds) throws Exception {
        Thread.sleep(seconds * 1000L);
        return out("inspect", "-f", "{{.State.Running}}", name).equals("true");
    }

    /** The docker run flags for the hardened service, read from the file as written. */
    private static List<String> runArgs(Path file) throws Exception {
        Map<?, ?> root = (Map<?, ?>) Plain.firstDocument(Files.readAllBytes(file));
        Map<?, ?> app = (Map<?, ?>) ((Map<?, ?>) root.get("services")).get("app");
        List<String> args = new ArrayList<>(List.of("--network", "none"));
        for (String[] flag : new String[][] {{"cap_drop", "--cap-drop"}, {"cap_add", "--cap-add"},
                {"security_opt", "--security-opt"}, {"tmpfs", "--tmpfs"}}) {
            Object value = app.get(flag[0]);
            for (Object v : value == null ? List.of() : (List<?>) value) {
                args.addAll(List.of(flag[1], String.valueOf(v)));
            }
        }
        if (Boolean.TRUE.equals(app.get("read_only"))) {
            args.add("--read-only");
        }
        if (app.get("user") != null) {
            args.addAll(List.of("--user", String.valueOf(app.get("user"))));
        }
        if (app.get("pids_limit") != null) {
            args.addAll(List.of("--pids-limit", String.valueOf(app.get("pids_limit"))));
        }
        return args;
    }

    private static List<String> values(List<String> args, String flag) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i + 1 < args.size(); i++) {
            if (args.get(i).equals(flag)) {
                out.add(args.get(i + 1));
            }
        }
        return out;
    }

    /** Skips unless the registry and an engine holding {@code local} are here. */
    private static void need(String local) {
        assumeTrue(registry != null, Needs.REGISTRY);
        DockerCli.need(local);
    }

    /** Builds a local image with the classic builder from a Dockerfile alone. */
    private String build(String tag, String... dockerfile) throws Exception {
        need(dockerfile[0].substring("FROM ".length()));
        Path ctx = Files.createTempDirectory(dir, "ctx");
        Files.writeString(ctx.resolve("Dockerfile"), String.join("\n", dockerfile) + "\n");
        Object[] built = docker("build", "-q", "-t", tag, ctx.toString());
        assertThat((int) built[0]).as((String) built[1]).isZero();
        CREATED.add(tag);
        return tag;
    }

    /** The same image under a name in the registry. */
    private static String push(String local) throws Exception {
        String image = registry.host() + "/learn/" + local.substring(local.lastIndexOf('/') + 1).replace(':', '-') + ":t";
        assertThat((int) docker("tag", local, image)[0]).isZero();
        CREATED.add(image);
        Object[] push = docker("push", image);
        assertThat((int) push[0]).as((String) push[1]).isZero();
        return image;
    }

}
