package dev.harden.corpus;

import dev.harden.engine.FileHardener;
import dev.harden.image.ImageKnowledge;
import dev.harden.profile.Profile;
import dev.harden.profile.RepoConfig;
import dev.harden.rule.RuleCatalog;
import dev.harden.yaml.Limits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Throughput of {@code harden fix --profile restricted} over the Kubernetes corpus in one process
 * (parse, check, fix, verify; no disk writes). Not a test: run it by hand, see docs/performance.md.
 */
public final class KubernetesBenchmark {
    private KubernetesBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "../shared/corpus/kubernetes");
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile).filter(p -> p.toString().matches(".*\\.ya?ml")).sorted().toList();
        }
        List<byte[]> contents = new ArrayList<>();
        long bytes = 0;
        for (Path f : files) {
            byte[] b = Files.readAllBytes(f);
            contents.add(b);
            bytes += b.length;
        }
        Profile profile = Profile.load("restricted", RuleCatalog.builtIn().parameters());
        FileHardener hardener = new FileHardener(profile, ImageKnowledge.builtIn(), RepoConfig.none(), Limits.DEFAULT);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        long changed = 0;
        for (int warm = 0; warm < 5; warm++) {
            changed = pass(hardener, files, contents);
        }
        long start = System.nanoTime();
        for (int r = 0; r < rounds; r++) {
            pass(hardener, files, contents);
        }
        double seconds = (System.nanoTime() - start) / 1e9 / rounds;
        System.out.printf("%d files, %.1f KiB, %d changed; %.1f ms per pass; %.0f files/s; %.2f MB/s%n", files.size(),
                bytes / 1024.0, changed, seconds * 1000, files.size() / seconds, bytes / seconds / 1e6);
    }

    private static long pass(FileHardener hardener, List<Path> files, List<byte[]> contents) {
        long changed = 0;
        for (int i = 0; i < files.size(); i++) {
            if (hardener.process(files.get(i), files.get(i).getFileName().toString(), contents.get(i), true).changed()) {
                changed++;
            }
        }
        return changed;
    }
}
