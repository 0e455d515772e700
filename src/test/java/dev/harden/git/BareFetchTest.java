package dev.harden.git;

import static dev.harden.testing.GitCli.git;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.harden.testing.GitCli;
import dev.harden.testing.GitServer;
import dev.harden.testing.Needs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link GitRepo#cloneShallow(String, String, Credentials, java.time.Duration, Wanted)}: a bare fetch, no checkout. */
class BareFetchTest {
    private static final Identity BOT = new Identity("harden", "harden@noreply.invalid");
    private static final String TOKEN = "ghp_BareFetchTokenNeverOnDisk77";

    @TempDir
    Path dir;

    @BeforeAll
    static void needGit() {
        assumeTrue(GitCli.available(), Needs.GIT);
    }

    /** Every file below a folder, as paths relative to it with {@code /}. */
    private static List<String> files(Path root) throws Exception {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(p -> !Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    .map(p -> root.relativize(p).toString().replace('\\', '/')).sorted().toList();
        }
    }

    /** A repository with a manifest, a large binary, a README, a symbolic link and a submodule. */
    private Path mixed() throws Exception {
        Path bare = GitCli.bare(dir, "mixed");
        Path work = Files.createDirectories(dir.resolve("mixed-work"));
        git(work, "init", "-q", "-b", "main");
        Files.writeString(Files.createDirectories(work.resolve("deploy")).resolve("compose.yaml"), "services: {}\n");
        byte[] big = new byte[3 * 1024 * 1024];
        new Random(7).nextBytes(big);
        Files.write(Files.createDirectories(work.resolve("assets")).resolve("big.bin"), big);
        Files.writeString(work.resolve("README.md"), "read me\n");
        Files.createSymbolicLink(work.resolve("link.yaml"), Path.of("deploy/compose.yaml"));
        git(work, "add", "-A");
        // a submodule is a gitlink entry: a commit id where a file would be
        git(work, "update-index", "--add", "--cacheinfo", "160000," + "1".repeat(40) + ",vendor/lib");
        git(work, "commit", "-q", "-m", "Mixed");
        git(work, "push", "-q", bare.toUri().toString(), "main");
        return bare;
    }

    @Test
    void writesOutOnlyTheWantedFilesBesideABareShallowRepositoryWithNoCheckoutAndNoIndex() throws Exception {
        Path bare = mixed();
        List<String> offered = new ArrayList<>();
        Path folder;
        try (GitRepo repo = GitRepo.cloneShallow(bare.toUri().toString(), null, null, GitRepo.TIMEOUT, file -> {
            offered.add(file.path() + " " + file.size());
            return file.path().endsWith(".yaml");
        })) {
            folder = repo.workTree();
            assertThat(repo.head()).isEqualTo(GitCli.tip(bare, "main"));
            // regular files only: the link and the submodule are never offered, the binary is offered by size and left
            assertThat(offered).containsExactly("README.md 8", "assets/big.bin " + 3 * 1024 * 1024, "deploy/compose.yaml 13");
            List<String> onDisk = files(folder);
            assertThat(onDisk.stream().filter(f -> !f.startsWith(".git/"))).containsExactly("deploy/compose.yaml");
            assertThat(onDisk).contains(".git/shallow", ".git/config").doesNotContain(".git/index");
            // the git CLI, as a second opinion: a bare repository, at depth 1, with nothing checked out
            assertThat(git(folder.resolve(".git"), "rev-parse", "--is-bare-repository").strip()).isEqualTo("true");
            assertThat(git(folder.resolve(".git"), "rev-parse", "--is-shallow-repository").strip()).isEqualTo("true");
            assertThat(git(folder.resolve(".git"), "for-each-ref", "--format=%(refname)").strip()).isEqualTo("refs/heads/main");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder))).isEqualTo("rwx------");
            assertThat(repo.uncommitted()).isEmpty();
            assertThat(repo.writeOut("README.md")).isTrue();
            assertThat(repo.writeOut("README.md")).as("already there").isFalse();
            assertThat(repo.writeOut("link.yaml")).as("a link is not read").isFalse();
            assertThat(repo.writeOut("vendor/lib")).as("a submodule is not read").isFalse();
            assertThat(Files.readString(folder.resolve("README.md"))).isEqualTo("read me\n");
        }
        assertThat(folder).doesNotExist();
    }

    /** A repository that says every text file is checked out with CRLF, and a file stored with CRLF before that rule. */
    private Path crlfRepository() throws Exception {
        Path bare = GitCli.bare(dir, "crlf");
        GitCli.seed(bare, Map.of("legacy.yaml", "a: 1\r\nb: 2\r\n"));
        Path work = Files.createDirectories(dir.resolve("crlf-work"));
        git(work, "clone", "-q", bare.toUri().toString(), ".");
        Files.writeString(work.resolve(".gitattributes"), "* text=auto eol=crlf\n");
        // a CRLF file in the working tree: git add stores it with LF
        Files.writeString(work.resolve("compose.yaml"), "services:\r\n  web:\r\n    image: nginx\r\n");
        git(work, "add", "-A");
        git(work, "commit", "-q", "-m", "Attributes");
        git(work, "push", "-q", "origin", "main");
        assertThat(git(bare, "cat-file", "blob", "main:compose.yaml")).isEqualTo("services:\n  web:\n    image: nginx\n");
        return bare;
    }

    @Test
    void blobsGoOutAndBackRawUnderTextAutoEolCrlfSoOnlyTheEditedLinesChange() throws Exception {
        Path bare = crlfRepository();
        String main = GitCli.tip(bare, "main");
        String tree;
        try (GitRepo repo = GitRepo.cloneShallow(bare.toUri().toString(), null, null, GitRepo.TIMEOUT, Wanted.EVERY_FILE)) {
            Path folder = repo.workTree();
            // written as the repository stores them: no CRLF added on the way out, and the legacy CRs kept
            assertThat(Files.readString(folder.resolve("compose.yaml"))).isEqualTo("services:\n  web:\n    image: nginx\n");
            assertThat(Files.readString(folder.resolve("legacy.yaml"))).isEqualTo("a: 1\r\nb: 2\r\n");
            tree = repo.tree(main, Map.of(
                    "compose.yaml", "services:\n  web:\n    image: nginx\n    read_only: true\n".getBytes(StandardCharsets.UTF_8),
                    "legacy.yaml", "a: 1\r\nb: 3\r\n".getBytes(StandardCharsets.UTF_8)));
            String commit = repo.commit(main, tree, BOT, BOT, "Harden\n");
            assertThat(repo.push(commit, "harden/x", null).ok()).isTrue();
        }
        // the git CLI, as a second opinion: the bytes given are the blobs, and each file's diff is the edit alone
        assertThat(git(bare, "cat-file", "blob", "harden/x:compose.yaml"))
                .isEqualTo("services:\n  web:\n    image: nginx\n    read_only: true\n");
        assertThat(git(bare, "cat-file", "blob", "harden/x:legacy.yaml")).isEqualTo("a: 1\r\nb: 3\r\n");
        assertThat(git(bare, "diff", "--numstat", "main", "harden/x").lines().sorted().toList())
                .containsExactly("1\t0\tcompose.yaml", "1\t1\tlegacy.yaml");

        // and a checkout of the pushed branch under those attributes gives CRLF, as a checkout of main does
        Path check = Files.createDirectories(dir.resolve("check"));
        git(check, "clone", "-q", "-b", "harden/x", bare.toUri().toString(), ".");
        assertThat(Files.readString(check.resolve("compose.yaml")))
                .isEqualTo("services:\r\n  web:\r\n    image: nginx\r\n    read_only: true\r\n");
        assertThat(git(check, "status", "--porcelain")).isEmpty();
    }

    @Test
    void aTokenAndAPasswordInTheUrlNeverReachTheBareRepositoryOrTheFilesWrittenOut() throws Exception {
        assumeTrue(GitServer.available(), Needs.GIT_SERVER);
        String password = "pw/" + TOKEN;
        try (GitServer server = GitServer.start(Files.createDirectories(dir.resolve("server")), "x-access-token", password)) {
            Path bare = server.repository("shop");
            String main = GitCli.seed(bare, Map.of("compose.yaml", "services: {}\n", "notes.txt", "n\n"));
            String url = server.url("shop").replace("://", "://x-access-token:"
                    + java.net.URLEncoder.encode(password, StandardCharsets.UTF_8) + "@");
            try (GitRepo repo = GitRepo.cloneShallow(url, "main", new Credentials("x-access-token", TOKEN), GitRepo.TIMEOUT,
                    file -> file.path().endsWith(".yaml"))) {
                String tree = repo.tree(main, Map.of("compose.yaml", "services:\n  a: {}\n".getBytes(StandardCharsets.UTF_8)));
                assertThat(repo.push(repo.commit(main, tree, BOT, BOT, "Harden\n"), "harden/x", null).ok()).isTrue();
                assertThat(repo.remoteUrl()).isEqualTo(server.url("shop"));
                for (String file : files(repo.workTree())) {
                    byte[] bytes = Files.readAllBytes(repo.workTree().resolve(file));
                    String text = new String(bytes, StandardCharsets.ISO_8859_1);
                    assertThat(text).as(file).doesNotContain(TOKEN).doesNotContain("pw%2F");
                }
                assertThat(Files.readString(repo.workTree().resolve(".git/config"))).contains(server.url("shop"))
                        .doesNotContain("x-access-token");
            }
        }
    }
}
