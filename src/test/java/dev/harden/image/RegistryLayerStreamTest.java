package dev.harden.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import dev.harden.registry.Logins;
import dev.harden.registry.Registry;
import dev.harden.testing.Layers;
import dev.harden.testing.Layers.Item;
import dev.harden.testing.RegistryServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Layers read from a registry as streams: a layer of several MiB passes through to the facts, and
 * a layer whose bytes do not match its digest discards the facts of its whole image.
 */
class RegistryLayerStreamTest {
    private static final String PASSWD = "root:x:0:0:root:/root:/bin/sh\napp:x:1001:1001::/opt/app:/bin/sh\n";
    private static final String CONFIG = "{\"config\":{\"User\":\"app\",\"Cmd\":[\"/opt/app/run\"]}}";

    @TempDir
    Path dir;

    private byte[] appLayer(String name, int randomBytes) throws Exception {
        assumeTrue(Layers.canChown(), "chown of test files needs root (CI runs as root)");
        byte[] noise = new byte[randomBytes];
        new Random(11).nextBytes(noise);
        byte[] layer = Layers.layer(dir, name, true,
                new Item("etc/passwd", 0, PASSWD),
                new Item("etc/group", 0, "root:x:0:\napp:x:1001:\n"),
                new Item("opt/app/", 1001, null),
                new Item("opt/app/run", 1001, "#!/bin/sh\nexec sleep 1\n"));
        if (randomBytes == 0) {
            return layer;
        }
        // the same tree with a large file of noise beside it, which no gzip makes small
        Files.write(dir.resolve(name).resolve("opt/app/blob.bin"), noise);
        Files.setAttribute(dir.resolve(name).resolve("opt/app/blob.bin"), "unix:uid", 1001);
        Process tar = new ProcessBuilder("tar", "--numeric-owner", "-C", dir.resolve(name).toString(), "-czf",
                dir.resolve(name + "-big.tar.gz").toString(), ".").redirectErrorStream(true).start();
        assertThat(tar.waitFor()).isZero();
        return Files.readAllBytes(dir.resolve(name + "-big.tar.gz"));
    }

    @Test
    void aLayerOfSeveralMibStreamsThroughToTheFactsOfItsImage() throws Exception {
        assumeTrue(RegistryServer.available(), dev.harden.testing.Needs.REGISTRY);
        byte[] layer = appLayer("big", 6 << 20);
        assertThat(layer.length).isGreaterThan(6 << 20);
        try (RegistryServer server = RegistryServer.start(Files.createDirectories(dir.resolve("registry")))) {
            String digest = Layers.push(server, "team/big", "1", CONFIG, layer);
            Registry registry = Registry.create(Logins.none(), Set.of(), Duration.ofSeconds(30));

            ImageFacts f = new RegistryImages(registry, 8L << 20)
                    .inspect(ImageRef.parse(server.host() + "/team/big@" + digest).orElseThrow(), null);

            assertThat(f.runsAs()).isEqualTo("1001");
            assertThat(f.nonRootUid()).isEqualTo("1001:1001");
            assertThat(f.dataPaths()).contains("/opt/app");
        }
    }

    @Test
    void aLayerWhoseBytesDoNotMatchItsDigestDiscardsTheFactsOfItsImageWithALine() throws Exception {
        byte[] layer = appLayer("small", 0);
        byte[] served = appLayer("other", 1024);
        byte[] config = CONFIG.getBytes(StandardCharsets.UTF_8);
        String layerDigest = RegistryServer.sha256(layer);
        String configDigest = RegistryServer.sha256(config);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest
                + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
                + "\"digest\":\"" + layerDigest + "\",\"size\":" + layer.length + "}]}").getBytes(StandardCharsets.UTF_8);
        String manifestDigest = RegistryServer.sha256(manifest);
        Map<String, byte[]> paths = Map.of(
                "/v2/team/app/manifests/" + manifestDigest, manifest,
                "/v2/team/app/blobs/" + configDigest, config,
                "/v2/team/app/blobs/" + layerDigest, served);
        HttpServer liar = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        liar.createContext("/", x -> {
            byte[] body = paths.get(x.getRequestURI().getPath());
            if (body == null) {
                x.sendResponseHeaders(404, -1);
            } else {
                x.getResponseHeaders().add("Content-Type", body == manifest ? "application/vnd.oci.image.manifest.v1+json"
                        : "application/octet-stream");
                x.sendResponseHeaders(200, body.length);
                try (OutputStream out = x.getResponseBody()) {
                    out.write(body);
                }
            }
            x.close();
        });
        liar.start();
        try {
            Registry registry = Registry.create(Logins.none(), Set.of(), Duration.ofSeconds(10));
            List<String> said = new ArrayList<>();
            ImageFactsSource source = new ImageFactsSource(() -> registry, Pins.none(), null, said::add);
            String image = "127.0.0.1:" + liar.getAddress().getPort() + "/team/app@" + manifestDigest;

            assertThat(source.apply(ImageRef.parse(image).orElseThrow())).isEmpty();

            assertThat(said).singleElement().asString()
                    .startsWith("image " + image + ": no facts from its registry")
                    .contains("layer " + layerDigest + " cannot be read", "came back with other content")
                    .endsWith("treated as unknown");
        } finally {
            liar.stop(0);
        }
    }
}
