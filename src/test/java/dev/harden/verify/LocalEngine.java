package dev.harden.verify;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.harden.testing.Needs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The Docker engine the engine tests use: {@code HARDEN_TEST_DOCKER_HOST} (which {@code .ci/run}
 * exports), else the private socket {@code .ci/run} starts. Tests using it are skipped, not failed,
 * when no engine answers or the local test images cannot be built.
 */
final class LocalEngine {
    static final List<String> IMAGES = List.of("local/busybox:static", "local/nginx:deb", "local/nginx:deb-user",
            "local/postgres:deb", "local/postgres:deb-user", "local/redis:deb", "local/redis:deb-user");
    /** What builds the images by hand. */
    private static final String ENGINE_IMAGES = "DOCKER_HOST=... sh src/test/docker/build-test-images.sh builds them;"
            + " it needs debootstrap and busybox-static, which 'source .ci/engine.sh' installs as root";
    private static String host;
    private static String problem;

    private LocalEngine() {
    }

    /** The engine's address with every test image built; skips the calling test when that cannot be had. */
    static synchronized String host() {
        if (host == null && problem == null) {
            prepare();
        }
        assumeTrue(problem == null, () -> problem);
        return host;
    }

    private static void prepare() {
        String h = System.getenv("HARDEN_TEST_DOCKER_HOST");
        if (h == null || h.isBlank()) {
            h = "unix:///tmp/harden-dkr.sock";
        }
        DockerEngine engine;
        try {
            engine = DockerEngine.at(h);
            engine.version();
        } catch (IOException | RuntimeException e) {
            problem = "no Docker engine answers at " + h + " (" + e.getMessage() + "): " + Needs.ENGINE;
            return;
        }
        try {
            boolean missing = false;
            for (String image : IMAGES) {
                missing |= engine.image(image).isEmpty();
            }
            if (missing) {
                Path log = Files.createTempFile("harden-test-images", ".log");
                ProcessBuilder pb = new ProcessBuilder("sh", "src/test/docker/build-test-images.sh")
                        .redirectErrorStream(true).redirectOutput(log.toFile());
                pb.environment().put("DOCKER_HOST", h);
                int code = pb.start().waitFor();
                if (code != 0) {
                    problem = "the test images could not be built (" + ENGINE_IMAGES + "): "
                            + Files.readString(log, StandardCharsets.UTF_8).strip();
                    return;
                }
            }
        } catch (IOException e) {
            problem = "the test images could not be built (" + ENGINE_IMAGES + "): " + e.getMessage();
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = "interrupted while building the test images";
            return;
        }
        host = h;
    }
}
