package dev.harden.bench;

import dev.harden.bulk.BulkPlan;
import dev.harden.bulk.BulkRun;
import dev.harden.bulk.Campaign;
import dev.harden.bulk.CampaignFile;
import dev.harden.bulk.Discovery;
import dev.harden.bulk.Journal;
import dev.harden.bulk.Shard;
import dev.harden.bulk.State;
import dev.harden.bulk.Work;
import dev.harden.engine.FileHardener;
import dev.harden.git.Credentials;
import dev.harden.git.GitException;
import dev.harden.git.GitRepo;
import dev.harden.pr.Change;
import dev.harden.pr.PrException;
import dev.harden.profile.Profile;
import dev.harden.testing.Fixtures;
import dev.harden.testing.GitCli;
import dev.harden.testing.GitServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code harden bulk plan} and a dry run of {@code harden bulk run} over N repositories on the real git
 * server of the PR tests: the plan, then each repository through the run's pipeline up to the push
 * ({@link BulkRun} with its journal, a shallow clone through {@link GitRepo#cloneShallow}, the restricted
 * profile's fix through {@link Change#compute}), with the time spent in git and in harden summed apart,
 * the heap after a full GC and the process's peak RSS. A benchmark, not a test: run
 * {@code src/test/sh/bench-bulk.sh}, which starts one JVM per size.
 */
public final class BulkBenchmark {
    private static final String TOKEN = "bench-token-not-secret";
    private static final String COMPOSE = "services:\n  web:\n    image: nginx:1.27\n    ports:\n      - \"8080:80\"\n"
            + "  worker:\n    image: python:3.12-slim\n    command: [\"python\", \"-m\", \"worker\"]\n";
    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: api
            spec:
              replicas: 2
              selector:
                matchLabels: {app: api}
              template:
                metadata:
                  labels: {app: api}
                spec:
                  containers:
                    - name: api
                      image: nginx:1.27
                      ports:
                        - containerPort: 80
            """;

    private BulkBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        Path keep = args.length > 1 ? Files.createDirectories(Path.of(args[1])) : null;
        if (!GitServer.available()) {
            System.out.println("skipped: lighttpd, git or git-http-backend is not installed (apt-get install lighttpd git)");
            return;
        }
        Path work = Files.createTempDirectory("harden-bench-bulk");
        try (GitServer server = GitServer.start(Files.createDirectories(work.resolve("server")), "x-access-token", TOKEN)) {
            List<String> names = repositories(server, size);
            String list = String.join(", ", names.stream().map(n -> "acme/" + n).toList());
            Path campaignFile = Files.writeString((keep != null ? keep : work).resolve("bench-" + size + ".yaml"), """
                    apiVersion: harden/v1
                    kind: Campaign
                    name: bench-%d
                    forge: github
                    profile: restricted
                    repositories: [%s]
                    """.formatted(size, list));

            long t0 = System.nanoTime();
            Campaign campaign = CampaignFile.load(campaignFile);
            BulkPlan plan = BulkPlan.of(campaign, Discovery.run(campaign, null), Map.of(), Shard.ALL, Journal.Selection.UNFINISHED);
            int planChars = plan.text().length();
            long planNanos = System.nanoTime() - t0;

            AtomicLong gitNanos = new AtomicLong();
            AtomicLong hardenNanos = new AtomicLong();
            Profile profile = Fixtures.profile("restricted");
            Credentials credentials = new Credentials("x-access-token", TOKEN);
            Work dryRun = (target, steps) -> {
                long a = System.nanoTime();
                try (GitRepo git = GitRepo.cloneShallow(server.url(target.id().path().substring("acme/".length())), null,
                        credentials)) {
                    long b = System.nanoTime();
                    gitNanos.addAndGet(b - a);
                    steps.reached(State.FETCHED);
                    // a hardener per repository, as the run builds one with each repository's own .harden.yaml
                    FileHardener hardener = Fixtures.hardener(profile);
                    Change change = Change.compute(hardener, git.workTree(), List.of(git.workTree()));
                    steps.reached(change.isEmpty() ? State.UNCHANGED : State.CHANGED);
                    hardenNanos.addAndGet(System.nanoTime() - b);
                } catch (GitException | PrException e) {
                    throw new Work.Failed(e.getMessage(), true);
                }
            };
            Map<State, Integer> ended;
            long t1 = System.nanoTime();
            try (Journal journal = Journal.open(work.resolve("bench.journal.jsonl"), Instant::now)) {
                ended = BulkRun.run(plan, journal, dryRun, campaign.pace().parallel(), line -> { });
            }
            long runNanos = System.nanoTime() - t1;
            System.gc();
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            System.out.printf(Locale.ROOT, "%5d repositories  plan %6.0f ms (%d chars)  dry run %6.1f s (%5.1f ms/repo)  "
                            + "git %6.1f s  harden %5.1f s  (summed over %d threads)  heap after GC %5.1f MB  peak RSS %5.1f MB  %s%n",
                    size, planNanos / 1e6, planChars, runNanos / 1e9, runNanos / 1e6 / size, gitNanos.get() / 1e9,
                    hardenNanos.get() / 1e9, campaign.pace().parallel(), heap / 1048576.0, peakRssKb() / 1024.0, ended);
        } finally {
            delete(work);
        }
    }

    /** N repositories: nine in ten need the fix (a Compose file and a Deployment), one in ten is already hardened. */
    private static List<String> repositories(GitServer server, int size) throws IOException {
        Path needsFix = server.repository("template-fix");
        GitCli.seed(needsFix, Map.of("deploy/compose.yaml", COMPOSE, "k8s/api.yaml", DEPLOYMENT));
        Path hardened = server.repository("template-hardened");
        GitCli.seed(hardened, Map.of("compose.yaml", Fixtures.fixed(Fixtures.profile("restricted"), COMPOSE)));
        List<String> names = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            String name = String.format(Locale.ROOT, "svc-%04d", i);
            server.copy(i % 10 == 9 ? hardened : needsFix, name);
            names.add(name);
        }
        return names;
    }

    /** VmHWM from /proc/self/status: the most resident memory this JVM held at any moment, in KiB. */
    private static long peakRssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    private static void delete(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
