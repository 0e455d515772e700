package dev.harden.bench;

import dev.harden.engine.FileHardener;
import dev.harden.image.ImageKnowledge;
import dev.harden.profile.Profile;
import dev.harden.profile.RepoConfig;
import dev.harden.rule.RuleCatalog;
import dev.harden.yaml.Editor;
import dev.harden.yaml.Limits;
import dev.harden.yaml.Mapping;
import dev.harden.yaml.Node;
import dev.harden.yaml.Scalar;
import dev.harden.yaml.YamlFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;

/**
 * Throughput of harden's load+edit+verify pipeline against snakeyaml-engine parsing the same bytes,
 * over a folder of real files. A benchmark, not a test: run {@code src/test/sh/bench-editor.sh}.
 */
public final class EditorBenchmark {
    private EditorBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : "../shared/corpus");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        List<byte[]> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).filter(p -> p.toString().matches(".*\\.ya?ml$")).sorted().toList()) {
                byte[] b = Files.readAllBytes(p);
                try {
                    YamlFile.parse(b, Limits.DEFAULT);
                    files.add(b);
                } catch (Exception e) {
                    // templates and broken files are not part of the throughput comparison
                }
            }
        }
        long bytes = files.stream().mapToLong(b -> b.length).sum();
        System.out.printf("%d files, %.2f MB; each task %d rounds over all files, best of 7 interleaved repetitions after warm-up%n", files.size(), bytes / 1e6, rounds);
        LoadSettings settings = LoadSettings.builder().setMaxAliasesForCollections(10_000).setAllowDuplicateKeys(true)
                .setAllowNonScalarKeys(true).build();
        FileHardener hardener = new FileHardener(Profile.load("strict", RuleCatalog.builtIn().parameters()), ImageKnowledge.builtIn(),
                RepoConfig.none(), Limits.DEFAULT);
        List<Task> tasks = List.of(
                new Task("snakeyaml-engine parse (events)", b -> {
                    int n = 0;
                    for (var ignored : new Parse(settings).parseString(new String(b, StandardCharsets.UTF_8))) {
                        n++;
                    }
                    return n;
                }),
                new Task("snakeyaml-engine compose (node tree)", b -> {
                    int n = 0;
                    for (var ignored : new Compose(settings).composeAllFromString(new String(b, StandardCharsets.UTF_8))) {
                        n++;
                    }
                    return n;
                }),
                new Task("snakeyaml-engine load (Java objects)", b -> {
                    int n = 0;
                    for (var ignored : new Load(settings).loadAllFromString(new String(b, StandardCharsets.UTF_8))) {
                        n++;
                    }
                    return n;
                }),
                new Task("harden load", b -> YamlFile.parse(b, Limits.DEFAULT).documents().size()),
                new Task("harden load + edit + verify", EditorBenchmark::editAndVerify),
                new Task("harden strict check", b -> hardener.process(Path.of("x.yaml"), "x.yaml", b, false).findings().size()),
                new Task("harden strict fix (+ verify)", b -> hardener.process(Path.of("x.yaml"), "x.yaml", b, true).findings().size()));
        for (Task t : tasks) {
            run(t, files, rounds);
        }
        // interleaved repetitions, best of each: other work on the machine slows a run, never speeds it
        double[] best = new double[tasks.size()];
        java.util.Arrays.fill(best, Double.MAX_VALUE);
        for (int rep = 0; rep < 7; rep++) {
            for (int i = 0; i < tasks.size(); i++) {
                best[i] = Math.min(best[i], run(tasks.get(i), files, rounds));
            }
        }
        for (int i = 0; i < tasks.size(); i++) {
            System.out.printf("%-40s %8.1f MB/s %8.0f files/s%n", tasks.get(i).name(), bytes * rounds / best[i] / 1e6,
                    files.size() * rounds / best[i]);
        }
    }

    /** One edit per document root mapping, then apply, which re-parses and compares. */
    private static int editAndVerify(byte[] b) throws Exception {
        YamlFile file = YamlFile.parse(b, Limits.DEFAULT);
        Editor editor = file.edit();
        for (Node doc : file.documents()) {
            if (doc instanceof Mapping m && !editor.isShared(m) && m.entry("x-harden-bench").isEmpty()) {
                editor.put(m, "x-harden-bench", Scalar.bool(true));
            }
        }
        return editor.apply().length;
    }

    private interface Work {
        int apply(byte[] bytes) throws Exception;
    }

    private record Task(String name, Work work) { }

    private static double run(Task t, List<byte[]> files, int rounds) throws Exception {
        long sink = 0;
        long start = System.nanoTime();
        for (int r = 0; r < rounds; r++) {
            for (byte[] b : files) {
                sink += t.work().apply(b);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (sink == 42) {
            System.out.println();
        }
        return seconds;
    }
}
