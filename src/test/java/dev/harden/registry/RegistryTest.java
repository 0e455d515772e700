package dev.harden.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.harden.registry.RegistryException.Failure;
import dev.harden.testing.RegistryServer;
import dev.harden.testing.RegistryServer.Pushed;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry client against a real registry on loopback (Debian's docker-registry), with images the test pushes. */
class RegistryTest {
    private static RegistryServer server;
    private static Pushed amd64;
    private static Pushed arm64;
    private static String indexDigest;

    @BeforeAll
    static void start(@TempDir Path root) throws Exception {
        assumeTrue(RegistryServer.available(), dev.harden.testing.Needs.REGISTRY);
        server = RegistryServer.start(root);
        amd64 = server.pushImage("team/app", "1.0.0-amd64", "linux", "amd64", "1001", "amd64 layer".getBytes(StandardCharsets.UTF_8));
        arm64 = server.pushImage("team/app", "1.0.0-arm64", "linux", "arm64", "1001", "arm64 layer".getBytes(StandardCharsets.UTF_8));
        indexDigest = server.pushIndex("team/app", "1.0.0", amd64, arm64);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static Registry client() {
        return Registry.create(Logins.none(), Set.of(), Duration.ofSeconds(10));
    }

    @Test
    void aMultiPlatformTagResolvesToTheDigestOfItsIndexNotOfOnePlatform() throws Exception {
        Resolution r = client().resolve(new ManifestRef(server.host(), "team/app", "1.0.0"));

        assertThat(r.digest()).isEqualTo(indexDigest).isNotIn(amd64.digest(), arm64.digest());
        assertThat(r.index()).isTrue();
        assertThat(r.platforms()).extracting(Platform::toString).containsExactly("linux/amd64", "linux/arm64/v8");
    }

    @Test
    void aSinglePlatformTagResolvesToItsManifestDigest() throws Exception {
        Resolution r = client().resolve(new ManifestRef(server.host(), "team/app", "1.0.0-arm64"));

        assertThat(r.digest()).isEqualTo(arm64.digest());
        assertThat(r.index()).isFalse();
        assertThat(r.platforms()).isEmpty();
    }

    @Test
    void aHeadRequestTellsTheSameDigestAsTheBytesServed() throws Exception {
        assertThat(client().digest(new ManifestRef(server.host(), "team/app", "1.0.0"))).isEqualTo(indexDigest);
        assertThat(client().digest(new ManifestRef(server.host(), "team/app", "1.0.0-amd64"))).isEqualTo(amd64.digest());
    }

    @Test
    void aDigestResolvesToItselfWhenTheRegistryServesThoseBytes() throws Exception {
        Resolution r = client().resolve(new ManifestRef(server.host(), "team/app", indexDigest));

        assertThat(r.digest()).isEqualTo(indexDigest);
    }

    @Test
    void theImageManifestFollowsTheIndexToTheRequestedPlatform() throws Exception {
        ManifestRef ref = new ManifestRef(server.host(), "team/app", "1.0.0");

        assertThat(client().imageManifest(ref, new Platform("linux", "arm64", "")).configDigest()).isEqualTo(arm64.configDigest());
        assertThat(client().imageManifest(ref, null).configDigest()).isEqualTo(amd64.configDigest());
        assertThatThrownBy(() -> client().imageManifest(ref, new Platform("linux", "s390x", "")))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.failure()).isEqualTo(Failure.NOT_FOUND));
    }

    @Test
    void aBlobComesBackCheckedAgainstItsDigest() throws Exception {
        ManifestRef ref = new ManifestRef(server.host(), "team/app", "1.0.0");
        ImageManifest m = client().imageManifest(ref, null);

        byte[] config = client().blob(ref, m.configDigest(), 1 << 20);

        assertThat(new String(config, StandardCharsets.UTF_8)).contains("\"User\":\"1001\"");
        assertThat(m.layers()).singleElement().satisfies(l -> assertThat(l.size()).isEqualTo("amd64 layer".length()));
        assertThatThrownBy(() -> client().blob(ref, m.configDigest(), 10))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.failure()).isEqualTo(Failure.UNTRUSTED_ANSWER));
    }

    @Test
    void tagsAreListedAcrossPages() throws Exception {
        byte[] config = "{\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
        String configDigest = server.pushBlob("team/many", config);
        List<String> pushed = new ArrayList<>();
        for (int i = 0; i < 105; i++) {
            String tag = "v0." + i;
            server.pushManifest("team/many", tag, "application/vnd.oci.image.manifest.v1+json", """
                    {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",\
                    "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},"layers":[]}"""
                    .formatted(configDigest, config.length));
            pushed.add(tag);
        }

        List<String> tags = client().tags(new ManifestRef(server.host(), "team/many", "latest"), 1000);

        assertThat(tags).containsExactlyInAnyOrderElementsOf(pushed);
        assertThat(client().tags(new ManifestRef(server.host(), "team/many", "latest"), 7)).hasSize(7);
    }

    @Test
    void aMissingTagOrRepositoryIsNotFound() {
        for (ManifestRef ref : List.of(new ManifestRef(server.host(), "team/app", "9.9.9"),
                new ManifestRef(server.host(), "team/nothing", "1.0.0"))) {
            assertThatThrownBy(() -> client().resolve(ref))
                    .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.failure()).isEqualTo(Failure.NOT_FOUND));
        }
    }

    @Test
    void aRegistryThatRequiresALoginTakesOneFromTheEnvironmentOrTheDockerConfigAndNeverPrintsIt(@TempDir Path root) throws Exception {
        assumeTrue(RegistryServer.htpasswdAvailable(), dev.harden.testing.Needs.HTPASSWD);
        String secret = "s3cr3t/with@odd:chars";
        try (RegistryServer locked = RegistryServer.start(Files.createDirectories(root.resolve("locked")), "ci", secret)) {
            String digest = locked.pushImage("team/private", "2.0.0", "linux", "amd64", "0", new byte[] {1, 2, 3}).digest();
            ManifestRef ref = new ManifestRef(locked.host(), "team/private", "2.0.0");
            String var = "HARDEN_REGISTRY_" + locked.host().replaceAll("[^A-Za-z0-9]", "_");

            assertThatThrownBy(() -> client().resolve(ref))
                    .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.failure()).isEqualTo(Failure.UNAUTHORIZED));

            Logins fromEnv = Logins.of(Map.of(var + "_USERNAME", "ci", var + "_PASSWORD", secret), null, root);
            assertThat(Registry.create(fromEnv, Set.of(), Duration.ofSeconds(10)).resolve(ref).digest()).isEqualTo(digest);

            Path config = root.resolve("config.json");
            String auth = java.util.Base64.getEncoder().encodeToString(("ci:" + secret).getBytes(StandardCharsets.UTF_8));
            Files.writeString(config, "{\"auths\":{\"http://" + locked.host() + "\":{\"auth\":\"" + auth + "\"}}}");
            assertThat(Registry.create(Logins.of(Map.of(), config, root), Set.of(), Duration.ofSeconds(10)).resolve(ref).digest())
                    .isEqualTo(digest);

            Logins wrong = Logins.of(Map.of(var + "_USERNAME", "ci", var + "_PASSWORD", "not-" + secret), null, root);
            assertThatThrownBy(() -> Registry.create(wrong, Set.of(), Duration.ofSeconds(10)).resolve(ref))
                    .isInstanceOfSatisfying(RegistryException.class, e -> {
                        assertThat(e.failure()).isEqualTo(Failure.UNAUTHORIZED);
                        assertThat(e.getMessage()).doesNotContain(secret).doesNotContain(auth).contains("HARDEN_REGISTRY_");
                    });
        }
    }
}
