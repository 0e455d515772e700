package dev.harden.cli;

import static dev.harden.testing.DockerCli.docker;
import static dev.harden.testing.DockerCli.need;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An image harden's knowledge does not name, hardened from what its registry says of it, still
 * starts, checked with the engine directly: Debian's PostgreSQL whose entrypoint chowns its data
 * folder and steps down with setpriv (the engine tests' local/postgres:deb), pushed by the engine
 * to a registry on loopback under a name no knowledge file has. Hardened blind, it does not start.
 */
class ImageFactsEngineTest {
    private static final String LOCAL = "local/postgres:deb";

    @TempDir
    Path dir;

    @Test
    void aStepDownImageStartsHardenedFromItsRegistryFactsOrUnderRestrictedWithoutThemButNotHardenedOnAssumptions(@TempDir Path regRoot) throws Exception {
        assumeTrue(RegistryServer.available(), Needs.REGISTRY);
        need(LOCAL);
        String run = "harden-facts-" + UUID.randomUUID().toString().substring(0, 8);
        try (RegistryServer registry = RegistryServer.start(regRoot)) {
            String image = registry.host() + "/team/pgx:15";
            assertThat((int) docker("tag", LOCAL, image)[0]).isZero();
            Object[] push = docker("push", image);
            assertThat((int) push[0]).as((String) push[1]).isZero();
            Path file = dir.resolve("compose.yaml");
            Files.writeString(file, "services:\n  db:\n    image: " + image + "\n");
            Path blindFile = dir.resolve("blind/compose.yaml");
            Files.createDirectories(blindFile.getParent());
            Files.copy(file, blindFile);
            Path plainFile = dir.resolve("plain/compose.yaml");
            Files.createDirectories(plainFile.getParent());
            Files.copy(file, plainFile);
            // restricted as it was before unknownImages: changes an unknown image on its assumptions
            Path assuming = Files.writeString(dir.resolve("assuming.yaml"), "extends: restricted\nunknownImages: assume\n");

            Cli facts = Cli.run("fix", "--profile", "restricted", "--image-facts", "registry", file.toString());
            Cli blind = Cli.run("fix", "--profile", assuming.toString(), blindFile.toString());
            Cli plain = Cli.run("fix", "--profile", "restricted", plainFile.toString());

            assertThat(facts.exit()).as(facts.err()).isZero();
            assertThat(facts.err()).contains("uid 999 writes");
            List<String> withFacts = runArgs(file);
            List<String> withoutFacts = runArgs(blindFile);
            List<String> restricted = runArgs(plainFile);
            assertThat(withFacts).contains("--cap-add", "CHOWN", "SETUID", "SETGID").doesNotContain("--user");
            assertThat(plain.exit()).as(plain.err()).isZero();
            assertThat(restricted).doesNotContain("--cap-drop", "--read-only", "--user");
            try {
                start(run + "-facts", withFacts, image);
                start(run + "-blind", withoutFacts, image);
                start(run + "-plain", restricted, image);
                assertThat(readyWithin(run + "-facts", 60)).as("hardened from its registry facts, postgres starts").isTrue();
                assertThat(readyWithin(run + "-plain", 60)).as("under restricted without facts, postgres starts").isTrue();
                Object[] state = docker("inspect", "-f", "{{.State.Running}}", run + "-blind");
                Object[] logs = docker("logs", run + "-blind");
                assertThat(((String) state[1]).strip()).as("hardened blind, it does not").isEqualTo("false");
                assertThat((String) logs[1]).as("its entrypoint cannot chown its data folder").contains("chown: changing ownership");
            } finally {
                docker("rm", "-f", run + "-facts", run + "-blind", run + "-plain");
                docker("rmi", image);
            }
        }
    }

    /** The docker run flags for the hardened service, read from the file as written. */
    private static List<String> runArgs(Path file) throws Exception {
        Map<?, ?> root = (Map<?, ?>) Plain.firstDocument(Files.readAllBytes(file));
        Map<?, ?> db = (Map<?, ?>) ((Map<?, ?>) root.get("services")).get("db");
        List<String> args = new ArrayList<>(List.of("--network", "none"));
        for (Object c : list(db, "cap_drop")) {
            args.addAll(List.of("--cap-drop", String.valueOf(c)));
        }
        for (Object c : list(db, "cap_add")) {
            args.addAll(List.of("--cap-add", String.valueOf(c)));
        }
        for (Object o : list(db, "security_opt")) {
            args.addAll(List.of("--security-opt", String.valueOf(o)));
        }
        if (Boolean.TRUE.equals(db.get("read_only"))) {
            args.add("--read-only");
        }
        for (Object t : list(db, "tmpfs")) {
            args.addAll(List.of("--tmpfs", String.valueOf(t)));
        }
        if (db.get("user") != null) {
            args.addAll(List.of("--user", String.valueOf(db.get("user"))));
        }
        if (db.get("pids_limit") != null) {
            args.addAll(List.of("--pids-limit", String.valueOf(db.get("pids_limit"))));
        }
        return args;
    }

    /** A list under {@code key}, empty when the key is absent. */
    private static List<?> list(Map<?, ?> mapping, String key) {
        Object value = mapping.get(key);
        return value == null ? List.of() : (List<?>) value;
    }

    private static void start(String name, List<String> flags, String image) throws Exception {
        List<String> args = new ArrayList<>(List.of("run", "-d", "--name", name));
        args.addAll(flags);
        args.add(image);
        Object[] r = docker(args.toArray(String[]::new));
        assertThat((int) r[0]).as((String) r[1]).isZero();
    }

    private static boolean readyWithin(String name, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            String logs = (String) docker("logs", name)[1];
            String running = ((String) docker("inspect", "-f", "{{.State.Running}}", name)[1]).strip();
            if (logs.contains("database system is ready to accept connections") && running.equals("true")) {
                return true;
            }
            if (running.equals("false")) {
                return false;
            }
            Thread.sleep(500);
        }
        return false;
    }
}
