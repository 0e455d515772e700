package dev.harden.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.harden.registry.Logins;
import dev.harden.registry.Registry;
import dev.harden.testing.Layers;
import dev.harden.testing.Layers.Item;
import dev.harden.testing.RegistryServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Facts read from an image's config and layers, without running it. The layers are made by GNU tar
 * from folders the test writes (a second opinion on the tar format), owners set with chown.
 */
class ImageInspectionTest {
    @TempDir
    Path dir;

    private static final String PASSWD = "root:x:0:0:root:/root:/bin/sh\npostgres:x:999:999::/var/lib/postgresql:/bin/sh\n"
            + "app:x:1001:0::/opt/app:/bin/sh\n";
    private static final String ENTRYPOINT = """
            #!/bin/sh
            set -e
            # make the data folder ours, then become postgres
            mkdir -p "$PGDATA"
            chown -R postgres "$PGDATA"
            chmod 700 "$PGDATA"
            exec gosu postgres "$@"
            """;

    private byte[] layer(String name, boolean gzip, Item... items) throws IOException, InterruptedException {
        assumeTrue(Layers.canChown(), "chown of test files needs root (CI runs as root)");
        return Layers.layer(dir, name, gzip, items);
    }

    private static ImageFiles stack(ImageConfig config, byte[]... layers) throws IOException {
        ImageFiles files = new ImageFiles();
        for (byte[] l : layers) {
            files.apply(new ByteArrayInputStream(l), p -> ImageInspection.wanted(p, config));
        }
        return files;
    }

    private static ImageConfig config(String json) {
        return ImageConfig.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static final String POSTGRES_CONFIG = """
            {"architecture":"amd64","os":"linux","config":{"Entrypoint":["docker-entrypoint.sh"],"Cmd":["postgres"],
             "Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","PGDATA=/var/lib/postgresql/data"],
             "ExposedPorts":{"5432/tcp":{}},"Volumes":{"/var/lib/postgresql/data":{}},
             "Labels":{"org.opencontainers.image.base.name":"debian:bookworm-slim"}}}""";

    private byte[][] postgresLayers() throws Exception {
        byte[] base = layer("base", true,
                new Item("etc/passwd", 0, "root:x:0:0:root:/root:/bin/sh\n"),
                new Item("etc/group", 0, "root:x:0:\n"),
                new Item("tmp/", 0, null),
                new Item("usr/local/bin/old-tool", 0, "#!/bin/sh\n"));
        byte[] app = layer("app", true,
                new Item("etc/passwd", 0, PASSWD),
                new Item("etc/group", 0, "root:x:0:\npostgres:x:999:\n"),
                new Item("usr/local/bin/docker-entrypoint.sh", 0, ENTRYPOINT),
                new Item("usr/local/bin/.wh.old-tool", 0, ""),
                new Item("var/lib/postgresql/data/", 999, null),
                new Item("var/run/postgresql/", 999, null));
        return new byte[][] {base, app};
    }

    @Test
    void aPostgresLikeImageStartsAsRootStepsDownWithGosuAndNeedsChownSetuidSetgid() throws Exception {
        ImageConfig config = config(POSTGRES_CONFIG);
        byte[][] layers = postgresLayers();
        ImageFiles files = stack(config, layers);

        ImageFacts f = ImageInspection.derive("team/pg", "sha256:" + "1".repeat(64), config, files);

        assertThat(f.runsAs()).isEqualTo("root");
        assertThat(f.dropsPrivileges()).isTrue();
        assertThat(f.nonRootUid()).isNull();
        assertThat(f.rootCapabilities()).containsExactly("CHOWN", "FOWNER", "SETGID", "SETUID");
        assertThat(f.dataPaths()).containsExactly("/var/lib/postgresql/data", "/var/run/postgresql");
        assertThat(f.writablePaths()).containsExactly("/tmp");
        assertThat(f.readOnlyRootFilesystem()).as("a tmpfs at /var/run/postgresql would be root's").isFalse();
        assertThat(f.notes()).contains("uid 999 writes /var/run/postgresql");
        assertThat(f.sources()).anySatisfy(s -> assertThat(s).contains("steps down with gosu to uid 999"))
                .anySatisfy(s -> assertThat(s).contains("built from debian:bookworm-slim"));
        assertThat(files.info("/usr/local/bin/old-tool")).as("whited out by the upper layer").isEmpty();
        assertThat(files.read("/etc/passwd")).contains(PASSWD);
    }

    @Test
    void anImageWithANumericUserRunsAsItAndAFolderWithContentGetsAVolumeNotATmpfs() throws Exception {
        ImageConfig config = config("""
                {"config":{"User":"app","Cmd":["/opt/app/bin/server"],"ExposedPorts":{"8080/tcp":{}}}}""");
        byte[] l = layer("user", false,
                new Item("etc/passwd", 0, PASSWD),
                new Item("etc/group", 0, "root:x:0:\n"),
                new Item("opt/app/", 1001, null),
                new Item("opt/app/bin/server", 1001, "binary"),
                new Item("opt/app/" + "deep/".repeat(30) + "file-with-a-name-longer-than-one-hundred-bytes", 1001, "x"),
                new Item("srv/spool/", 1001, null));

        ImageFacts f = ImageInspection.derive("team/app", null, config, stack(config, l));

        assertThat(f.runsAs()).isEqualTo("1001");
        assertThat(f.nonRootUid()).isEqualTo("1001:0");
        assertThat(f.dropsPrivileges()).isFalse();
        assertThat(f.rootCapabilities()).isEmpty();
        assertThat(f.dataPaths()).containsExactly("/opt/app");
        assertThat(f.writablePaths()).as("its empty folder gets a tmpfs made with its owner").containsExactly("/tmp", "/srv/spool");
        assertThat(f.ownedPaths()).containsExactly("/srv/spool");
        assertThat(f.readOnlyRootFilesystem()).as("/opt/app has content a tmpfs would hide").isFalse();
    }

    @Test
    void anImageRunningAsItsUserFromTheStartWhoseOnlyFolderIsEmptyCanHaveAReadOnlyRootWithATmpfsItOwns() throws Exception {
        ImageConfig config = config("""
                {"config":{"User":"1001","Cmd":["/usr/local/bin/app"]}}""");
        byte[] l = layer("owned", true,
                new Item("etc/passwd", 0, PASSWD),
                new Item("usr/local/bin/app", 0, "binary"),
                new Item("var/lib/app/", 1001, null));

        ImageFacts f = ImageInspection.derive("team/app", null, config, stack(config, l));

        assertThat(f.writablePaths()).containsExactly("/tmp", "/var/lib/app");
        assertThat(f.ownedPaths()).containsExactly("/var/lib/app");
        assertThat(f.dataPaths()).isEmpty();
        assertThat(f.readOnlyRootFilesystem()).isTrue();
        assertThat(f.sources()).contains("image files: /var/lib/app is owned by uid 1001 and empty");
        assertThat(LearnedFacts.of(LearnedFacts.plain("sha256:" + "4".repeat(64), f), "team/app").orElseThrow().ownedPaths())
                .as("kept in the cache and the lock file").containsExactly("/var/lib/app");
    }

    @Test
    void aFolderOfTheUserAnEntrypointStepsDownToStillNeedsAVolumeEvenWhenEmpty() throws Exception {
        ImageFacts f = ImageInspection.derive("team/pg", null, config(POSTGRES_CONFIG), stack(config(POSTGRES_CONFIG), postgresLayers()));

        assertThat(f.ownedPaths()).as("the root entrypoint, not a tmpfs option, hands it over").isEmpty();
        assertThat(f.dataPaths()).contains("/var/run/postgresql");
    }

    @Test
    void aLowPortNeedsNetBindService() throws Exception {
        ImageConfig config = config("{\"config\":{\"Cmd\":[\"nginx\",\"-g\",\"daemon off;\"],\"ExposedPorts\":{\"80/tcp\":{}}}}");

        ImageFacts f = ImageInspection.derive("team/web", null, config,
                stack(config, layer("web", true, new Item("etc/passwd", 0, PASSWD))));

        assertThat(f.rootCapabilities()).containsExactly("NET_BIND_SERVICE");
        assertThat(f.sources()).anySatisfy(s -> assertThat(s).contains("exposes port 80"));
    }

    @Test
    void jvmHeapFlagsInTheConfigsEnvironmentEntrypointAndCommandAreMemoryHintsWithTheirSource() throws Exception {
        ImageConfig config = config("""
                {"config":{"Entrypoint":["java","-Xmx768m","-jar","/app.jar"],"Cmd":["--port","8080"],
                 "Env":["PATH=/usr/bin:/bin","JAVA_OPTS=-Xms1g -XX:+UseG1GC","ES_JAVA_OPTS=-Xms2g -Xmx2g","LANG=C.UTF-8"]}}""");

        ImageFacts f = ImageInspection.derive("team/jvm", "sha256:" + "2".repeat(64), config,
                stack(config, layer("jvm", true, new Item("etc/passwd", 0, PASSWD))));

        assertThat(f.memoryHints()).containsExactly("JAVA_OPTS=-Xms1g -XX:+UseG1GC", "ES_JAVA_OPTS=-Xms2g -Xmx2g",
                "Entrypoint: -Xmx768m");
        assertThat(f.sources()).anySatisfy(s -> assertThat(s).startsWith("image config of sha256:2222")
                .contains("sets a JVM heap (JAVA_OPTS=-Xms1g -XX:+UseG1GC;"));
        assertThat(LearnedFacts.of(LearnedFacts.plain("sha256:" + "2".repeat(64), f), "team/jvm").orElseThrow().memoryHints())
                .as("kept in the cache and the lock file").isEqualTo(f.memoryHints());
    }

    @Test
    void jvmHeapDefaultsInTheScriptsTheEntrypointAndCommandNameAreMemoryHintsNamingTheirFile() throws Exception {
        ImageConfig config = config("""
                {"config":{"Entrypoint":["/docker-entrypoint.sh"],"Cmd":["run-app","--port","8080"],
                 "Env":["PATH=/opt/app/bin:/usr/bin:/bin"]}}""");
        byte[] l = layer("scripts", true,
                new Item("etc/passwd", 0, PASSWD),
                new Item("docker-entrypoint.sh", 0, "#!/bin/sh\n# -Xmx99g in a comment is no setting\n"
                        + ": \"${ES_JAVA_OPTS:=-Xms2g -Xmx2g}\"\nexport ES_JAVA_OPTS\nexec \"$@\"\n"),
                new Item("opt/app/bin/run-app", 0, "#!/bin/bash\nexec java ${JAVA_OPTS:--Xmx512m} -XX:MaxRAMPercentage=75"
                        + " -jar /opt/app/app.jar \"$@\"\n"),
                new Item("usr/local/bin/unrelated.sh", 0, "#!/bin/sh\njava -Xmx8g -jar /tool.jar\n"));

        ImageFacts f = ImageInspection.derive("team/search", null, config, stack(config, l));

        assertThat(f.memoryHints()).containsExactly("image files: /docker-entrypoint.sh: -Xms2g",
                "image files: /docker-entrypoint.sh: -Xmx2g", "image files: /opt/app/bin/run-app: -Xmx512m");
        assertThat(f.sources()).contains("image files: /docker-entrypoint.sh sets a JVM heap (-Xms2g -Xmx2g)",
                "image files: /opt/app/bin/run-app sets a JVM heap (-Xmx512m)",
                "image files: /opt/app/bin/run-app sizes the JVM heap as a share of the memory limit (-XX:MaxRAMPercentage=75)");
    }

    @Test
    void anImageThatNamesNoHeapHasNoMemoryHintsAndNoneAreStored() {
        ImageConfig config = config("""
                {"config":{"Cmd":["java","-XX:MaxRAMPercentage=75","-jar","/app.jar"],"Env":["JAVA_OPTS=-Xss512k"]}}""");

        ImageFacts f = ImageInspection.derive("team/jvm", null, config, new ImageFiles());

        assertThat(f.memoryHints()).isEmpty();
        assertThat(LearnedFacts.plain("sha256:" + "3".repeat(64), f)).doesNotContainKey("memoryHints");
    }

    @Test
    void nginxBehindAPassThroughEntrypointStaysRootRunsWorkersAsWwwDataAndPreparesItsFolders() throws Exception {
        // Debian's nginx as the engine tests build it: an entrypoint that only passes on to its command
        ImageConfig config = config("""
                {"config":{"Entrypoint":["/usr/local/bin/nginx-entrypoint.sh"],"Cmd":["nginx","-g","daemon off;"],
                 "Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]}}""");
        byte[] l = layer("nginx", true,
                new Item("etc/passwd", 0, PASSWD + "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n"),
                new Item("etc/group", 0, "root:x:0:\nwww-data:x:33:\n"),
                new Item("usr/local/bin/nginx-entrypoint.sh", 0, "#!/bin/sh\nset -e\nexec \"$@\"\n"),
                new Item("usr/sbin/nginx", 0, "binary"),
                new Item("etc/nginx/nginx.conf", 0, "user www-data;\nworker_processes auto;\npid /run/nginx.pid;\n"
                        + "http {\n  include /etc/nginx/sites-enabled/*;\n}\n"),
                new Item("etc/nginx/sites-enabled/default", 0, "server {\n  listen 80 default_server;\n  listen [::]:80;\n"
                        + "  # listen 443 ssl;\n}\n"),
                new Item("var/lib/nginx/", 0, null),
                new Item("run/lock/", 0, null));

        ImageFacts f = ImageInspection.derive("team/web", null, config, stack(config, l));

        assertThat(f.runsAs()).isEqualTo("root");
        assertThat(f.dropsPrivileges()).isTrue();
        assertThat(f.rootCapabilities()).containsExactly("CHOWN", "NET_BIND_SERVICE", "SETGID", "SETUID");
        assertThat(f.ports()).containsExactly(80);
        assertThat(f.writablePaths()).as("empty: a tmpfs hides nothing").containsExactly("/tmp", "/var/lib/nginx");
        assertThat(f.dataPaths()).as("/run holds the image's lock folder").containsExactly("/run");
        assertThat(f.readOnlyRootFilesystem()).isFalse();
        assertThat(f.notes()).contains("/usr/sbin/nginx writes /run at start");
        assertThat(f.sources()).anySatisfy(s -> assertThat(s).contains("/etc/nginx/nginx.conf: /usr/sbin/nginx stays root and"
                + " runs its workers as www-data (uid 33)"));
    }

    @Test
    void aPassThroughEntrypointBeforeAnOrdinaryProgramStepsDownToNobody() throws Exception {
        ImageConfig config = config("""
                {"config":{"Entrypoint":["/usr/local/bin/entrypoint.sh"],"Cmd":["redis-server"]}}""");
        byte[] l = layer("plain", true,
                new Item("etc/passwd", 0, PASSWD),
                new Item("usr/local/bin/entrypoint.sh", 0, "#!/bin/sh\nexec \"$@\"\n"),
                new Item("usr/bin/redis-server", 0, "binary"));

        ImageFacts f = ImageInspection.derive("team/kv", null, config, stack(config, l));

        assertThat(f.dropsPrivileges()).isFalse();
        assertThat(f.rootCapabilities()).isEmpty();
        assertThat(f.readOnlyRootFilesystem()).isTrue();
    }

    @Test
    void theSameFactsComeFromARegistryWithoutRunningAnything(@TempDir Path regRoot) throws Exception {
        assumeTrue(RegistryServer.available(), dev.harden.testing.Needs.REGISTRY);
        byte[][] layers = postgresLayers();
        try (RegistryServer server = RegistryServer.start(regRoot)) {
            Layers.push(server, "team/pg", "16.1", POSTGRES_CONFIG, layers);
            Registry registry = Registry.create(Logins.none(), Set.of(), Duration.ofSeconds(10));

            ImageFacts f = new RegistryImages(registry).inspect(ImageRef.parse(server.host() + "/team/pg:16.1").orElseThrow(), null);

            ImageFacts local = ImageInspection.derive(server.host() + "/team/pg", null, config(POSTGRES_CONFIG), stack(config(POSTGRES_CONFIG), layers));
            assertThat(f.rootCapabilities()).isEqualTo(local.rootCapabilities()).contains("CHOWN", "SETUID", "SETGID");
            assertThat(f.writablePaths()).isEqualTo(local.writablePaths());
            assertThat(f.dataPaths()).isEqualTo(local.dataPaths());
            assertThat(f.dropsPrivileges()).isTrue();
            assertThat(f.sources().get(0)).contains("image config of sha256:");
        }
    }
}
