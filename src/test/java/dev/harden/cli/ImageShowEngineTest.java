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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images the test builds from the engine tests' local images (no internet), pushed to a registry
 * on loopback under names no knowledge file has, hardened by {@code harden fix} from their registry
 * facts alone (restricted and strict), then started with the docker client directly: each must run
 * and do its work. One registry serves the class, so the Debian layer is pushed once.
 */
class ImageShowEngineTest {
    private static final String RUN = "harden-show-" + UUID.randomUUID().toString().substring(0, 8);
    private static final List<String> PROFILES = List.of("restricted", "strict");

    @TempDir
    static Path regRoot;
    private static RegistryServer registry;

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
        if (registry != null) {
            registry.close();
        }
    }

    /** Skips unless the registry and an engine holding {@code local} are here. */
    private static void need(String local) {
        assumeTrue(registry != null, Needs.REGISTRY);
        DockerCli.need(local);
    }

    /** Builds a small image from a local one with the classic builder (COPY, ENV, USER, CMD only), pushes it. */
    private String buildAndPush(String name, Map<String, String> context, String... dockerfile) throws Exception {
        Path ctx = Files.createTempDirectory(dir, "ctx");
        for (Map.Entry<String, String> f : context.entrySet()) {
            Path p = ctx.resolve(f.getKey());
            Files.createDirectories(p.getParent());
            Files.writeString(p, f.getValue());
        }
        Files.writeString(ctx.resolve("Dockerfile"), String.join("\n", dockerfile) + "\n");
        String image = registry.host() + "/" + name;
        Object[] built = docker("build", "-q", "-t", image, ctx.toString());
        assertThat((int) built[0]).as((String) built[1]).isZero();
        Object[] push = docker("push", image);
        assertThat((int) push[0]).as((String) push[1]).isZero();
        return image;
    }

    /** Pushes a local image as it is under another name. */
    private static String push(String local, String name) throws Exception {
        String image = registry.host() + "/" + name;
        assertThat((int) docker("tag", local, image)[0]).isZero();
        Object[] push = docker("push", image);
        assertThat((int) push[0]).as((String) push[1]).isZero();
        return image;
    }

    /** A one-service Compose file for the image, hardened from registry facts alone with the profile. */
    private Hardened harden(String image, String profile) throws Exception {
        Path file = dir.resolve(profile + "/compose.yaml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "services:\n  app:\n    image: " + image + "\n");
        Cli r = Cli.run("fix", "--profile", profile, "--image-facts", "registry", file.toString());
        assertThat(r.exit()).as(r.err()).isIn(0, 1);
        Map<?, ?> root = (Map<?, ?>) Plain.firstDocument(Files.readAllBytes(file));
        Map<?, ?> app = (Map<?, ?>) ((Map<?, ?>) root.get("services")).get("app");
        return new Hardened(profile, app, r.out() + r.err());
    }

    /** A hardened service as written, and what harden said. */
    private record Hardened(String profile, Map<?, ?> service, String said) {
        /** The docker run flags the service's settings mean. */
        List<String> runArgs() {
            List<String> args = new ArrayList<>(List.of("--network", "none"));
            list("cap_drop").forEach(c -> args.addAll(List.of("--cap-drop", String.valueOf(c))));
            list("cap_add").forEach(c -> args.addAll(List.of("--cap-add", String.valueOf(c))));
            list("security_opt").forEach(o -> args.addAll(List.of("--security-opt", String.valueOf(o))));
            list("tmpfs").forEach(t -> args.addAll(List.of("--tmpfs", String.valueOf(t))));
            for (Object v : list("volumes")) {
                String s = String.valueOf(v);
                args.addAll(List.of("-v", s.substring(s.indexOf(':') + 1)));
            }
            if (Boolean.TRUE.equals(service.get("read_only"))) {
                args.add("--read-only");
            }
            if (service.get("user") != null) {
                args.addAll(List.of("--user", String.valueOf(service.get("user"))));
            }
            if (service.get("pids_limit") != null) {
                args.addAll(List.of("--pids-limit", String.valueOf(service.get("pids_limit"))));
            }
            if (memory() != null) {
                args.addAll(List.of("--memory", memory()));
            }
            return args;
        }

        String memory() {
            Object mem = service.get("mem_limit");
            if (mem == null && service.get("deploy") instanceof Map<?, ?> d && d.get("resources") instanceof Map<?, ?> r
                    && r.get("limits") instanceof Map<?, ?> l) {
                mem = l.get("memory");
            }
            return mem == null ? null : String.valueOf(mem);
        }

        String image() {
            return String.valueOf(service.get("image"));
        }

        private List<?> list(String key) {
            Object value = service.get(key);
            return value instanceof List<?> l ? l : List.of();
        }
    }

    /** Starts the hardened service with the docker client; the container's name. */
    private static String start(Hardened h, String what) throws Exception {
        String name = RUN + "-" + what + "-" + h.profile();
        List<String> args = new ArrayList<>(List.of("run", "-d", "--name", name));
        args.addAll(h.runArgs());
        args.add(h.image());
        Object[] r = docker(args.toArray(String[]::new));
        assertThat((int) r[0]).as(h.profile() + ": " + args + ": " + r[1]).isZero();
        return name;
    }

    /** Waits until the container's logs hold {@code ready} while it runs; false when it stops first or time runs out. */
    private static boolean readyWithin(String name, String ready, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            String logs = (String) docker("logs", name)[1];
            String running = out("inspect", "-f", "{{.State.Running}}", name);
            if (logs.contains(ready) && running.equals("true")) {
                return true;
            }
            if (running.equals("false")) {
                return false;
            }
            Thread.sleep(300);
        }
        return false;
    }

    private static void remove(List<String> names, String image) throws Exception {
        List<String> args = new ArrayList<>(List.of("rm", "-f", "-v"));
        args.addAll(names);
        docker(args.toArray(String[]::new));
        docker("rmi", image);
    }

    @Test
    void aJvmStyleImageWhoseConfigSetsXms1gGetsAMemoryLimitAboveItsHeapNamingTheImageConfigAndRunsWithIt() throws Exception {
        need("local/busybox:static");
        String image = buildAndPush("team/jvmish:1", Map.of(),
                "FROM local/busybox:static",
                "ENV JAVA_OPTS=-Xms1g",
                "CMD [\"sh\", \"-c\", \"echo jvm-style service up with $JAVA_OPTS; exec sleep 3600\"]");
        List<String> names = new ArrayList<>();
        try {
            for (String profile : PROFILES) {
                Hardened h = harden(image, profile);
                // -Xms1g: the floor is the heap plus 64 MiB; harden leaves a third more (1472M)
                assertThat(h.memory()).as(h.said()).isNotNull();
                long mib = Long.parseLong(h.memory().replaceAll("[^0-9]", ""));
                assertThat(h.memory()).endsWith("M");
                assertThat(mib).as(profile).isGreaterThan(1024 + 64);
                assertThat(h.said()).contains("leaves room for its -Xms1g set in the image config");
                String name = start(h, "jvm");
                names.add(name);
                assertThat(readyWithin(name, "jvm-style service up with -Xms1g", 30)).as(profile + ": " + out("logs", name)).isTrue();
                assertThat(Long.parseLong(out("inspect", "-f", "{{.HostConfig.Memory}}", name))).isEqualTo(mib << 20);
            }
        } finally {
            remove(names, image);
        }
    }

    @Test
    void anImageRunningAsUid1001KeepsWritingUnderOptAppWhenHardenedFromItsRegistryFacts() throws Exception {
        need("local/busybox:static");
        String image = buildAndPush("team/app1001:1", Map.of(
                        "passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1001:1001::/opt/app:/bin/sh\n"
                                + "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n",
                        "group", "root:x:0:\napp:x:1001:\nnogroup:x:65534:\n",
                        "app/README", "the app's own folder: it writes here\n"),
                "FROM local/busybox:static",
                "COPY passwd group /etc/",
                "COPY --chown=1001:1001 app /opt/app",
                "USER 1001",
                "CMD [\"sh\", \"-c\", \"id -u > /opt/app/out.txt && echo app wrote its file && exec sleep 3600\"]");
        List<String> names = new ArrayList<>();
        try {
            for (String profile : PROFILES) {
                Hardened h = harden(image, profile);
                assertThat(h.service().get("user")).as(profile + ": it already runs as 1001").isIn(null, "1001", "1001:1001");
                assertThat(h.said()).contains("/opt/app");
                String name = start(h, "app1001");
                names.add(name);
                assertThat(readyWithin(name, "app wrote its file", 30)).as(profile + ": " + h.runArgs() + " " + out("logs", name)).isTrue();
                assertThat(out("exec", name, "cat", "/opt/app/out.txt")).isEqualTo("1001");
            }
        } finally {
            remove(names, image);
        }
    }

    @Test
    void anImageRunningAsUid1001ThatChmodsItsEmptyFolderStartsOnTheTmpfsHardenMakesWithItsOwnerAndNotWithoutIt() throws Exception {
        need("local/busybox:static");
        String image = buildAndPush("team/owner1001:1", Map.of(
                        "passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1001:1001::/var/lib/app:/bin/sh\n",
                        "group", "root:x:0:\napp:x:1001:\n"),
                "FROM local/busybox:static",
                "COPY passwd group /etc/",
                "RUN mkdir -p /var/lib/app && chown 1001:1001 /var/lib/app",
                "USER 1001",
                // only its owner (or CAP_FOWNER, which a non-root process lacks) may chmod a folder
                "CMD [\"sh\", \"-c\", \"chmod 700 /var/lib/app && echo owner-ok > /var/lib/app/state && echo owns its folder"
                        + " && exec sleep 3600\"]");
        List<String> names = new ArrayList<>();
        try {
            Hardened h = harden(image, "restricted");
            assertThat(h.runArgs()).as(h.said()).contains("--read-only", "/var/lib/app:uid=1001,gid=1001").doesNotContain("--user");
            String name = start(h, "owner");
            names.add(name);
            assertThat(readyWithin(name, "owns its folder", 30)).as(h.runArgs() + " " + out("logs", name)).isTrue();

            // the same settings with a plain tmpfs there: root's folder, which uid 1001 cannot chmod
            List<String> plain = new ArrayList<>(List.of("run", "-d", "--name", name + "-plain"));
            h.runArgs().forEach(a -> plain.add(a.startsWith("/var/lib/app:") ? "/var/lib/app" : a));
            plain.add(h.image());
            names.add(name + "-plain");
            assertThat((int) docker(plain.toArray(String[]::new))[0]).isZero();
            assertThat(readyWithin(name + "-plain", "owns its folder", 10)).isFalse();
            assertThat(out("logs", name + "-plain")).contains("Operation not permitted");
        } finally {
            remove(names, image);
        }
    }

    @Test
    void anImageBuiltFromTheStepDownPostgresImageInheritsWhatItNeedsAndStarts() throws Exception {
        need("local/postgres:deb");
        String image = buildAndPush("team/pg-derived:15", Map.of("derived.txt", "one more layer\n"),
                "FROM local/postgres:deb",
                "COPY derived.txt /usr/local/share/derived.txt");
        List<String> names = new ArrayList<>();
        try {
            for (String profile : PROFILES) {
                Hardened h = harden(image, profile);
                assertThat(h.runArgs()).as(h.said()).contains("CHOWN", "SETUID", "SETGID").doesNotContain("--user");
                String name = start(h, "pgderived");
                names.add(name);
                assertThat(readyWithin(name, "database system is ready to accept connections", 90))
                        .as(profile + ": " + h.runArgs() + " " + out("logs", name)).isTrue();
                assertThat(out("exec", name, "cat", "/usr/local/share/derived.txt")).isEqualTo("one more layer");
            }
        } finally {
            remove(names, image);
        }
    }

    @Test
    void debiansNginxHardenedFromItsRegistryFactsRunsItsMasterAsRootAndItsWorkersAsWwwData() throws Exception {
        need("local/nginx:deb");
        String image = push("local/nginx:deb", "team/web:1");
        List<String> names = new ArrayList<>();
        try {
            for (String profile : PROFILES) {
                Hardened h = harden(image, profile);
                assertThat(h.runArgs()).as(h.said()).contains("CHOWN", "SETUID", "SETGID").doesNotContain("--user");
                String name = start(h, "nginx");
                names.add(name);
                assertThat(readyWithin(name, "nginx-entrypoint: starting as uid 0", 30)).as(profile + ": " + out("logs", name)).isTrue();
                String top = "";
                for (int i = 0; i < 50 && !top.contains("worker process"); i++) {
                    Thread.sleep(200);
                    top = out("top", name, "-o", "pid,uid,args");
                }
                assertThat(top).as(profile + ": " + h.runArgs() + " " + out("logs", name))
                        .containsPattern("(?m)^\\s*\\d+\\s+0\\s+nginx: master process")
                        .containsPattern("(?m)^\\s*\\d+\\s+33\\s+nginx: worker process");
                assertThat(out("exec", name, "stat", "-c", "%U", "/var/lib/nginx/body")).as("it prepared its temp folder")
                        .isEqualTo("www-data");
                assertThat(out("inspect", "-f", "{{.State.Running}}", name)).isEqualTo("true");
            }
        } finally {
            remove(names, image);
        }
    }
}
