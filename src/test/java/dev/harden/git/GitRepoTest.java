package dev.harden.git;

import static dev.harden.testing.GitCli.git;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.harden.testing.GitCli;
import dev.harden.testing.GitServer;
import java.nio.charset.StandardCharsets;
import dev.harden.testing.Needs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    /** A clone whose main holds a CRLF file committed before .gitattributes arrived, then the attributes. */
    private Path withAttributes(String attributes, Map<String, String> files) throws Exception {
        Path bare = GitCli.bare(dir, "attrs");
        GitCli.seed(bare, Map.of("legacy.auto.yaml", "a: 1\r\nb: 2\r\n"));
        Path work = Files.createTempDirectory(dir, "attrs-work");
        git(work, "clone", "-q", bare.toUri().toString(), ".");
        Files.writeString(work.resolve(".gitattributes"), attributes);
        for (Map.Entry<String, String> f : files.entrySet()) {
            Files.createDirectories(work.resolve(f.getKey()).getParent());
            Files.writeString(work.resolve(f.getKey()), f.getValue());
        }
        git(work, "add", "-A");
        git(work, "commit", "-q", "-m", "Attributes");
        return work;
    }

    @Test
    void storesEachFileAsGitAddWouldAfterGitattributesAndAutocrlfLineEndingRules() throws Exception {
        Path work = withAttributes("""
                *.crlf.yaml text eol=crlf
                *.lf.yaml text eol=lf
                *.auto.yaml text=auto
                *.raw.yaml -text
                """, Map.of("a.crlf.yaml", "a: 1\n", "b.lf.yaml", "b: 1\n", "c.auto.yaml", "c: 1\n", "d.raw.yaml", "d: 1\r\n",
                "e.yaml", "e: 1\n"));
        git(work, "config", "core.autocrlf", "true");
        String crlf = "x: 1\r\ny: [2]\r\n";
        Map<String, byte[]> files = new java.util.TreeMap<>();
        for (String name : List.of("a.crlf.yaml", "b.lf.yaml", "c.auto.yaml", "d.raw.yaml", "e.yaml", "legacy.auto.yaml",
                "new.crlf.yaml", "sub/new.yaml")) {
            files.put(name, crlf.getBytes(StandardCharsets.UTF_8));
        }
        files.put("mixed.auto.yaml", "x: 1\r\ny: 2\nz: 3\r\n".getBytes(StandardCharsets.UTF_8));
        files.put("binary.auto.yaml", "x: 1\r\n\0y\r\n".getBytes(StandardCharsets.UTF_8));

        String hardenTree;
        try (GitRepo repo = GitRepo.open(work, "origin", null)) {
            hardenTree = repo.tree(repo.head(), files);
        }

        // the git CLI, as a second opinion: the same bytes in the working tree, then git add
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Files.createDirectories(work.resolve(f.getKey()).getParent());
            Files.write(work.resolve(f.getKey()), f.getValue());
        }
        git(work, "add", "-A");
        String gitTree = git(work, "write-tree").strip();
        assertThat(git(work, "diff", "--stat", hardenTree, gitTree)).isEmpty();
        assertThat(hardenTree).isEqualTo(gitTree);
        assertThat(git(work, "cat-file", "blob", hardenTree + ":a.crlf.yaml")).isEqualTo("x: 1\ny: [2]\n");
        assertThat(git(work, "cat-file", "blob", hardenTree + ":d.raw.yaml")).isEqualTo(crlf);
    }

    @Test
    void refusesAFileWithACleanFilterNamingTheFileAndTheAttributeAndWritesNoPlaintext() throws Exception {
        String plaintext = "password: hunter2-plain-" + "Secret";
        Path work = withAttributes("secrets/*.yaml filter=crypt diff=crypt\n", Map.of("secrets/db.yaml", "x: 1\n"));
        git(work, "config", "filter.crypt.clean", "tr a-z n-za-m");
        git(work, "config", "filter.crypt.smudge", "tr a-z n-za-m");
        // git itself stores the cleaned (here rot13) bytes, never the working-tree plaintext
        Files.writeString(work.resolve("secrets/db.yaml"), plaintext + "\n");
        git(work, "add", "secrets/db.yaml");
        assertThat(git(work, "cat-file", "blob", ":secrets/db.yaml")).doesNotContain("hunter2");
        git(work, "reset", "-q", "--hard");

        try (GitRepo repo = GitRepo.open(work, "origin", null)) {
            String head = repo.head();
            assertThatThrownBy(() -> repo.tree(head, Map.of("compose.yaml", "services: {}\n".getBytes(StandardCharsets.UTF_8),
                    "secrets/db.yaml", (plaintext + "\n").getBytes(StandardCharsets.UTF_8))))
                    .isInstanceOf(GitException.class)
                    .hasMessageContaining("secrets/db.yaml has the git attribute 'filter=crypt' (.gitattributes)")
                    .hasMessageContaining("commits nothing");
        }
        String everyObject = git(work, "cat-file", "--batch-all-objects", "--batch");
        assertThat(everyObject).doesNotContain("hunter2");
    }

    @Test
    void refusesWorkingTreeEncodingAndIdentWhichJGitCannotApply() throws Exception {
        Path work = withAttributes("u16.yaml working-tree-encoding=UTF-16\nid.yaml ident\nplain.yaml -filter\n",
                Map.of("plain.yaml", "p: 1\n"));
        try (GitRepo repo = GitRepo.open(work, "origin", null)) {
            String head = repo.head();
            assertThatThrownBy(() -> repo.tree(head, Map.of("u16.yaml", "a: 1\n".getBytes(StandardCharsets.UTF_8))))
                    .hasMessageContaining("u16.yaml has the git attribute 'working-tree-encoding=UTF-16'");
            assertThatThrownBy(() -> repo.tree(head, Map.of("id.yaml", "a: 1\n".getBytes(StandardCharsets.UTF_8))))
                    .hasMessageContaining("id.yaml has the git attribute 'ident'");
            assertThat(repo.tree(head, Map.of("plain.yaml", "p: 2\n".getBytes(StandardCharsets.UTF_8)))).hasSize(40);
        }
    }

    /** Every file under a folder whose bytes contain the text, raw or percent-encoded. */
    private static List<Path> filesContaining(Path root, String secret) throws Exception {
        List<String> forms = List.of(secret, java.net.URLEncoder.encode(secret, StandardCharsets.UTF_8));
        List<Path> found = new java.util.ArrayList<>();
        Files.walkFileTree(root, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult visitFile(Path f, java.nio.file.attribute.BasicFileAttributes a)
                    throws java.io.IOException {
                try {
                    String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                    if (forms.stream().anyMatch(text::contains)) {
                        found.add(f);
                    }
                } catch (java.nio.file.NoSuchFileException e) {
                    // a lock file of JGit's background gc, gone already
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFileFailed(Path f, java.io.IOException e) {
                // JGit's background gc creates and removes lock files while we look
                return java.nio.file.FileVisitResult.CONTINUE;
            }
        });
        return found;
    }

    @Test
    void aPasswordInTheCloneUrlIsSentAsACredentialAndNeverWrittenToTheClone() throws Exception {
        assumeTrue(GitServer.available(), "lighttpd or git-http-backend is not installed");
        String password = "pa/ss@w0rd:" + TOKEN;
        try (GitServer server = GitServer.start(Files.createDirectories(dir.resolve("server")), "x-access-token", password)) {
            Path bare = server.repository("shop");
            String mainTip = GitCli.seed(bare, Map.of("compose.yaml", "services: {}\n"));
            String encoded = server.url("shop").replace("://", "://x-access-token:"
                    + java.net.URLEncoder.encode(password, StandardCharsets.UTF_8) + "@");
            String raw = server.url("shop").replace("://", "://x-access-token:" + password + "@");
            for (String url : List.of(encoded, raw)) {
                try (GitRepo repo = GitRepo.cloneShallow(url, null, null)) {
                    String tree = repo.tree(mainTip, Map.of("compose.yaml", "services:\n  a: {}\n".getBytes()));
                    String commit = repo.commit(mainTip, tree, BOT, BOT, "Harden\n");
                    assertThat(repo.push(commit, "harden/x", GitCli.tip(bare, "harden/x")).ok()).isTrue();
                    assertThat(repo.fetchTip("harden/x").id()).isEqualTo(commit);
                    assertThat(repo.remoteUrl()).isEqualTo(server.url("shop"));
                    assertThat(filesContaining(repo.workTree(), TOKEN)).isEmpty();
                    assertThat(repo.workTree().getFileName().toString()).startsWith("harden-clone-");
                    // on a shared runner, other users cannot read the clone
                    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                            Files.getPosixFilePermissions(repo.workTree()))).isEqualTo("rwx------");
                }
            }
            String wrong = server.url("shop").replace("://", "://x-access-token:wrong/" + TOKEN + "@");
            assertThatThrownBy(() -> GitRepo.cloneShallow(wrong, null, null))
                    .isInstanceOf(GitException.class)
                    .satisfies(e -> assertThat(e.getMessage()).contains("cannot clone http://127.0.0.1:")
                            .doesNotContain(TOKEN).doesNotContain("wrong"));
        }
    }

    /** A server that accepts connections and never says a word. */
    private static java.net.ServerSocket silentServer(List<java.net.Socket> held) throws Exception {
        java.net.ServerSocket socket = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        Thread accept = new Thread(() -> {
            try {
                while (true) {
                    held.add(socket.accept());
                }
            } catch (java.io.IOException e) {
                // closed: the test is over
            }
        });
        accept.setDaemon(true);
        accept.start();
        return socket;
    }

    @Test
    void cloneListAndPushGiveUpOnAServerThatNeverAnswers() throws Exception {
        List<java.net.Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (java.net.ServerSocket silent = silentServer(held)) {
            String url = "http://127.0.0.1:" + silent.getLocalPort() + "/silent.git";
            java.time.Duration timeout = java.time.Duration.ofSeconds(1);
            Path bare = seeded();
            Path work = Files.createTempDirectory(dir, "local");
            git(work, "clone", "-q", bare.toUri().toString(), ".");
            git(work, "remote", "add", "silent", url);
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(40), () -> {
                assertThatThrownBy(() -> GitRepo.cloneShallow(url, null, null, timeout))
                        .isInstanceOf(GitException.class).hasMessageContaining("cannot clone " + url);
                try (GitRepo repo = GitRepo.open(work, "silent", null, timeout)) {
                    assertThatThrownBy(repo::remote).isInstanceOf(GitException.class);
                    String head = repo.head();
                    assertThatThrownBy(() -> repo.push(head, "harden/x", null)).isInstanceOf(GitException.class);
                    assertThatThrownBy(() -> repo.fetchTip("main")).isInstanceOf(GitException.class);
                }
            });
            assertThat(held).isNotEmpty();
        } finally {
            for (java.net.Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void sshRemotesGoThroughJGitsApacheMinaClient() {
        assertThat(SshSessionFactory.getInstance()).isInstanceOf(SshdSessionFactory.class);
    }

    @Test
    void redactsTokensAndPasswordsInUrls() {
        assertThat(new Credentials("u", TOKEN).redact("https://bot:" + TOKEN + "@git.example.com/a.git failed with " + TOKEN))
                .isEqualTo("https://***@git.example.com/a.git failed with ***");
        assertThat(new Credentials("u", TOKEN).toString()).doesNotContain(TOKEN);
    }

    @Test
    void parsesAnIdentityOrSaysWhatFormItWants() {
        assertThat(Identity.parse("Harden Bot <bot@example.com>")).isEqualTo(new Identity("Harden Bot", "bot@example.com"));
        assertThatThrownBy(() -> Identity.parse("bot@example.com")).hasMessageContaining("Name <email@example.com>");
    }
}
