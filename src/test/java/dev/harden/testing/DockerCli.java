package dev.harden.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The docker client against the test engine, for engine tests that start what harden wrote. */
public final class DockerCli {
    private DockerCli() {
    }

    /** The test engine: HARDEN_TEST_DOCKER_HOST, or the private engine of the dev box. */
    public static String host() {
        String h = System.getenv("HARDEN_TEST_DOCKER_HOST");
        return h == null || h.isBlank() ? "unix:///tmp/harden-dkr.sock" : h;
    }

    /** Runs the docker client against the test engine: exit code and output (stdout and stderr together). */
    public static Object[] docker(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("docker"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("DOCKER_HOST", host());
        // the classic builder: tests build from a bare Dockerfile without buildx
        pb.environment().put("DOCKER_BUILDKIT", "0");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Object[] {-1, out};
        }
        return new Object[] {p.exitValue(), out};
    }

    /** The stripped output of a docker command. */
    public static String out(String... args) throws Exception {
        return ((String) docker(args)[1]).strip();
    }

    /** Skips unless an engine holding every one of these images is here. */
    public static void need(String... images) {
        for (String local : images) {
            Object[] have;
            try {
                have = docker("image", "inspect", local);
            } catch (IOException | InterruptedException e) {
                have = new Object[] {-1, e.getMessage()};
            }
            assumeTrue((int) have[0] == 0, "no engine with " + local + " at " + host() + ": " + Needs.ENGINE);
        }
    }
}
