package dev.harden.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.harden.testing.FakeForge;
import dev.harden.testing.GitCli;
import dev.harden.testing.GitServer;
import dev.harden.testing.Needs;
import dev.harden.testing.RegistryServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * harden's own container image (src/main/docker), built once for the class by the project's script
 * and started exactly as its example manifests start it: read-only root, no capabilities,
 * no-new-privileges, uid 65532, a tmpfs at /tmp, no network.
 */
class ContainerImageTest {
    private static final Path SCRIPT = Path.of("src/main/docker/build-image.sh");
    private static final String TAG = "local/harden:test";
    /**
     * Measured: 88 MB (a 61 MB runtime: modules 34 MB, the JVM 23 MB; a 12 MB class data archive; 8 MB
     * of Java libraries, 6 MB of shared libraries, 1 MB of harden). The bound leaves room for a few more
     * modules or libraries, and fails when something as big as a JDK's desktop or compiler modules, or a
     * base distribution, gets in.
     */
    private static final long SIZE_BOUND = 120L * 1000 * 1000;
    private static final List<String> HARDENED = List.of("--read-only", "--cap-drop", "ALL", "--security-opt",
            "no-new-privileges", "--user", "65532:65532", "--tmpfs", "/tmp", "--memory", "512m", "--pids-limit", "200");

    private static String host;
    private static String image;
    private static String problem;
    private static final List<String> containers = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void buildImage() throws Exception {
        String h = System.getenv("HARDEN_TEST_DOCKER_HOST");
        host = h == null || h.isBlank() ? "unix:///tmp/harden-dkr.sock" : h;
        Run version;
        try {
            version = docker("version", "--format", "{{.Server.Version}}");
        } catch (IOException e) {
            version = new Run(-1, "", e.getMessage());
        }
        if (version.exit() != 0) {
            problem = "no Docker engine answers at " + host + " (" + version.err().strip() + "): " + Needs.ENGINE;
            return;
        }
        if (!Files.isRegularFile(Path.of("target/runtime-classpath.txt"))) {
            problem = "target/runtime-classpath.txt is missing: run the tests through Maven ('mvn test' writes it)";
            return;
        }
        long start = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder("sh", SCRIPT.toString(), "--tag", TAG).redirectErrorStream(true);
        pb.environment().put("DOCKER_HOST", host);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        String[] lines = out.strip().split("\n");
        image = lines[lines.length - 1].strip();
        assertThat(image).as(out).startsWith("sha256:");
        System.out.printf("ContainerImageTest: the image took %d ms to build (%s)%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), out.contains("already built") ? "cached" : "built");
    }

    @AfterAll
    static void removeContainers() throws Exception {
        if (!containers.isEmpty()) {
            List<String> args = new ArrayList<>(List.of("rm", "-f"));
            args.addAll(containers);
            docker(args.toArray(String[]::new));
        }
    }

    @Test
    void theImageRunsAsANumericNonRootUserFromScratchWithNoShellAndStaysUnderItsSizeBound() throws Exception {
        assumeTrue(problem == null, () -> problem);
        Run config = docker("image", "inspect", "--format",
                "{{.Config.User}}|{{.Size}}|{{index .Config.Labels \"org.opencontainers.image.version\"}}"
                        + "|{{index .Config.Labels \"org.opencontainers.image.revision\"}}"
                        + "|{{index .Config.Labels \"org.opencontainers.image.source\"}}|{{len .RootFS.Layers}}", image);
        assertThat(config.exit()).as(config.out() + config.err()).isZero();
        String[] f = config.out().strip().split("\\|");
        assertThat(f[0]).isEqualTo("65532:65532");
        assertThat(Long.parseLong(f[1])).isPositive().isLessThan(SIZE_BOUND);
        assertThat(f[2]).isEqualTo(projectVersion());
        assertThat(f[3]).isEqualTo(commit());
        assertThat(f[4]).isEqualTo("https://github.com/harden-dev/harden");
        // FROM scratch: the Dockerfile's five COPY layers and its class data archive are all there is
        assertThat(f[5]).isEqualTo("6");

        Run shell = run(List.of("--entrypoint", "/bin/sh"), "-c", "true");
        assertThat(shell.exit()).as(shell.err()).isNotZero();
        assertThat(shell.err()).contains("/bin/sh").contains("no such file or directory");
    }

    @Test
    void theRuntimeHoldsEveryModuleJdepsFindsInHardenAndItsLibrariesAndNoneOfTheJdksBigOnes() throws Exception {
        assumeTrue(problem == null, () -> problem);
        Run modules = run(List.of("--entrypoint", "/opt/java/bin/java"), "--list-modules");
        assertThat(modules.exit()).as(modules.out() + modules.err()).isZero();
        Set<String> inImage = Arrays.stream(modules.out().strip().split("\n"))
                .map(line -> line.replaceAll("@.*", "").strip()).collect(Collectors.toCollection(TreeSet::new));
        assertThat(inImage).containsAll(scriptModules()).containsAll(jdepsModules())
                .doesNotContain("java.desktop", "jdk.compiler", "jdk.jshell", "java.se");
        // no class names it, but TLS with a forge or registry negotiates elliptic curves through it
        Run providers = run(List.of("--entrypoint", "/opt/java/bin/java"), "-XshowSettings:security:providers", "-version");
        assertThat(providers.exit()).as(providers.out() + providers.err()).isZero();
        assertThat(providers.err()).contains("Provider name: SunEC");
    }

    @Test
    void prInTheHardenedContainerClonesIntoItsTmpfsPushesTheFixAndOpensOnePullRequest() throws Exception {
        assumeTrue(problem == null, () -> problem);
        assumeTrue(GitServer.available(), Needs.GIT_SERVER);
        String token = "ghp_ContainerTestToken1234";
        try (GitServer server = GitServer.start(Files.createDirectories(dir.resolve("server")), "x-access-token", token)) {
            Path bare = server.repository("shop");
            GitCli.seed(bare, Map.of("deploy/compose.yaml", "services:\n  web:\n    image: nginx:1.27\n"));
            try (FakeForge fake = new FakeForge(FakeForge.Dialect.GITHUB, token, "acme/shop", branch -> GitCli.tip(bare, branch) != null)) {
                // the host's loopback, where the git server and the forge listen; the token as the Indexed Job passes it
                Run r = run(List.of("--network", "host", "-e", "HARDEN_TOKEN=" + token), "pr", "--clone", server.url("shop"),
                        "--repo", "acme/shop", "--api-url", fake.apiUrl(), "--write-interval", "0");

                assertThat(r.exit()).as(r.out() + r.err()).isZero();
                assertThat(r.out()).isEqualTo("opened: https://github.example/acme/shop/pull/1\n");
                assertThat(r.err()).contains("pushed harden/restricted").doesNotContain(token);
                assertThat(fake.prs()).hasSize(1);
                assertThat(GitCli.git(bare, "show", "harden/restricted:deploy/compose.yaml")).contains("cap_drop:", "read_only: true");
            }
        }
    }

    @Test
    void theVersionOptionAnswersInTheHardenedContainerWithTheBuildsVersionAndCommitFromClassesInTheImagesArchive() throws Exception {
        assumeTrue(problem == null, () -> problem);
        // the class loading log shows where each class came from: harden's own from the image's class data archive
        Run r = run(List.of("-e", "JAVA_TOOL_OPTIONS=-Xlog:class+load=info:stderr"), "--version");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).startsWith("harden " + projectVersion() + " (commit " + commit() + ")\nJava 17.");
        assertThat(r.err()).contains(" dev.harden.cli.Main source: shared objects file\n",
                " picocli.CommandLine source: shared objects file\n");
    }

    @Test
    void itsOwnManifestsPassStrictInTheContainerOverAReadOnlyCopyOfTheExamplesAndAnUnhardenedOneDoesNot() throws Exception {
        assumeTrue(problem == null, () -> problem);
        Path examples = readableCopy(Path.of("examples"), dir.resolve("examples"));
        List<String> mount = List.of("-v", examples + ":/work/examples:ro", "-w", "/work");

        Run bulk = run(mount, "check", "--profile", "strict", "examples/bulk");
        assertThat(bulk.exit()).as(bulk.err()).isZero();
        assertThat(bulk.err()).contains("2 files checked with profile strict: 0 open");
        assertThat(bulk.out())
                .containsOnlyOnce("exempted image-tag-pinned [Job/harden-rollout/harden]");
        Run compose = run(mount, "check", "--profile", "strict", "examples/container");
        assertThat(compose.exit()).as(compose.out() + compose.err()).isZero();
        assertThat(compose.err()).contains("1 file checked with profile strict: 0 open (0 fixable with 'harden fix'), 3 exempted");
        // an unhardened example: findings and exit 1, word for word what the harden these tests run in-process says
        Run unhardened = run(mount, "check", "--profile", "strict", "--offline", "examples/kubernetes");
        Cli here = Cli.run("check", "--profile", "strict", "--offline", "examples/kubernetes");
        assertThat(unhardened.exit()).as(unhardened.out() + unhardened.err()).isEqualTo(1).isEqualTo(here.exit());
        assertThat(unhardened.out()).contains("error cap-drop-all [Deployment/web/web]").isEqualTo(here.out());
        assertThat(unhardened.err()).isEqualTo(here.err());
    }

    @Test
    void fixDiffOnAComposeFileInTheContainerPrintsTheDiffHardenPrintsHereAndWritesNothing() throws Exception {
        assumeTrue(problem == null, () -> problem);
        Path work = Files.createDirectories(dir.resolve("work"));
        String original = "services:\n  web:\n    image: nginx:1.27.3  # front door\n    ports:\n      - \"8080:80\"\n";
        Path file = Files.writeString(work.resolve("compose.yaml"), original);
        readable(work);

        Run diff = run(List.of("-v", work + ":/work:ro", "-w", "/work"), "fix", "--diff", "--offline", "--profile", "restricted", "compose.yaml");

        Cli here = Cli.run("fix", "--diff", "--offline", "--profile", "restricted", file.toString());
        assertThat(diff.exit()).as(diff.out() + diff.err()).isEqualTo(here.exit());
        assertThat(diff.out()).contains("--- a/compose.yaml", "+++ b/compose.yaml", "+    cap_drop:", "+    read_only: true")
                .contains(here.out().substring(here.out().indexOf("@@")));
        assertThat(Files.readString(file)).isEqualTo(original);
    }

    @Test
    void pushedToARegistryTheImageIsPinnedByHardenInTheIndexedJobToTheDigestThePushGaveWithNoExemptionLeft(@TempDir Path regRoot)
            throws Exception {
        assumeTrue(problem == null, () -> problem);
        assumeTrue(RegistryServer.available(), Needs.REGISTRY);
        try (RegistryServer registry = RegistryServer.start(regRoot)) {
            String pushed = registry.host() + "/platform/harden:1.0.0";
            assertThat(docker("tag", image, pushed).exit()).isZero();
            try {
                Run push = docker("push", pushed);
                assertThat(push.exit()).as(push.out() + push.err()).isZero();
                Matcher digest = Pattern.compile("digest: (sha256:[0-9a-f]{64})").matcher(push.out());
                assertThat(digest.find()).as(push.out()).isTrue();
                Path bulk = Files.createDirectories(dir.resolve("bulk"));
                String job = Files.readString(Path.of("examples/bulk/indexed-job.yaml"))
                        .replace("registry.example.com/platform/harden:1.0.0", pushed);
                Path file = Files.writeString(bulk.resolve("indexed-job.yaml"), job);
                Files.copy(Path.of("examples/bulk/indexed-job.network-policies.yaml"), bulk.resolve("indexed-job.network-policies.yaml"));

                Cli fix = Cli.run("fix", "--profile", "strict", file.toString());

                assertThat(fix.exit()).as(fix.out() + fix.err()).isZero();
                assertThat(Files.readString(file)).isEqualTo(job.replace(pushed, pushed + "@" + digest.group(1)));
                Cli check = Cli.run("check", "--profile", "strict", bulk.toString());
                assertThat(check.exit()).as(check.out() + check.err()).isZero();
                assertThat(check.err()).contains("2 files checked with profile strict: 0 open (0 fixable with 'harden fix'), 0 exempted");
            } finally {
                docker("rmi", pushed);
            }
        }
    }

    private static String commit() throws IOException {
        return Files.readString(Path.of("target/classes/dev/harden/commit.txt")).strip();
    }

    private static String projectVersion() throws IOException {
        Matcher m = Pattern.compile("<version>([^<]+)</version>").matcher(Files.readString(Path.of("pom.xml")));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    /** The module list the build script gives jlink. */
    private static Set<String> scriptModules() throws IOException {
        Matcher m = Pattern.compile("(?m)^modules=(\\S+)$").matcher(Files.readString(SCRIPT));
        assertThat(m.find()).as("modules= in " + SCRIPT).isTrue();
        return new TreeSet<>(List.of(m.group(1).split(",")));
    }

    /** The JDK modules harden's classes and its runtime libraries use, as jdeps finds them. */
    private static Set<String> jdepsModules() throws IOException {
        List<String> args = new ArrayList<>(List.of("--multi-release", "base", "--ignore-missing-deps", "--print-module-deps",
                "target/classes"));
        args.addAll(List.of(Files.readString(Path.of("target/runtime-classpath.txt")).strip().split(":")));
        StringWriter out = new StringWriter();
        int code = ToolProvider.findFirst("jdeps").orElseThrow().run(new PrintWriter(out), new PrintWriter(out), args.toArray(String[]::new));
        assertThat(code).as(out.toString()).isZero();
        String last = out.toString().strip().lines().reduce((a, b) -> b).orElseThrow();
        return new TreeSet<>(List.of(last.split(",")));
    }

    /** A copy of a tree that uid 65532 can read (a test's temporary folder is private to its owner). */
    private Path readableCopy(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return readable(to);
    }

    private Path readable(Path top) throws IOException {
        for (Path p = top; p != null && p.startsWith(dir); p = p.getParent()) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
        }
        try (Stream<Path> paths = Files.walk(top)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return top;
    }

    /**
     * Starts the image hardened as the example manifests say, with no network unless the options give
     * one, with extra docker options and harden's arguments.
     */
    private static Run run(List<String> options, String... args) throws IOException, InterruptedException {
        String name = "harden-image-test-" + UUID.randomUUID().toString().substring(0, 8);
        synchronized (containers) {
            containers.add(name);
        }
        List<String> cmd = new ArrayList<>(List.of("run", "--rm", "--name", name));
        cmd.addAll(HARDENED);
        if (!options.contains("--network")) {
            cmd.addAll(List.of("--network", "none"));
        }
        cmd.addAll(options);
        cmd.add(image);
        cmd.addAll(List.of(args));
        return docker(cmd.toArray(String[]::new));
    }

    /** What a docker client command printed and its exit code. */
    record Run(int exit, String out, String err) { }

    private static Run docker(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("docker"));
        cmd.addAll(List.of(args));
        Path err = Files.createTempFile("harden-image-test", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile());
            pb.environment().put("DOCKER_HOST", host);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            boolean done = p.waitFor(300, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly();
            }
            return new Run(done ? p.exitValue() : -1, out, Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.delete(err);
        }
    }
}
