package dev.harden.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.harden.testing.CampaignServers;
import dev.harden.testing.FakeForge;
import dev.harden.testing.Fixtures;
import dev.harden.testing.GitCli;
import dev.harden.testing.GitServer;
import dev.harden.testing.HardenProcess;
import dev.harden.testing.Needs;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code harden bulk run} at the scale of issue 11's proof: 60 repositories on the real git server of the
 * PR tests, 20 behind each of a GitHub-, a GitLab- and a Gitea-shaped fake forge (one campaign per forge),
 * a mix of repositories that need the fix, are already hardened, and opt out either way; each run killed
 * with SIGKILL at a seeded random point and resumed, then run again; and one campaign split in shards.
 */
class BulkScaleTest {
    private static final String TOKEN = "glpat-ScaleTokenNeverShown6060";
    private static final String BRANCH = "harden/restricted";
    private static final int PER_FORGE = 20;
    private static final String OPT_OUT_FILE = ".harden-opt-out";

    /** What a repository holds, and so how its campaign must leave it. */
    private enum Kind { CHANGED, HARDENED, OPTED_OUT, OPT_OUT_FILE }

    @TempDir
    Path dir;

    private CampaignServers servers;
    private final Map<String, Kind> kinds = new LinkedHashMap<>();
    private Path tokenFile;

    @AfterEach
    void stop() {
        if (servers != null) {
            servers.close();
        }
    }

    private static String prefix(FakeForge.Dialect forge) {
        return switch (forge) {
            case GITHUB -> "gh";
            case GITLAB -> "gl";
            case GITEA -> "ge";
        };
    }

    /** Per forge: 14 repositories that need the fix, 2 already hardened, 2 saying campaigns: false, 2 with the opt-out file. */
    private static Kind kind(int i) {
        return switch (i % 10) {
            case 3 -> Kind.HARDENED;
            case 6 -> Kind.OPTED_OUT;
            case 9 -> Kind.OPT_OUT_FILE;
            default -> Kind.CHANGED;
        };
    }

    private static String compose(String name) {
        return "services:\n  " + name + ":\n    image: nginx:1.27\n";
    }

    private static String deployment(String name) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: %1$s
                spec:
                  selector:
                    matchLabels: {app: %1$s}
                  template:
                    metadata:
                      labels: {app: %1$s}
                    spec:
                      containers:
                        - name: %1$s
                          image: nginx:1.27
                """.formatted(name);
    }

    /** Alike repositories hold the same files, so the git server serves copies of a few seeded ones. */
    private static Map<String, String> files(Kind kind, int i) {
        return switch (kind) {
            case CHANGED -> i % 2 == 0 ? Map.of("deploy/compose.yaml", compose("web")) : Map.of("k8s/app.yaml", deployment("web"));
            case HARDENED -> Map.of("compose.yaml", Fixtures.fixed(Fixtures.profile("restricted"), compose("web")));
            case OPTED_OUT -> Map.of("compose.yaml", compose("web"), ".harden.yaml", "campaigns: false\n");
            case OPT_OUT_FILE -> Map.of("compose.yaml", compose("web"), OPT_OUT_FILE, "the platform team migrates this one\n");
        };
    }

    private void start(List<FakeForge.Dialect> forges, int perForge) throws Exception {
        assumeTrue(GitServer.available(), Needs.GIT_SERVER);
        servers = CampaignServers.start(dir, TOKEN);
        for (FakeForge.Dialect forge : forges) {
            for (int i = 0; i < perForge; i++) {
                String name = prefix(forge) + String.format(Locale.ROOT, "-%02d", i);
                kinds.put(name, kind(i));
                servers.repo(name, forge, files(kind(i), i));
            }
        }
        tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");
    }

    private List<String> names(FakeForge.Dialect forge) {
        return kinds.keySet().stream().filter(n -> n.startsWith(prefix(forge) + "-")).toList();
    }

    /** One campaign per forge, naming its 20 repositories; labels cost each forge its own calls. */
    private Path campaign(FakeForge.Dialect forge) throws IOException {
        String name = forge.name().toLowerCase(Locale.ROOT);
        return Files.writeString(dir.resolve(name + ".yaml"), """
                apiVersion: harden/v1
                kind: Campaign
                name: scale-%s
                forge: %s
                api: %s
                profile: restricted
                optOutFile: %s
                pullRequest:
                  labels: [security]
                repositories: [%s]
                """.formatted(name, name, servers.router().apiUrl(forge), OPT_OUT_FILE,
                String.join(", ", names(forge).stream().map(n -> "acme/" + n).toList())));
    }

    private List<String> run(Path campaign, Path journal, String... more) {
        List<String> args = new ArrayList<>(List.of("bulk", "run", campaign.toString(), "--journal", journal.toString(),
                "--token-file", tokenFile.toString(), "--clone-url", servers.cloneUrlTemplate()));
        args.addAll(List.of(more));
        return args;
    }

    private static Cli harden(List<String> args) {
        return Cli.run(args.toArray(String[]::new));
    }

    /** The branches of a repository as the git CLI lists them: a second opinion on harden's pushes. */
    private List<String> branches(String name) {
        return GitCli.git(servers.bare(name), "ls-remote", "--heads", ".").lines()
                .map(line -> line.substring(line.indexOf('\t') + 1)).sorted().toList();
    }

    private static String pullRequestUrl(FakeForge.Dialect forge, String name) {
        return switch (forge) {
            case GITHUB -> "https://github.example/acme/" + name + "/pull/1";
            case GITLAB -> "https://gitlab.example/acme/" + name + "/-/merge_requests/1";
            case GITEA -> "https://gitea.example/acme/" + name + "/pulls/1";
        };
    }

    /** Each repository ended as its kind says: one pull request and one branch with one commit, or nothing at all. */
    private void assertEachEndedOnce(FakeForge.Dialect forge, Path journal, String context) throws IOException {
        assertEachEndedOnce(forge, CampaignServers.lastStates(journal), context);
    }

    private void assertEachEndedOnce(FakeForge.Dialect forge, Map<String, String> last, String context) {
        assertThat(last.keySet()).as(context).containsExactlyInAnyOrderElementsOf(names(forge));
        for (String name : names(forge)) {
            FakeForge fake = servers.fake(name);
            switch (kinds.get(name)) {
                case CHANGED -> {
                    assertThat(fake.prs()).as(context + name).singleElement().satisfies(pr -> {
                        assertThat(pr.head).isEqualTo(BRANCH);
                        assertThat(pr.base).isEqualTo("main");
                        assertThat(pr.state).isEqualTo("open");
                        assertThat(pr.labels).containsExactly("security");
                    });
                    assertThat(branches(name)).as(context + name).containsExactly("refs/heads/" + BRANCH, "refs/heads/main");
                    assertThat(GitCli.git(servers.bare(name), "rev-list", "--count", "main.." + BRANCH).strip())
                            .as(context + name).isEqualTo("1");
                    assertThat(last.get(name)).as(context + name).isEqualTo("done");
                }
                case HARDENED -> {
                    assertThat(fake.prs()).as(context + name).isEmpty();
                    assertThat(branches(name)).as(context + name).containsExactly("refs/heads/main");
                    assertThat(last.get(name)).as(context + name).isEqualTo("done");
                }
                case OPTED_OUT, OPT_OUT_FILE -> {
                    assertThat(fake.prs()).as(context + name).isEmpty();
                    assertThat(fake.calls()).as(context + name + ": no forge call at all").isEmpty();
                    assertThat(branches(name)).as(context + name).containsExactly("refs/heads/main");
                    assertThat(last.get(name)).as(context + name).isEqualTo("opted-out");
                }
            }
        }
    }

    private int writes(String name) {
        return (int) servers.fake(name).calls().stream().filter(c -> !c.method().equals("GET")).count();
    }

    @Test
    void sixtyRepositoriesOnThreeForgesEndWithOnePullRequestEachThroughKillsAndResumesAndARerunOpensNothing() throws Exception {
        List<FakeForge.Dialect> forges = List.of(FakeForge.Dialect.GITHUB, FakeForge.Dialect.GITLAB, FakeForge.Dialect.GITEA);
        start(forges, PER_FORGE);
        long seed = Long.getLong("harden.test.seed", System.nanoTime());
        Random random = new Random(seed);
        Map<FakeForge.Dialect, Path> campaigns = new LinkedHashMap<>();
        Map<FakeForge.Dialect, Path> journals = new LinkedHashMap<>();
        Map<FakeForge.Dialect, Integer> killAt = new LinkedHashMap<>();
        Map<FakeForge.Dialect, HardenProcess> children = new LinkedHashMap<>();
        for (FakeForge.Dialect forge : forges) {
            campaigns.put(forge, campaign(forge));
            journals.put(forge, dir.resolve(prefix(forge) + ".journal.jsonl"));
            // a whole run of 20 writes 105 journal lines: 14 x 6, 2 x 4, 4 x 3
            killAt.put(forge, 3 + random.nextInt(80));
        }
        // the three campaigns run at once, as three processes, each killed at its own point
        for (FakeForge.Dialect forge : forges) {
            children.put(forge, HardenProcess.start(dir, Map.of(),
                    run(campaigns.get(forge), journals.get(forge)).toArray(String[]::new)));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        List<FakeForge.Dialect> running = new ArrayList<>(forges);
        while (!running.isEmpty()) {
            // on a machine too slow to reach the point in time, the run is killed where it is
            boolean late = System.nanoTime() > deadline;
            for (FakeForge.Dialect forge : List.copyOf(running)) {
                if (!children.get(forge).alive()) {
                    running.remove(forge);
                } else if (late || CampaignServers.journalLines(journals.get(forge)) >= killAt.get(forge)) {
                    children.get(forge).kill();
                    running.remove(forge);
                }
            }
            Thread.sleep(2);
        }
        StringBuilder kills = new StringBuilder("seed " + seed + " (rerun with -Dharden.test.seed=" + seed + "):");
        for (FakeForge.Dialect forge : forges) {
            HardenProcess.Result killed = children.get(forge).await(30);
            kills.append(' ').append(prefix(forge)).append(" killed after ").append(CampaignServers.journalLines(journals.get(forge)))
                    .append(" journal lines (exit ").append(killed.exit()).append(");");
            assertThat(killed.exit()).as(kills + " the run was killed, not finished: " + killed.err()).isEqualTo(137);
        }
        String at = kills.toString();

        for (FakeForge.Dialect forge : forges) {
            Cli resumed = harden(run(campaigns.get(forge), journals.get(forge)));
            assertThat(resumed.exit()).as(at + resumed.out() + resumed.err()).isZero();
            assertEachEndedOnce(forge, journals.get(forge), at + " " + prefix(forge) + " resumed: ");
        }
        Map<String, String> tips = new LinkedHashMap<>();
        Map<String, Integer> writes = new LinkedHashMap<>();
        for (String name : kinds.keySet()) {
            tips.put(name, GitCli.tip(servers.bare(name), BRANCH));
            writes.put(name, writes(name));
        }

        for (FakeForge.Dialect forge : forges) {
            Cli again = harden(run(campaigns.get(forge), journals.get(forge)));
            assertThat(again.exit()).as(at + again.out() + again.err()).isZero();
            assertThat(again.out()).as(at).endsWith("16 done, 4 opted-out; journal " + journals.get(forge) + "\n");
            for (String name : names(forge)) {
                if (kinds.get(name) == Kind.CHANGED) {
                    assertThat(again.out()).contains(": done " + pullRequestUrl(forge, name) + "\n");
                }
            }
            assertEachEndedOnce(forge, journals.get(forge), at + " " + prefix(forge) + " run again: ");
        }
        for (String name : kinds.keySet()) {
            assertThat(GitCli.tip(servers.bare(name), BRANCH)).as(at + name + ": nothing pushed again").isEqualTo(tips.get(name));
            assertThat(writes(name)).as(at + name + ": nothing created or changed again").isEqualTo(writes.get(name));
        }
        for (Path journal : journals.values()) {
            assertThat(Files.readString(journal)).doesNotContain(TOKEN);
        }
    }

    /** The repositories a shard's plan works on, by name, from {@code harden bulk plan}'s lines. */
    private static Set<String> planned(String plan) {
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^  start  [^/]+/acme/(\\S+)$").matcher(plan);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** The shard docs/bulk.md says a repository falls in: the first 8 bytes of SHA-256 of host/owner/name, mod N, plus 1. */
    private static int documentedShard(String key, int count) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return new BigInteger(1, Arrays.copyOf(digest, 8)).mod(BigInteger.valueOf(count)).intValueExact() + 1;
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void twoAndThreeShardsOfOneCampaignCoverEveryRepositoryOnceAndTheirJournalsMergeIntoTheWholeCampaign() throws Exception {
        FakeForge.Dialect forge = FakeForge.Dialect.GITLAB;
        start(List.of(forge), PER_FORGE);
        Path campaign = campaign(forge);
        String host = "127.0.0.1";
        for (int count : List.of(3, 2)) {
            Set<String> seen = new TreeSet<>();
            for (int i = 1; i <= count; i++) {
                Cli plan = harden(List.of("bulk", "plan", campaign.toString(), "--shard", i + "/" + count,
                        "--journal", dir.resolve("none.jsonl").toString()));
                assertThat(plan.exit()).as(plan.err()).isZero();
                Set<String> mine = planned(plan.out());
                assertThat(mine).as("shard %d/%d", i, count).isNotEmpty().filteredOn(seen::contains).isEmpty();
                for (String name : mine) {
                    assertThat(documentedShard(host + "/acme/" + name, count)).as(name).isEqualTo(i);
                }
                seen.addAll(mine);
            }
            assertThat(seen).as("%d shards", count).containsExactlyInAnyOrderElementsOf(names(forge));
        }
        // a Kubernetes Indexed Job's pod with index 1 of 3 runs shard 2/3
        HardenProcess pod = HardenProcess.start(dir, Map.of("JOB_COMPLETION_INDEX", "1", "HARDEN_SHARDS", "3"),
                "bulk", "plan", campaign.toString(), "--journal", dir.resolve("none.jsonl").toString());
        HardenProcess.Result podPlan = pod.await(60);
        assertThat(podPlan.exit()).as(podPlan.err()).isZero();
        assertThat(podPlan.out()).isEqualTo(harden(List.of("bulk", "plan", campaign.toString(), "--shard", "2/3",
                "--journal", dir.resolve("none.jsonl").toString())).out());

        List<String> threeJournals = new ArrayList<>();
        Map<String, String> last = new LinkedHashMap<>();
        for (int i = 1; i <= 3; i++) {
            Path journal = dir.resolve("shard-" + i + "-of-3.jsonl");
            int shardIndex = i;
            Cli shard = harden(run(campaign, journal, "--shard", i + "/3"));
            assertThat(shard.exit()).as(shard.out() + shard.err()).isZero();
            Map<String, String> mine = CampaignServers.lastStates(journal);
            assertThat(mine.keySet()).as("shard %d/3 worked only on its own", i).isNotEmpty()
                    .allSatisfy(name -> assertThat(last).doesNotContainKey(name))
                    .allSatisfy(name -> assertThat(documentedShard(host + "/acme/" + name, 3)).isEqualTo(shardIndex));
            last.putAll(mine);
            threeJournals.addAll(List.of("--journal", journal.toString()));
        }
        assertEachEndedOnce(forge, last, "three shards: ");
        Map<String, Integer> writes = new LinkedHashMap<>();
        names(forge).forEach(name -> writes.put(name, writes(name)));

        List<String> twoJournals = new ArrayList<>();
        Map<String, String> lastOfTwo = new LinkedHashMap<>();
        for (int i = 1; i <= 2; i++) {
            Path journal = dir.resolve("shard-" + i + "-of-2.jsonl");
            Cli shard = harden(run(campaign, journal, "--shard", i + "/2"));
            assertThat(shard.exit()).as(shard.out() + shard.err()).isZero();
            Map<String, String> mine = CampaignServers.lastStates(journal);
            assertThat(mine.keySet()).as("shard %d/2 worked only on its own", i).isNotEmpty()
                    .allSatisfy(name -> assertThat(lastOfTwo).doesNotContainKey(name));
            lastOfTwo.putAll(mine);
            twoJournals.addAll(List.of("--journal", journal.toString()));
        }
        assertEachEndedOnce(forge, lastOfTwo, "two shards after three: ");
        names(forge).forEach(name -> assertThat(writes(name)).as(name + ": nothing new").isEqualTo(writes.get(name)));

        Cli three = status(campaign, threeJournals);
        Cli two = status(campaign, twoJournals);
        Map<?, ?> report = JSON.std.mapFrom(three.out());
        assertThat(report.get("counts")).isEqualTo(Map.of("done", 16, "opted-out", 4));
        assertThat((List<?>) report.get("repositories")).hasSize(PER_FORGE).allSatisfy(row -> {
            Map<?, ?> r = (Map<?, ?>) row;
            String name = String.valueOf(r.get("repository")).substring((host + "/acme/").length());
            assertThat(r.get("url")).as(name).isEqualTo(kinds.get(name) == Kind.CHANGED ? pullRequestUrl(forge, name) : null);
        });
        assertThat(two.out()).as("the two shards' journals give the same picture as the three shards'").isEqualTo(three.out());
    }

    private Cli status(Path campaign, List<String> journals) {
        List<String> args = new ArrayList<>(List.of("bulk", "status", campaign.toString(), "--format", "json"));
        args.addAll(journals);
        Cli status = harden(args);
        assertThat(status.exit()).as(status.err()).isZero();
        return status;
    }
}
