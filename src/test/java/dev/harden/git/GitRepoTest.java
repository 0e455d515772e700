package dev.harden.git;

import static dev.harden.testing.GitCli.git;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.harden.testing.GitCli;
import dev.harden.testing.GitServer;
import dev.harden.testing.Needs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.transport.SshSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitRepoTest {
    private static final Identity BOT = new Identity("harden", "harden@noreply.invalid");
    private static final String TOKEN = "ghp_T0kenThatMustNotLeak";

    @TempDir
    Path dir;

    @BeforeAll
    static void needGit() {
        assumeTrue(GitCli.available(), Needs.GIT);
    }

    private Path seeded() throws Exception {
        Path bare = GitCli.bare(dir, "app");
        GitCli.seed(bare, Map.of("compose.yaml", "services: {}\n", "docs/readme.md", "hi\n"));
        Path work = Files.createTempDirectory(dir, "more");
        git(work, "clone", "-q", bare.toUri().toString(), ".");
        Files.writeString(work.resolve("compose.yaml"), "services:\n  web:\n    image: nginx\n");
        git(work, "commit", "-q", "-am", "Add web");
        git(work, "push", "-q", "origin", "main");
        return bare;
    }

    @Test
    void clonesOneBranchShallowAndPushesACommitBuiltInMemory() throws Exception {
        Path bare = seeded();
        String mainTip = GitCli.tip(bare, "main");
        try (GitRepo repo = GitRepo.cloneShallow(bare.toUri().toString(), null, null)) {
            assertThat(repo.head()).isEqualTo(mainTip);
            assertThat(repo.workTree().resolve(".git/shallow")).exists();

            String tree = repo.tree(mainTip, Map.of("compose.yaml", "services:\n  web:\n    image: nginx\n    read_only: true\n"
                    .getBytes()));
            String commit = repo.commit(mainTip, tree, new Identity("Ann Author", "ann@example.com"), BOT,
                    "Harden\n\nHarden-Change: abc\n");
            Push push = repo.push(commit, "harden/restricted", null);

            assertThat(push.ok()).as(push.toString()).isTrue();
            assertThat(Files.readString(repo.workTree().resolve("compose.yaml"))).doesNotContain("read_only");
            assertThat(repo.uncommitted()).isEmpty();
        }
        assertThat(git(bare, "log", "--format=%an <%ae>|%cn <%ce>|%s|%P", "-1", "harden/restricted").strip())
                .isEqualTo("Ann Author <ann@example.com>|harden <harden@noreply.invalid>|Harden|" + mainTip);
        assertThat(git(bare, "show", "harden/restricted:compose.yaml")).contains("read_only: true");
        assertThat(git(bare, "diff", "--name-only", "main", "harden/restricted").strip()).isEqualTo("compose.yaml");
    }

    @Test
    void readsTheDefaultBranchAndBranchTipsWithoutFetching() throws Exception {
        Path bare = seeded();
        git(bare, "branch", "feature", "main~1");
        try (GitRepo repo = GitRepo.cloneShallow(bare.toUri().toString(), "feature", null)) {
            Remote remote = repo.remote();
            assertThat(remote.defaultBranch()).isEqualTo("main");
            assertThat(remote.tip("main")).contains(GitCli.tip(bare, "main"));
            assertThat(remote.tip("feature")).contains(GitCli.tip(bare, "feature"));
            assertThat(remote.tip("harden/restricted")).isEmpty();
            assertThat(repo.head()).isEqualTo(GitCli.tip(bare, "feature"));
        }
    }

    @Test
    void aPushOverABranchThatMovedIsARejectedStatusNotAnException() throws Exception {
        Path bare = seeded();
        String mainTip = GitCli.tip(bare, "main");
        try (GitRepo repo = GitRepo.cloneShallow(bare.toUri().toString(), null, null)) {
            String tree = repo.tree(mainTip, Map.of("new.txt", "x\n".getBytes()));
            String commit = repo.commit(mainTip, tree, BOT, BOT, "One\n");
            assertThat(repo.push(commit, "harden/x", null).ok()).isTrue();

            String other = repo.commit(mainTip, tree, BOT, BOT, "Two\n");
            Push expectedAbsent = repo.push(other, "harden/x", null);
            Push expectedElsewhere = repo.push(other, "harden/x", mainTip);

            assertThat(expectedAbsent.ok()).isFalse();
            assertThat(expectedAbsent.raced()).isTrue();
            assertThat(expectedElsewhere.raced()).isTrue();
            assertThat(GitCli.tip(bare, "harden/x")).isEqualTo(commit);
            assertThat(repo.push(other, "harden/x", commit).ok()).isTrue();
            assertThat(GitCli.tip(bare, "harden/x")).isEqualTo(other);
        }
    }

    @Test
    void describesTheTipOfARemoteBranchWithItsTrailers() throws Exception {
        Path bare = seeded();
        Path work = Files.createTempDirectory(dir, "human");
        git(work, "clone", "-q", bare.toUri().toString(), ".");
        git(work, "checkout", "-q", "-b", "harden/restricted");
        Files.writeString(work.resolve("x.txt"), "x\n");
        git(work, "add", "x.txt");
        git(work, "-c", "user.name=Alice", "-c", "user.email=alice@example.com", "commit", "-q", "-m",
                "Tweak\n\nHarden-Change: 1234\nSigned-off-by: Alice <alice@example.com>");
        git(work, "push", "-q", "origin", "harden/restricted");
        try (GitRepo repo = GitRepo.cloneShallow(bare.toUri().toString(), null, null)) {
            Tip tip = repo.fetchTip("harden/restricted");
            assertThat(tip.id()).isEqualTo(GitCli.tip(bare, "harden/restricted"));
            assertThat(tip.author()).isEqualTo(new Identity("Alice", "alice@example.com"));
            assertThat(tip.committer().email()).isEqualTo("alice@example.com");
            assertThat(tip.trailer("Harden-Change")).contains("1234");
            assertThat(tip.trailer("Harden-Profile")).isEmpty();
            assertThat(tip.tree()).isEqualTo(git(bare, "rev-parse", "harden/restricted^{tree}").strip());
        }
    }

    @Test
    void opensTheRepositoryAPathIsInAndSeesUncommittedChanges() throws Exception {
        Path bare = seeded();
        Path work = Files.createTempDirectory(dir, "local");
        git(work, "clone", "-q", bare.toUri().toString(), ".");
        try (GitRepo repo = GitRepo.open(work.resolve("docs"), "origin", null)) {
            assertThat(repo.workTree().toRealPath()).isEqualTo(work.toRealPath());
            assertThat(repo.head()).isEqualTo(GitCli.tip(bare, "main"));
            assertThat(repo.uncommitted()).isEmpty();
            Files.writeString(work.resolve("compose.yaml"), "services: {}\n");
            Files.writeString(work.resolve("untracked.yaml"), "services: {}\n");
            assertThat(repo.uncommitted()).containsExactly("compose.yaml");
            assertThat(repo.tracked(repo.head(), "compose.yaml")).isTrue();
            assertThat(repo.tracked(repo.head(), "untracked.yaml")).isFalse();
            assertThat(repo.remote().defaultBranch()).isEqualTo("main");
        }
        try (GitRepo noRemote = GitRepo.open(work, "upstream", null)) {
            assertThatThrownBy(noRemote::remote).hasMessageContaining("has no remote 'upstream'");
        }
        assertThatThrownBy(() -> GitRepo.open(dir, "origin", null)).hasMessageContaining("not inside a git repository");
    }

    @Test
    void talksSmartHttpWithATokenAndReportsAHookRejectionAsAStatus() throws Exception {
        assumeTrue(GitServer.available(), Needs.GIT_SERVER);
        try (GitServer server = GitServer.start(Files.createDirectories(dir.resolve("server")), "x-access-token", TOKEN)) {
            Path bare = server.repository("shop");
            String mainTip = GitCli.seed(bare, Map.of("compose.yaml", "services: {}\n"));
            Credentials credentials = new Credentials("x-access-token", TOKEN);
            try (GitRepo repo = GitRepo.cloneShallow(server.url("shop"), null, credentials)) {
                assertThat(repo.remote().defaultBranch()).isEqualTo("main");
                String tree = repo.tree(mainTip, Map.of("compose.yaml", "services:\n  a: {}\n".getBytes()));
                String commit = repo.commit(mainTip, tree, BOT, BOT, "Harden\n");

                GitServer.rejectPushes(bare, 1);
                Push refused = repo.push(commit, "harden/restricted", null);
                assertThat(refused.status()).isEqualTo("REJECTED_OTHER_REASON");
                assertThat(refused.message()).contains("pre-receive hook declined");
                assertThat(refused.raced()).isFalse();
                assertThat(GitCli.tip(bare, "harden/restricted")).isNull();

                assertThat(repo.push(commit, "harden/restricted", null).ok()).isTrue();
                assertThat(GitCli.tip(bare, "harden/restricted")).isEqualTo(commit);
                assertThat(repo.fetchTip("harden/restricted").id()).isEqualTo(commit);
            }
            Credentials wrong = new Credentials("x-access-token", "wrong-" + TOKEN);
            assertThatThrownBy(() -> GitRepo.cloneShallow(server.url("shop"), null, wrong))
                    .isInstanceOf(GitException.class)
                    .hasMessageContaining("cannot clone")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(TOKEN));
        }
    }

    @Test
    void sshRemotesGoThroughJGitsApacheMinaClient() {
        assertThat(SshSessionFactory.getInstance()).isInstanceOf(SshdSessionFactory.class);
    }

    @Test
    void redactsTokensAndPasswordsInUrls() {
        assertThat(Redact.secret("https://bot:s3cr3t-pass@git.example.com/a.git failed with s3cr3t-pass", "s3cr3t-pass"))
                .isEqualTo("https://bot:***@git.example.com/a.git failed with ***");
        assertThat(Redact.secret("ssh://git@host/x.git", null)).isEqualTo("ssh://git@host/x.git");
        assertThat(new Credentials("u", TOKEN).toString()).doesNotContain(TOKEN);
    }

    @Test
    void parsesAnIdentityOrSaysWhatFormItWants() {
        assertThat(Identity.parse("Harden Bot <bot@example.com>")).isEqualTo(new Identity("Harden Bot", "bot@example.com"));
        assertThatThrownBy(() -> Identity.parse("bot@example.com")).hasMessageContaining("Name <email@example.com>");
    }
}
