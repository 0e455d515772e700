package dev.harden.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.harden.json.Json;
import dev.harden.testing.HardenProcess;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C during {@code harden fix --verify}, sent as SIGINT to a real harden process while the
 * hardened container runs on a real engine: the file stays as it was, nothing is blamed, the
 * containers are gone, and harden says so in one line and exits 130. Skipped without an engine.
 */
class InterruptTest {
    @TempDir
    Path dir;

    @Test
    void ctrlCWhileTheHardenedServiceRunsWritesNothingBlamesNothingAndRemovesItsContainers() throws Exception {
        String host = LocalEngine.host();
        String service = "sigint-" + UUID.randomUUID().toString().substring(0, 8);
        // 'other' cannot be started (no such image), so it keeps its changes: a fix that goes on writes the file
        String text = "services:\n  " + service + ":\n    image: local/busybox:static\n    command: [\"sleep\", \"600\"]\n"
                + "  other:\n    image: local/no-such-image:1\n";
        Path file = Files.writeString(dir.resolve("compose.yaml"), text);
        UnixHttp engine = new UnixHttp(Path.of(host.substring("unix://".length())), Duration.ofSeconds(30));

        HardenProcess harden = HardenProcess.start(dir, Map.of(), "fix", "--verify", "--docker-host", host, file.toString());
        // the original start comes first (sequence 1); the hardened one is sequence 2
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (containers(engine, service).stream().noneMatch(n -> n.endsWith("-2-" + service))) {
            assertThat(System.nanoTime()).as("the hardened start never came; stderr: %s", harden.errSoFar()).isLessThan(deadline);
            Thread.sleep(100);
        }
        boolean hears = harden.hearsSigint();
        if (!hears) {
            harden.kill();
        }
        assumeTrue(hears, "SIGINT is ignored in this environment, so no Ctrl-C can reach harden");
        harden.interrupt();
        HardenProcess.Result r = harden.await(60);

        assertThat(r.exit()).as(r.err()).isEqualTo(130);
        assertThat(Files.readString(file)).isEqualTo(text);
        assertThat(r.err()).contains("harden: interrupted: verify removed the containers it started, blamed nothing, and nothing was written")
                .doesNotContain("left out").doesNotContain("broken by hardening");
        assertThat(containers(engine, service)).isEmpty();
    }

    /** Names of the verify containers of one service, running or not. */
    private static List<String> containers(UnixHttp engine, String service) throws Exception {
        String filter = URLEncoder.encode(Json.write(Map.of("label", List.of(Starter.LABEL + ".service=" + service))).trim(),
                StandardCharsets.UTF_8);
        Object list = Json.parse(engine.send("GET", "/containers/json?all=1&filters=" + filter, null).text());
        return ((List<?>) list).stream().map(c -> String.valueOf(((List<?>) Json.at(c, "Names")).get(0))).toList();
    }
}
