package dev.harden.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harden.cli.HardenCommand;
import dev.harden.engine.FileHardener;
import dev.harden.image.ImageFacts;
import dev.harden.image.ImageKnowledge;
import dev.harden.profile.RepoConfig;
import dev.harden.testing.Fixtures;
import dev.harden.yaml.Limits;
import dev.harden.yaml.Plain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Verify repairs before it retreats, on a real engine: a step-down image no source of facts knows
 * (the engine tests' local/postgres:deb without their knowledge file), hardened under strict on its
 * assumptions, does not start; hardened again with facts learned from its original start it does,
 * and that is the fix. Skipped when no engine answers (see {@link LocalEngine}).
 */
class RepairEngineTest {
    private static final String IMAGE = "local/postgres:deb";

    @TempDir
    Path dir;

    @Test
    void aStepDownImageStrictBreaksIsRepairedByFixWithVerifyAndTheWrittenFileStartsAndStaysAsItIs() throws Exception {
        String host = LocalEngine.host();
        Path file = compose();
        String original = Files.readString(file);

        Result first = run("fix", "--verify", "--profile", "strict", "--docker-host", host, file.toString());

        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.err()).contains(file + ": app: repaired: kept cap_drop: [ALL]; added back ")
                .contains("user: the image's own (not 10001:10001); facts: learned (learned on ")
                .contains("the facts verify learned for local/postgres:deb go to the lock file")
                .contains("1 service: 0 run before and after, 1 repaired, 0 broken by hardening")
                .doesNotContain("left out");
        String fixed = Files.readString(file);
        assertThat(fixed).startsWith(original.substring(0, original.indexOf("volumes:\n  data:")))
                .contains("    cap_drop:\n      - ALL\n    cap_add:\n      - CHOWN\n").contains("read_only: true")
                .doesNotContain("user:");
        Map<?, ?> app = service(fixed);
        assertThat(list(app, "cap_add")).contains("CHOWN", "SETUID", "SETGID");
        assertThat(Files.readString(dir.resolve(".harden.lock"))).contains("local/postgres:deb").contains("learned");

        Result again = run("fix", "--profile", "strict", file.toString());

        assertThat(again.code()).as(again.err()).isZero();
        assertThat(Files.readString(file)).as("a second fix, without --verify, reads the learned facts from the lock file")
                .isEqualTo(fixed);
        assertThat(startsWithTheDockerClient(fixed)).as("the written file, started with the docker client directly").isTrue();
    }

    @Test
    void whenNoRepairedVariantStartsTheChangeIsLeftOutAsBefore() throws Exception {
        Path file = compose();
        PrunedFix fix;
        try (VerifySession verifier = verifier()) {
            // facts that change the hardening but cannot save it: no capability back for a root entrypoint that chowns
            verifier.learnWith((spec, local) -> new Repairs.Learned(new ImageFacts("local/postgres", "root", true, null,
                    List.of(), List.of("/tmp"), List.of(), true, true, List.of(), "learned", List.of(), null), 2));
            fix = verifier.fix(file, "compose.yaml", Files.readAllBytes(file));
        }

        ServiceResult r = fix.results().get(0);
        assertThat(r.outcome()).isEqualTo(ServiceResult.Outcome.BROKEN_BY_HARDENING);
        assertThat(r.repair()).isNull();
        assertThat(r.culprits()).isNotEmpty();
        assertThat(fix.leftOut()).singleElement().satisfies(d -> assertThat(d.rules()).isEqualTo(r.culprits()));
        FileHardener assuming = new FileHardener(Fixtures.profile("strict"), ImageKnowledge.builtIn(), RepoConfig.none(), Limits.DEFAULT);
        byte[] retreat = assuming.process(file, "compose.yaml", Files.readAllBytes(file), true,
                (rule, subject) -> r.culprits().contains(rule) ? "left out" : null).fixed();
        assertThat(new String(fix.report().fixed(), StandardCharsets.UTF_8)).as("the failed repair's facts are not kept")
                .isEqualTo(new String(retreat, StandardCharsets.UTF_8));
    }

    private record Result(int code, String out, String err) { }

    /** The command line, in this JVM. */
    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = HardenCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private static Map<?, ?> service(String compose) throws Exception {
        return (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) Plain.firstDocument(compose.getBytes(StandardCharsets.UTF_8))).get("services"))
                .get("app");
    }

    private VerifySession verifier() {
        String host = LocalEngine.host();
        ImageKnowledge knowledge = ImageKnowledge.builtIn();
        FileHardener hardener = new FileHardener(Fixtures.profile("strict"), knowledge, RepoConfig.none(), Limits.DEFAULT);
        return VerifySession.connect(host, hardener, knowledge, new VerifySession.Settings(Duration.ofSeconds(10), Duration.ofSeconds(2), 20));
    }

    private Path compose() throws Exception {
        Path file = dir.resolve("compose.yaml");
        Files.writeString(file, "services:\n  app:\n    image: " + IMAGE + "\n    volumes:\n      - data:/var/lib/postgresql/data\n"
                + "volumes:\n  data:\n");
        return file;
    }

    /**
     * Starts the service as the file describes it with {@code docker run} (no harden code in between)
     * and waits for PostgreSQL to say it is ready; removes the container and its volume after.
     */
    private static boolean startsWithTheDockerClient(String compose) throws Exception {
        Map<?, ?> service = service(compose);
        String name = "harden-repair-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> args = new ArrayList<>(List.of("run", "-d", "--name", name, "--network", "none",
                "-v", name + ":/var/lib/postgresql/data"));
        list(service, "cap_drop").forEach(c -> args.addAll(List.of("--cap-drop", c)));
        list(service, "cap_add").forEach(c -> args.addAll(List.of("--cap-add", c)));
        list(service, "security_opt").forEach(o -> args.addAll(List.of("--security-opt", o)));
        list(service, "tmpfs").forEach(t -> args.addAll(List.of("--tmpfs", t)));
        if (Boolean.TRUE.equals(service.get("read_only"))) {
            args.add("--read-only");
        }
        if (service.get("user") != null) {
            args.addAll(List.of("--user", String.valueOf(service.get("user"))));
        }
        if (service.get("pids_limit") != null) {
            args.addAll(List.of("--pids-limit", String.valueOf(service.get("pids_limit"))));
        }
        args.add(IMAGE);
        try {
            String[] started = docker(args.toArray(String[]::new));
            assertThat(started[0]).as(started[1]).isEqualTo("0");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                String logs = docker("logs", name)[1];
                String running = docker("inspect", "-f", "{{.State.Running}}", name)[1].strip();
                if (running.equals("true") && logs.contains("database system is ready to accept connections")) {
                    return true;
                }
                if (running.equals("false")) {
                    return false;
                }
                Thread.sleep(300);
            }
            return false;
        } finally {
            docker("rm", "-f", "-v", name);
            docker("volume", "rm", "-f", name);
        }
    }

    private static List<String> list(Map<?, ?> mapping, String key) {
        Object value = mapping.get(key);
        return value == null ? List.of() : ((List<?>) value).stream().map(String::valueOf).toList();
    }

    /** The docker client against the test engine: exit code and output. */
    private static String[] docker(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("docker"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("DOCKER_HOST", LocalEngine.host());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new String[] {"-1", out};
        }
        return new String[] {String.valueOf(p.exitValue()), out};
    }
}
