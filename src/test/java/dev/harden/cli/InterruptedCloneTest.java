package dev.harden.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl-C in the middle of {@code harden pr --clone}, in a real JVM: nothing with the password stays behind. */
class InterruptedCloneTest {
    private static final String TOKEN = "ghp_Interrupted/Clone@Token1234";

    @TempDir
    Path dir;

    @Test
    void ctrlCDuringACloneFromASilentServerLeavesNoCloneFolderAndNoPasswordOnDisk() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/kill")) || Files.isExecutable(Path.of("/usr/bin/kill")), "no kill");
        List<Socket> held = new CopyOnWriteArrayList<>();
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, TOKEN);
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread accept = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (IOException e) {
                    // closed
                }
            });
            accept.setDaemon(true);
            accept.start();
            String url = "http://x-access-token:" + TOKEN + "@127.0.0.1:" + silent.getLocalPort() + "/shop.git";
            String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            Process harden = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Djava.io.tmpdir=" + tmp, "-cp", classpath, "dev.harden.cli.Main", "pr", "--clone", url, "--repo",
                    "acme/shop", "--token-file", tokenFile.toString(), "--api-url", "http://127.0.0.1:9")
                    .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile()).start();
            try {
                Path config = waitFor(() -> clone(tmp).map(c -> c.resolve(".git/config")).filter(Files::exists), 60);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (held.isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(held).as("harden reached the server").isNotEmpty();
                assertThat(Files.readString(config)).contains("127.0.0.1").doesNotContain(TOKEN)
                        .doesNotContain("x-access-token");

                new ProcessBuilder("kill", "-INT", Long.toString(harden.pid())).start().waitFor();
                assertThat(harden.waitFor(30, TimeUnit.SECONDS)).as("harden exits on Ctrl-C").isTrue();
            } finally {
                harden.destroyForcibly();
                for (Socket s : held) {
                    s.close();
                }
            }
        }
        assertThat(clone(tmp)).isEmpty();
        String output = Files.readString(dir.resolve("out.txt")) + Files.readString(dir.resolve("err.txt"));
        assertThat(output).doesNotContain(TOKEN).doesNotContain("Interrupted/Clone");
    }

    private static Optional<Path> clone(Path tmp) {
        try (Stream<Path> files = Files.list(tmp)) {
            return files.filter(p -> p.getFileName().toString().startsWith("harden-clone-")).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private interface Probe<T> {
        Optional<T> get();
    }

    private static <T> T waitFor(Probe<T> probe, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            Optional<T> found = probe.get();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("nothing appeared within " + seconds + "s");
    }
}
