package dev.harden.cli;

import static dev.harden.testing.DockerCli.docker;
import static dev.harden.testing.DockerCli.host;
import static dev.harden.testing.DockerCli.need;
import static dev.harden.testing.DockerCli.out;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.harden.image.ImageFacts;
import dev.harden.image.ImageFactsSource;
import dev.harden.image.ImageRef;
import dev.harden.image.Pins;
import dev.harden.registry.Logins;
import dev.harden.registry.Registry;
import dev.harden.testing.Needs;
import dev.harden.testing.RegistryServer;
import dev.harden.verify.LocalEngineImages;
import dev.harden.yaml.Plain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Facts read from the local engine (inspect and saved image) against the engine tests' local
 * images: they are the facts the registry gives for the same image pushed to a registry on
 * loopback, and {@code harden fix --image-facts engine} hardens an image only the engine has into
 * settings that start, checked with the docker client directly.
 */
class EngineFactsEngineTest {
    private static final String RUN = "harden-ef-" + UUID.randomUUID().toString().substring(0, 8);

    @TempDir
    Path dir;

    private static ImageFacts engineFacts(String image) {
        List<String> said = new ArrayList<>();
        ImageFactsSource engine = new ImageFactsSource(() -> {
            throw new AssertionError("--image-facts engine asks no registry");
        }, LocalEngineImages.at(host(), Duration.ofSeconds(120)), false, Pins.none(), null, said::add, said::add);
        return engine.apply(ImageRef.parse(image).orElseThrow()).orElseThrow(() -> new AssertionError(image + ": " + said));
    }

    @Test
    void theEnginesFactsForPostgresNginxAndRedisAreTheFactsTheirRegistryGivesForTheSameImage(@TempDir Path regRoot) throws Exception {
        assumeTrue(RegistryServer.available(), Needs.REGISTRY);
        List<String> locals = List.of("local/postgres:deb", "local/nginx:deb", "local/redis:deb-user");
        need(locals.toArray(String[]::new));
        List<String> pushed = new ArrayList<>();
        try (RegistryServer server = RegistryServer.start(regRoot)) {
            Registry registry = Registry.create(Logins.none(), Set.of(), Duration.ofSeconds(60));
            for (String local : locals) {
                String image = server.host() + "/" + RUN + "/" + local.substring("local/".length());
                assertThat((int) docker("tag", local, image)[0]).isZero();
                pushed.add(image);
                Object[] push = docker("push", image);
                assertThat((int) push[0]).as((String) push[1]).isZero();
                String digest = out("image", "inspect", "-f", "{{range .RepoDigests}}{{println .}}{{end}}", image).lines()
                        .filter(d -> d.startsWith(server.host() + "/")).findFirst().orElseThrow();
                List<String> said = new ArrayList<>();
                ImageFacts fromRegistry = new ImageFactsSource(() -> registry, Pins.none(), null, said::add)
                        .apply(ImageRef.parse(digest).orElseThrow()).orElseThrow(() -> new AssertionError(digest + ": " + said));

                ImageFacts fromEngine = engineFacts(local);

                assertThat(fromEngine.runsAs()).as(local).isEqualTo(fromRegistry.runsAs());
                assertThat(fromEngine.nonRootUid()).as(local).isEqualTo(fromRegistry.nonRootUid());
                assertThat(fromEngine.dropsPrivileges()).as(local).isEqualTo(fromRegistry.dropsPrivileges());
                assertThat(fromEngine.rootCapabilities()).as(local).isEqualTo(fromRegistry.rootCapabilities());
                assertThat(fromEngine.writablePaths()).as(local).isEqualTo(fromRegistry.writablePaths());
                assertThat(fromEngine.dataPaths()).as(local).isEqualTo(fromRegistry.dataPaths());
                assertThat(fromEngine.ports()).as(local).isEqualTo(fromRegistry.ports());
                assertThat(fromEngine.readOnlyRootFilesystem()).as(local).isEqualTo(fromRegistry.readOnlyRootFilesystem());
                assertThat(fromEngine.sources()).as(local).hasSameSizeAs(fromRegistry.sources())
                        .allSatisfy(s -> assertThat(s).containsPattern("^image (config|files) \\(local engine\\)"));
                assertThat(fromRegistry.sources()).noneSatisfy(s -> assertThat(s).contains("local engine"));
            }
        } finally {
            for (String image : pushed) {
                docker("rmi", image);
            }
        }
    }

    @Test
    void fixWithEngineFactsHardensAnImageOnlyTheEngineHasIntoSettingsThatStart() throws Exception {
        need("local/nginx:deb");
        String image = RUN + "/web:1";
        String name = RUN + "-web";
        assertThat((int) docker("tag", "local/nginx:deb", image)[0]).isZero();
        try {
            Path file = dir.resolve("compose.yaml");
            Files.writeString(file, "services:\n  web:\n    image: " + image + "\n");

            Cli r = Cli.run("fix", "--image-facts", "engine", "--docker-host", host(), file.toString());

            assertThat(r.exit()).as(r.err()).isIn(0, 1);
            assertThat(r.out() + r.err()).contains("(image files (local engine))");
            Map<?, ?> web = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) Plain.firstDocument(Files.readAllBytes(file))).get("services")).get("web");
            assertThat(web.get("cap_drop")).isEqualTo(List.of("ALL"));
            assertThat(web.get("cap_add")).as("the master chowns its folders and hands its workers to www-data on port 80")
                    .isEqualTo(List.of("CHOWN", "NET_BIND_SERVICE", "SETGID", "SETUID"));
            List<String> args = new ArrayList<>(List.of("run", "-d", "--name", name, "--network", "none", "--cap-drop", "ALL"));
            for (Object c : (List<?>) web.get("cap_add")) {
                args.addAll(List.of("--cap-add", String.valueOf(c)));
            }
            for (Object o : (List<?>) web.get("security_opt")) {
                args.addAll(List.of("--security-opt", String.valueOf(o)));
            }
            if (web.get("pids_limit") != null) {
                args.addAll(List.of("--pids-limit", String.valueOf(web.get("pids_limit"))));
            }
            args.add(image);
            Object[] started = docker(args.toArray(String[]::new));
            assertThat((int) started[0]).as(args + ": " + started[1]).isZero();
            String top = "";
            for (int i = 0; i < 50 && !top.contains("worker process"); i++) {
                Thread.sleep(200);
                top = out("top", name, "-o", "pid,uid,args");
            }
            assertThat(top).as(out("logs", name)).containsPattern("(?m)^\\s*\\d+\\s+0\\s+nginx: master process")
                    .containsPattern("(?m)^\\s*\\d+\\s+33\\s+nginx: worker process");
            assertThat(out("inspect", "-f", "{{.State.Running}}", name)).isEqualTo("true");
        } finally {
            docker("rm", "-f", name);
            docker("rmi", image);
        }
    }
}
