package dev.harden.bench;

import dev.harden.image.ImageFacts;
import dev.harden.image.ImageFactsSource;
import dev.harden.image.ImageRef;
import dev.harden.image.LockFile;
import dev.harden.image.Pins;
import dev.harden.registry.Logins;
import dev.harden.registry.Registry;
import dev.harden.testing.Layers;
import dev.harden.testing.Layers.Item;
import dev.harden.testing.RegistryServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Time to read facts for 20 small images from Debian's docker-registry on loopback, cold (empty
 * cache) and cached, through {@link ImageFactsSource} as a run of harden uses it. A benchmark, not
 * a test: run {@code src/test/sh/bench-registry-facts.sh}.
 */
public final class RegistryFactsBenchmark {
    private static final int IMAGES = 20;

    private RegistryFactsBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        if (!RegistryServer.available()) {
            System.out.println("skipped: /usr/bin/docker-registry is not installed (apt-get install docker-registry)");
            return;
        }
        Path work = Files.createTempDirectory("harden-bench-registry");
        try (RegistryServer server = RegistryServer.start(Files.createDirectories(work.resolve("registry")))) {
            List<String> images = push(server, work.resolve("layers"));
            System.out.printf("%d images on %s (%d rounds; each round a fresh client and cache, as a new harden run)%n",
                    images.size(), server.host(), rounds);
            run(images, work, 1); // warm-up: class loading and the JIT, not measured
            long[] cold = new long[rounds];
            long[] cached = new long[rounds];
            for (int r = 0; r < rounds; r++) {
                long[] both = run(images, work, r + 2);
                cold[r] = both[0];
                cached[r] = both[1];
            }
            print("cold (empty cache)", cold, images.size());
            print("cached (second run)", cached, images.size());
        } finally {
            delete(work);
        }
    }

    /** Nanoseconds for all images with an empty cache folder, then again with the folder that run filled. */
    private static long[] run(List<String> images, Path work, int round) throws IOException {
        Path cache = Files.createDirectories(work.resolve("cache-" + round));
        long cold = timeAll(images, cache);
        long cached = timeAll(images, cache);
        return new long[] {cold, cached};
    }

    private static long timeAll(List<String> images, Path cache) {
        Supplier<Registry> registry = memo(() -> Registry.create(Logins.none(), Set.of(), Duration.ofSeconds(30)));
        Pins pins = Pins.of(registry, LockFile.empty(), null, false, Clock.systemUTC());
        List<String> problems = new ArrayList<>();
        ImageFactsSource source = new ImageFactsSource(registry, pins, cache, problems::add);
        long start = System.nanoTime();
        for (String image : images) {
            Optional<ImageFacts> facts = source.apply(ImageRef.parse(image).orElseThrow());
            if (facts.isEmpty()) {
                throw new IllegalStateException("no facts for " + image + ": " + problems);
            }
        }
        return System.nanoTime() - start;
    }

    private static <T> Supplier<T> memo(Supplier<T> make) {
        Object[] made = new Object[1];
        return () -> {
            if (made[0] == null) {
                made[0] = make.get();
            }
            @SuppressWarnings("unchecked")
            T t = (T) made[0];
            return t;
        };
    }

    /**
     * Twenty images, each of its own digest: four share a base layer (passwd, group, a shell), each
     * adds an app layer with its own entrypoint script and files, and the configs vary user,
     * ports and volumes.
     */
    private static List<String> push(RegistryServer server, Path work) throws IOException, InterruptedException {
        int appUid = Layers.canChown() ? 1001 : uid();
        byte[][] bases = new byte[4][];
        for (int b = 0; b < bases.length; b++) {
            bases[b] = Layers.layer(work, "base" + b, true,
                    new Item("etc/", 0, ""),
                    new Item("etc/passwd", 0, "root:x:0:0:root:/root:/bin/sh\napp:x:1001:1001::/opt/app:/bin/sh\n"
                            + "svc" + b + ":x:" + (990 + b) + ":" + (990 + b) + "::/var/lib/svc:/usr/sbin/nologin\n"),
                    new Item("etc/group", 0, "root:x:0:\napp:x:1001:\nsvc" + b + ":x:" + (990 + b) + ":\n"),
                    new Item("etc/os-release", 0, "ID=bench\nVERSION_ID=" + b + "\n"),
                    new Item("tmp/", 0, ""));
        }
        List<String> images = new ArrayList<>();
        for (int i = 0; i < IMAGES; i++) {
            String repository = "bench/app-" + String.format("%02d", i);
            boolean stepsDown = i % 3 == 0;
            String entrypoint = stepsDown
                    ? "#!/bin/sh\nset -e\nchown -R app:app /opt/app/data\nexec setpriv --reuid=1001 --regid=1001 --init-groups \"$@\"\n"
                    : "#!/bin/sh\nexec \"$@\"\n";
            byte[] app = Layers.layer(work, "app" + i, true,
                    new Item("usr/local/bin/entrypoint.sh", 0, entrypoint),
                    new Item("opt/app/", appUid, ""),
                    new Item("opt/app/data/", appUid, ""),
                    new Item("opt/app/app.conf", appUid, "name=" + repository + "\nworkers=" + (i + 1) + "\n"),
                    new Item("opt/app/VERSION", appUid, "1." + i + "\n"));
            String user = stepsDown ? "" : i % 3 == 1 ? "1001" : "app";
            int port = i % 4 == 0 ? 80 : 8000 + i;
            String config = """
                    {"architecture":"amd64","os":"linux","config":{"User":"%s","Entrypoint":["/usr/local/bin/entrypoint.sh"],\
                    "Cmd":["app-%d"],"ExposedPorts":{"%d/tcp":{}},"Volumes":{"/opt/app/data":{}},\
                    "Env":["PATH=/usr/local/bin:/usr/bin:/bin","JAVA_OPTS=-Xmx%dm"]},\
                    "rootfs":{"type":"layers","diff_ids":[]}}""".formatted(user, i, port, 64 * (i + 1));
            Layers.push(server, repository, "1.0", config, bases[i % bases.length], app);
            images.add(server.host() + "/" + repository + ":1.0");
        }
        return images;
    }

    private static int uid() throws IOException {
        return (Integer) Files.getAttribute(Path.of(System.getProperty("java.io.tmpdir")), "unix:uid");
    }

    private static void print(String what, long[] nanos, int images) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double median = (sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2.0) / 1e6;
        System.out.printf("%-22s median %8.1f ms  (%6.1f ms/image)   min %8.1f ms   max %8.1f ms%n",
                what, median, median / images, sorted[0] / 1e6, sorted[sorted.length - 1] / 1e6);
    }

    private static void delete(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
