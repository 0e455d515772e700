package dev.harden.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.harden.registry.Logins;
import dev.harden.registry.Registry;
import dev.harden.testing.Layers;
import dev.harden.testing.Layers.Item;
import dev.harden.testing.RegistryServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Facts from the local engine's images, with the engine played by saved images the test writes in
 * both formats engines use (docker's own, and the OCI layout newer engines write), archived by GNU tar.
 */
class EngineImagesTest {
    @TempDir
    Path dir;

    private static final String PASSWD = "root:x:0:0:root:/root:/bin/sh\npostgres:x:999:999::/var/lib/postgresql:/bin/sh\n";
    private static final String ENTRYPOINT = """
            #!/bin/sh
            set -e
            chown -R postgres "$PGDATA"
            exec gosu postgres "$@"
            """;
    private static final String CONFIG = """
            {"Entrypoint":["docker-entrypoint.sh"],"Cmd":["postgres"],
             "Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","PGDATA=/var/lib/postgresql/data"],
             "ExposedPorts":{"5432/tcp":{}},"Volumes":{"/var/lib/postgresql/data":{}}}""";
    private static final String ID = "sha256:" + "a".repeat(64);

    /** An engine holding one image: its inspect answer and a saved archive on disk. */
    private record FakeEngine(String name, byte[] inspect, Path saved, AtomicInteger asked) implements LocalImages {
        @Override
        public Optional<byte[]> inspect(String image) {
            asked.incrementAndGet();
            return image.equals(name) ? Optional.of(inspect) : Optional.empty();
        }

        @Override
        public InputStream save(String image) throws IOException {
            assertThat(image).as("saved by its id, the image inspected").isEqualTo(ID);
            return Files.newInputStream(saved);
        }

        @Override
        public String where() {
            return "unix:///fake.sock";
        }
    }

    private static byte[] inspectAnswer(String repoDigest) {
        return ("{\"Id\":\"" + ID + "\",\"RepoTags\":[\"team/pg:15\"],\"RepoDigests\":["
                + (repoDigest == null ? "" : "\"other/pg@sha256:" + "c".repeat(64) + "\",\"team/pg@" + repoDigest + "\"")
                + "],\"Config\":" + CONFIG + "}").getBytes(StandardCharsets.UTF_8);
    }

    /** The base layer first, the app layer (which whites out the base's old tool) second. */
    private List<byte[]> layers(boolean gzip) throws Exception {
        assumeTrue(Layers.canChown(), "chown of test files needs root (CI runs as root)");
        byte[] base = Layers.layer(dir, "base", gzip,
                new Item("etc/passwd", 0, "root:x:0:0:root:/root:/bin/sh\n"),
                new Item("tmp/", 0, null),
                new Item("usr/local/bin/old-tool", 0, "#!/bin/sh\n"));
        byte[] app = Layers.layer(dir, "app", gzip,
                new Item("etc/passwd", 0, PASSWD),
                new Item("etc/group", 0, "root:x:0:\npostgres:x:999:\n"),
                new Item("usr/local/bin/docker-entrypoint.sh", 0, ENTRYPOINT),
                new Item("usr/local/bin/.wh.old-tool", 0, ""),
                new Item("var/lib/postgresql/data/", 999, null),
                new Item("var/run/postgresql/", 999, null));
        return List.of(base, app);
    }

    /** Archives a folder as the engine sends it, entries in name order. */
    private Path archive(Path folder) throws Exception {
        Path out = dir.resolve(folder.getFileName() + ".tar");
        Process tar = new ProcessBuilder("tar", "--sort=name", "-C", folder.toString(), "-cf", out.toString(), ".")
                .redirectErrorStream(true).start();
        String said = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tar.waitFor()).as(said).isZero();
        return out;
    }

    /** docker save's own format: a folder per layer, written in name order, which is not the image's order. */
    private Path dockerSave() throws Exception {
        List<byte[]> l = layers(false);
        Path root = Files.createDirectories(dir.resolve("docker-save"));
        Files.createDirectories(root.resolve("b-base"));
        Files.write(root.resolve("b-base/layer.tar"), l.get(0));
        Files.writeString(root.resolve("b-base/json"), "{\"id\":\"b\"}");
        Files.createDirectories(root.resolve("a-app"));
        Files.write(root.resolve("a-app/layer.tar"), l.get(1));
        Files.writeString(root.resolve(ID.substring(7) + ".json"), "{\"config\":" + CONFIG + "}");
        Files.writeString(root.resolve("manifest.json"), "[{\"Config\":\"" + ID.substring(7) + ".json\",\"RepoTags\":[\"team/pg:15\"],"
                + "\"Layers\":[\"b-base/layer.tar\",\"a-app/layer.tar\"]}]");
        return archive(root);
    }

    /** The OCI layout inside a saved image, gzipped layers, no manifest.json: index, manifest, layers by digest. */
    private Path ociLayout() throws Exception {
        List<byte[]> l = layers(true);
        Path blobs = Files.createDirectories(dir.resolve("oci/blobs/sha256"));
        List<String> descriptors = new ArrayList<>();
        for (byte[] layer : l) {
            String digest = RegistryServer.sha256(layer);
            Files.write(blobs.resolve(digest.substring(7)), layer);
            descriptors.add("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" + digest
                    + "\",\"size\":" + layer.length + "}");
        }
        byte[] config = ("{\"config\":" + CONFIG + "}").getBytes(StandardCharsets.UTF_8);
        Files.write(blobs.resolve(RegistryServer.sha256(config).substring(7)), config);
        byte[] manifest = ("{\"schemaVersion\":2,\"config\":{\"digest\":\"" + RegistryServer.sha256(config) + "\"},\"layers\":["
                + String.join(",", descriptors) + "]}").getBytes(StandardCharsets.UTF_8);
        Files.write(blobs.resolve(RegistryServer.sha256(manifest).substring(7)), manifest);
        Files.writeString(dir.resolve("oci/index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"digest\":\""
                + RegistryServer.sha256(manifest) + "\"}]}");
        Files.writeString(dir.resolve("oci/oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        return archive(dir.resolve("oci"));
    }

    private static ImageRef ref(String text) {
        return ImageRef.parse(text).orElseThrow();
    }

    private ImageFacts expectedFromRegistryDerivation() throws Exception {
        ImageConfig config = ImageConfig.parse(inspectAnswer(null));
        ImageFiles files = new ImageFiles();
        for (byte[] l : layers(false)) {
            files.apply(new ByteArrayInputStream(l), p -> ImageInspection.wanted(p, config));
        }
        return ImageInspection.derive("team/pg", "image id " + ID, config, files);
    }

    private void assertSameFacts(ImageFacts local, ImageFacts expected) {
        assertThat(local.runsAs()).isEqualTo(expected.runsAs()).isEqualTo("root");
        assertThat(local.dropsPrivileges()).isTrue();
        assertThat(local.rootCapabilities()).isEqualTo(expected.rootCapabilities()).containsExactly("CHOWN", "SETGID", "SETUID");
        assertThat(local.dataPaths()).isEqualTo(expected.dataPaths()).containsExactly("/var/lib/postgresql/data", "/var/run/postgresql");
        assertThat(local.writablePaths()).isEqualTo(expected.writablePaths());
        assertThat(local.ports()).isEqualTo(expected.ports()).containsExactly(5432);
        assertThat(local.sources()).hasSameSizeAs(expected.sources())
                .allSatisfy(s -> assertThat(s).startsWith("image ").matches("image (config|files) \\(local engine\\).*"))
                .anySatisfy(s -> assertThat(s).isEqualTo("image files (local engine): /usr/local/bin/docker-entrypoint.sh steps down"
                        + " with gosu to uid 999"));
        assertThat(local.notes()).contains("(image files (local engine))");
    }

    @Test
    void aDockerSaveArchiveIsStackedInItsManifestsOrderAndGivesTheFactsTheRegistryDerivationGives() throws Exception {
        FakeEngine engine = new FakeEngine("team/pg:15", inspectAnswer(null), dockerSave(), new AtomicInteger());
        EngineImages images = new EngineImages(engine);

        EngineImages.Found found = images.find(ref("team/pg:15")).orElseThrow();
        ImageFacts local = images.read(ref("team/pg:15"), found);

        assertThat(found.key()).as("no registry digest: the image id").isEqualTo(ID);
        assertSameFacts(local, expectedFromRegistryDerivation());
        assertThat(local.sources().get(0)).startsWith("image config (local engine) of image id " + ID);
    }

    @Test
    void theOciLayoutNewerEnginesSaveIsReadThroughItsIndexWithGzippedLayers() throws Exception {
        String digest = "sha256:" + "d".repeat(64);
        FakeEngine engine = new FakeEngine("team/pg:15", inspectAnswer(digest), ociLayout(), new AtomicInteger());
        EngineImages images = new EngineImages(engine);

        EngineImages.Found found = images.find(ref("team/pg:15")).orElseThrow();
        ImageFacts local = images.read(ref("team/pg:15"), found);

        assertThat(found.key()).as("the registry digest of this repository, not another's").isEqualTo(digest);
        assertSameFacts(local, expectedFromRegistryDerivation());
        assertThat(local.sources().get(0)).startsWith("image config (local engine) of " + digest + ":");
    }

    @Test
    void aSavedImageLackingALayerItsManifestNamesGivesNoFacts() throws Exception {
        Path root = Files.createDirectories(dir.resolve("broken"));
        Files.writeString(root.resolve("manifest.json"), "[{\"Layers\":[\"gone/layer.tar\"]}]");
        FakeEngine engine = new FakeEngine("team/pg:15", inspectAnswer(null), archive(root), new AtomicInteger());
        EngineImages images = new EngineImages(engine);
        EngineImages.Found found = images.find(ref("team/pg:15")).orElseThrow();

        assertThatThrownBy(() -> images.read(ref("team/pg:15"), found)).isInstanceOf(IOException.class)
                .hasMessageContaining("lacks its layer gone/layer.tar");
    }

    @Test
    void engineFactsOfAnImageKnownOnlyByItsIdAreCachedUnderTheIdAndNeverWrittenToTheLockFile() throws Exception {
        FakeEngine engine = new FakeEngine("team/pg:15", inspectAnswer(null), dockerSave(), new AtomicInteger());
        Pins pins = Pins.none();
        Path cache = dir.resolve("cache");
        ImageFactsSource source = new ImageFactsSource(noRegistry(), engine, false, pins, cache, line -> { }, line -> { });

        Optional<ImageFacts> facts = source.apply(ref("team/pg:15"));

        assertThat(facts).isPresent();
        assertThat(cache.resolve("id-" + ID.replace(':', '-') + ".json")).isRegularFile();
        assertThat(pins.lock().changed()).as("an image id is no registry digest: nothing for the lock file").isFalse();
        Files.delete(engine.saved());
        assertThat(new ImageFactsSource(noRegistry(), engine, false, pins, cache, line -> { }, line -> { }).apply(ref("team/pg:15")))
                .as("the second run reads the cache, not the engine's saved image").isEqualTo(facts);
    }

    @Test
    void engineFactsOfAnImageWithARegistryDigestGoToTheLockFileUnderThatDigest() throws Exception {
        String digest = "sha256:" + "d".repeat(64);
        FakeEngine engine = new FakeEngine("team/pg:15", inspectAnswer(digest), dockerSave(), new AtomicInteger());
        Pins pins = Pins.none();
        ImageFactsSource source = new ImageFactsSource(noRegistry(), engine, false, pins, dir.resolve("cache"), line -> { }, line -> { });

        ImageFacts facts = source.apply(ref("team/pg:15")).orElseThrow();

        assertThat(pins.lock().facts(digest)).contains(facts);
        assertThat(Files.readString(dir.resolve("cache/" + digest.replace(':', '-') + ".json"))).contains("\"digest\": \"" + digest + "\"");
    }

    @Test
    void withTheEngineOnlyAnImageTheEngineLacksIsUnknownAndNoRegistryIsAsked() throws Exception {
        FakeEngine engine = new FakeEngine("team/pg:15", inspectAnswer(null), dir.resolve("none.tar"), new AtomicInteger());
        List<String> said = new ArrayList<>();
        ImageFactsSource source = new ImageFactsSource(noRegistry(), engine, false, Pins.none(), null, said::add, said::add);

        assertThat(source.apply(ref("127.0.0.1:5000/team/other@sha256:" + "e".repeat(64)))).isEmpty();
        assertThat(said).isEmpty();
    }

    @Test
    void inAutoAnImageTheEngineLacksIsAskedOfItsRegistry() throws Exception {
        FakeEngine engine = new FakeEngine("team/pg:15", inspectAnswer(null), dir.resolve("none.tar"), new AtomicInteger());
        List<String> said = new ArrayList<>();
        Supplier<Registry> registry = () -> Registry.create(Logins.none(), Set.of(), Duration.ofSeconds(5));
        ImageFactsSource source = new ImageFactsSource(registry, engine, true, Pins.none(), null, said::add, line -> { });

        assertThat(source.apply(ref("127.0.0.1:1/team/other@sha256:" + "e".repeat(64)))).isEmpty();
        assertThat(said).singleElement().asString().contains("no facts from its registry");
    }

    @Test
    void anEngineThatDoesNotAnswerIsNoSourceSaidOnceQuietly() {
        AtomicInteger asked = new AtomicInteger();
        LocalImages down = new LocalImages() {
            @Override
            public Optional<byte[]> inspect(String image) throws IOException {
                asked.incrementAndGet();
                throw new IOException("connection refused");
            }

            @Override
            public InputStream save(String image) {
                throw new AssertionError("not asked after inspect failed");
            }

            @Override
            public String where() {
                return "unix:///nowhere.sock";
            }
        };
        List<String> warnings = new ArrayList<>();
        List<String> quiet = new ArrayList<>();
        ImageFactsSource source = new ImageFactsSource(noRegistry(), down, false, Pins.none(), null, warnings::add, quiet::add);

        assertThat(source.apply(ref("team/pg:15"))).isEmpty();
        assertThat(source.apply(ref("team/web:1"))).isEmpty();

        assertThat(asked).hasValue(1);
        assertThat(warnings).isEmpty();
        assertThat(quiet).containsExactly("the local engine at unix:///nowhere.sock did not answer (connection refused);"
                + " it is no source of image facts");
    }

    private static Supplier<Registry> noRegistry() {
        return () -> {
            throw new AssertionError("the registry is not asked with --image-facts engine");
        };
    }

    @Test
    void labelsNameTheLocalEngineAndLeaveOtherSourcesAlone() {
        ImageFacts f = new ImageFacts("x", "root", false, null, List.of(), List.of("/tmp"), List.of(), true, true, List.of(), "image",
                List.of("image config of sha256:1: USER (none: root)", "image files: /x runs chown", "learned: y"), "a (image files)", List.of());
        ImageFacts l = EngineImages.labelled(f);
        assertThat(l.sources()).containsExactly("image config (local engine) of sha256:1: USER (none: root)",
                "image files (local engine): /x runs chown", "learned: y");
        assertThat(l.notes()).isEqualTo("a (image files (local engine))");
        assertThat(l.writablePaths()).isEqualTo(f.writablePaths());
    }
}
