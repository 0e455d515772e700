package dev.harden.bulk;

import static dev.harden.testing.GitCli.git;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.harden.engine.FileHardener;
import dev.harden.forge.Forge;
import dev.harden.forge.Pace;
import dev.harden.git.Credentials;
import dev.harden.image.ImageKnowledge;
import dev.harden.profile.RepoConfig;
import dev.harden.report.Redact;
import dev.harden.testing.FakeForge;
import dev.harden.testing.Fixtures;
import dev.harden.testing.GitCli;
import dev.harden.testing.GitServer;
import dev.harden.testing.Needs;
import dev.harden.yaml.Limits;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One campaign repository worked through {@link PullRequestWork} on the real git server: fetched bare with
 * nothing checked out, and its commit is the base tree plus exactly the changed files, byte for byte.
 */
class FetchedWorkTest {
    private static final String TOKEN = "ghp_FetchedWorkTokenNeverShown5";
    private static final String BRANCH = "harden/restricted";
    private static final String COMPOSE = "services:\n  web:\n    image: nginx:1.27\n    ports:\n      - \"8080:80\"\n";

    @TempDir
    Path dir;

    private GitServer server;
    private FakeForge fake;
    private final List<String> log = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (fake != null) {
            fake.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** One entry of {@code git ls-tree -r}: mode, type and object id by path. */
    private static Map<String, String> lsTree(Path bare, String rev) {
        Map<String, String> out = new TreeMap<>();
        for (String line : git(bare, "ls-tree", "-r", "--full-tree", rev).split("\n")) {
            if (!line.isEmpty()) {
                out.put(line.substring(line.indexOf('\t') + 1), line.substring(0, line.indexOf('\t')));
            }
        }
        return out;
    }

    @Test
    void theBranchHoldsTheBaseTreePlusExactlyTheFixedFilesAndTheLargeFileIsNeverWrittenOut() throws Exception {
        assumeTrue(GitServer.available(), Needs.GIT_SERVER);
        server = GitServer.start(Files.createDirectories(dir.resolve("server")), "x-access-token", TOKEN);
        Path bare = server.repository("shop");
        // a CRLF file stored with its CRs before the attributes came, then attributes that check out CRLF
        GitCli.seed(bare, Map.of("legacy/compose.yaml", COMPOSE.replace("\n", "\r\n")));
        Path work = Files.createDirectories(dir.resolve("work"));
        git(work, "clone", "-q", bare.toUri().toString(), ".");
        Files.writeString(work.resolve(".gitattributes"), "* text=auto eol=crlf\n");
        Files.writeString(Files.createDirectories(work.resolve("deploy")).resolve("compose.yaml"), COMPOSE.replace("\n", "\r\n"));
        byte[] big = new byte[4 * 1024 * 1024];
        new Random(11).nextBytes(big);
        Files.write(Files.createDirectories(work.resolve("assets")).resolve("video.bin"), big);
        Files.writeString(work.resolve("README.md"), "# shop\n");
        git(work, "add", "-A");
        git(work, "commit", "-q", "-m", "More");
        git(work, "push", "-q", "origin", "main");
        fake = new FakeForge(FakeForge.Dialect.GITHUB, TOKEN, "acme/shop", b -> GitCli.tip(bare, b) != null);

        Campaign c = CampaignFile.parse(dir.resolve("campaign.yaml"), ("apiVersion: harden/v1\nkind: Campaign\nname: roll\n"
                + "forge: github\nprofile: restricted\nrepositories: [acme/shop]\n").getBytes(StandardCharsets.UTF_8));
        Pace pace = new Pace(Duration.ZERO, System::currentTimeMillis, Thread::sleep, new Random(1), Duration.ofSeconds(5));
        List<String> seen = new ArrayList<>();
        List<Path> bigCopies = new ArrayList<>();
        PullRequestWork.Hardeners hardeners = tree -> {
            // what lies on disk while harden reads the repository
            try (Stream<Path> all = Files.walk(tree)) {
                for (Path p : all.filter(Files::isRegularFile).toList()) {
                    seen.add(tree.relativize(p).toString());
                    if (Files.size(p) == big.length && Arrays.equals(Files.readAllBytes(p), big)) {
                        bigCopies.add(p);
                    }
                }
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
            return new FileHardener(Fixtures.profile("restricted"), ImageKnowledge.builtIn(), RepoConfig.none(), Limits.DEFAULT);
        };
        Work w = new PullRequestWork(c, new Credentials("x-access-token", TOKEN), target -> server.url("shop"),
                target -> Forge.of(Forge.Kind.GITHUB, URI.create(fake.apiUrl()), "acme/shop", TOKEN, pace, log::add),
                hardeners, Governor.standard(c.pace()), Redact.of(TOKEN), log::add);
        try (Journal journal = Journal.open(dir.resolve("j.jsonl"), Instant::now)) {
            BulkPlan plan = BulkPlan.of(c, Discovery.run(c, null), journal.last(), Shard.ALL, Journal.Selection.UNFINISHED);
            assertThat(BulkRun.run(plan, journal, w, 1, log::add)).as(String.join("\n", log)).isEqualTo(Map.of(State.DONE, 1));
        }

        // nothing checked out: the manifests alone were written, no index, and no copy of the large file anywhere
        assertThat(seen.stream().filter(p -> !p.startsWith(".git/"))).containsExactlyInAnyOrder(
                "deploy/compose.yaml", "legacy/compose.yaml");
        assertThat(seen).doesNotContain(".git/index").contains(".git/shallow");
        assertThat(bigCopies).isEmpty();
        assertThat(fake.prs()).hasSize(1);

        // the git CLI, as a second opinion: every entry of main is on the branch unchanged but the two fixed files
        Map<String, String> base = lsTree(bare, "main");
        Map<String, String> pushed = lsTree(bare, BRANCH);
        assertThat(pushed.keySet()).isEqualTo(base.keySet());
        List<String> differ = base.keySet().stream().filter(p -> !base.get(p).equals(pushed.get(p))).toList();
        assertThat(differ).containsExactly("deploy/compose.yaml", "legacy/compose.yaml");
        for (String path : differ) {
            String before = git(bare, "cat-file", "blob", "main:" + path);
            String after = git(bare, "cat-file", "blob", BRANCH + ":" + path);
            // the commit holds the fix of the stored bytes, stored as they came: LF stays LF, the legacy CRs stay
            assertThat(after).as(path).isEqualTo(Fixtures.fixed(Fixtures.profile("restricted"), before)).isNotEqualTo(before);
            assertThat(after.contains("\r")).as(path).isEqualTo(path.startsWith("legacy/"));
        }
        assertThat(after(bare, "legacy/compose.yaml").split("\r\n", -1))
                .allSatisfy(line -> assertThat(line).doesNotContain("\n"));
        assertThat(String.join("\n", log)).doesNotContain(TOKEN);
    }

    private static String after(Path bare, String path) {
        return git(bare, "cat-file", "blob", BRANCH + ":" + path);
    }
}
