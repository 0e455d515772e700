package dev.harden.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import dev.harden.testing.RegistryServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blobs streamed from the loopback registry (Debian's docker-registry) as they arrive: the byte cap
 * holds while streaming, the client holds a few buffers whatever the blob's size, and the digest
 * is checked at the end (a lying server is played by a JDK HTTP server).
 */
class BlobStreamTest {
    private static final int MIB = 1 << 20;
    private static RegistryServer server;
    private static byte[] big;
    private static String bigDigest;

    @BeforeAll
    static void start(@TempDir Path root) throws Exception {
        assumeTrue(RegistryServer.available(), dev.harden.testing.Needs.REGISTRY);
        server = RegistryServer.start(root);
        big = new byte[8 * MIB];
        new Random(7).nextBytes(big);
        bigDigest = server.pushBlob("team/big", big);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static Registry client() {
        return Registry.create(Logins.none(), Set.of(), Duration.ofSeconds(30));
    }

    private static ManifestRef repo(String host, String repository) {
        return new ManifestRef(host, repository, "latest");
    }

    @Test
    void aBlobOfEightMibIsReadWhileTheClientHoldsNoMoreThanAFewOfItsBuffersAtOnce() throws Exception {
        long total = 0;
        long mostHeld;
        try (InputStream in = client().blobStream(repo(server.host(), "team/big"), bigDigest, 16L * MIB)) {
            byte[] chunk = new byte[8192];
            // a slow reader at first: a client that buffered everything would now hold the whole blob
            total += in.read(chunk);
            Thread.sleep(500);
            for (int n; (n = in.read(chunk)) >= 0; ) {
                total += n;
            }
            mostHeld = ((StreamedBody.Stream) in).mostHeld();
        }
        assertThat(total).isEqualTo(big.length);
        assertThat(mostHeld).as("bytes received but not yet read, at most").isPositive().isLessThan(MIB);
    }

    @Test
    void aBlobLargerThanTheCapIsRefusedWhileItStreams() throws Exception {
        try (InputStream in = client().blobStream(repo(server.host(), "team/big"), bigDigest, 256 * 1024)) {
            byte[] first = in.readNBytes(256 * 1024);
            assertThat(first).hasSize(256 * 1024);
            assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasMessageContaining("is larger than 262144 bytes");
        }
    }

    @Test
    void aBlobWhoseBytesDoNotMatchItsDigestFailsAtItsEnd() throws Exception {
        HttpServer liar = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        byte[] other = "not the blob you asked for".getBytes();
        liar.createContext("/", x -> {
            x.sendResponseHeaders(200, other.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(other);
            }
        });
        liar.start();
        try (InputStream in = client().blobStream(repo("127.0.0.1:" + liar.getAddress().getPort(), "team/big"), bigDigest, MIB)) {
            assertThat(in.readNBytes(other.length)).isEqualTo(other);
            assertThatThrownBy(in::read).isInstanceOf(IOException.class)
                    .hasMessageContaining("blob " + bigDigest + " came back with other content");
        } finally {
            liar.stop(0);
        }
    }

    @Test
    void aMissingBlobIsNotFoundBeforeAnyStreamIsHandedOut() {
        assertThatThrownBy(() -> client().blobStream(repo(server.host(), "team/big"), "sha256:" + "0".repeat(64), MIB))
                .isInstanceOf(RegistryException.class)
                .satisfies(e -> assertThat(((RegistryException) e).failure()).isEqualTo(RegistryException.Failure.NOT_FOUND));
    }
}
