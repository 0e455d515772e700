package dev.harden.git;

import static dev.harden.testing.GitCli.git;
import static org.assertj.core.api.Assertions.assertThat;

import dev.harden.testing.GitCli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.eclipse.jgit.util.FileUtils;

/** Whatever the line endings, the bytes harden commits are the bytes {@code git add} would store. */
class LineEndingProperties {
    private static final List<String> NAMES = List.of("x.crlf.yaml", "x.lf.yaml", "x.auto.yaml", "x.raw.yaml", "x.yaml");
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static Path root;
    private static Path work;
    private static boolean git;

    @BeforeContainer
    static void repository() throws IOException {
        git = GitCli.available();
        if (!git) {
            return;
        }
        root = Files.createTempDirectory("line-endings");
        Path bare = GitCli.bare(root, "eol");
        GitCli.seed(bare, Map.of(".gitattributes", "*.crlf.yaml text eol=crlf\n*.lf.yaml text eol=lf\n*.auto.yaml text=auto\n"
                + "*.raw.yaml -text\n"));
        work = root.resolve("work");
        Files.createDirectories(work);
        git(work, "clone", "-q", bare.toUri().toString(), ".");
    }

    @AfterContainer
    static void remove() throws IOException {
        if (root != null) {
            FileUtils.delete(root.toFile(), FileUtils.RECURSIVE | FileUtils.RETRY | FileUtils.SKIP_MISSING);
        }
    }

    @Provide
    Arbitrary<byte[]> contents() {
        Arbitrary<String> piece = Arbitraries.of("a: 1", "- b", "\n", "\r\n", "\r", "\r\r\n", "\0", "é", " ", "#x");
        return piece.list().ofMaxSize(12).map(l -> String.join("", l).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Property(tries = 60)
    void hardenStoresWhatGitAddStores(@ForAll("contents") byte[] content, @ForAll("names") String name,
                                      @ForAll("autocrlf") String autocrlf) throws Exception {
        if (!git) {
            return;
        }
        git(work, "config", "core.autocrlf", autocrlf);
        String path = "n" + COUNTER.incrementAndGet() + "/" + name;
        String tree;
        try (GitRepo repo = GitRepo.open(work, "origin", null)) {
            tree = repo.tree(repo.head(), Map.of(path, content));
        }
        Path file = root.resolve("content.bin");
        Files.write(file, content);
        String expected = git(work, "hash-object", "--path=" + path, file.toString()).strip();
        assertThat(git(work, "rev-parse", tree + ":" + path).strip()).isEqualTo(expected);
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.of(NAMES);
    }

    @Provide
    Arbitrary<String> autocrlf() {
        return Arbitraries.of("true", "false", "input");
    }
}
