package dev.harden.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The servers a campaign test talks to: repositories on the real git server of the PR tests, each
 * with its own stateful {@link FakeForge} (GitHub-, GitLab- or Gitea-shaped) as {@code acme/NAME},
 * all behind one {@link ForgeRouter}; and readers of the journal a run leaves.
 */
public final class CampaignServers implements AutoCloseable {
    /** The user names harden sends a token with over git: GitHub's, GitLab's and harden's own for Gitea. */
    private static final List<String> GIT_USERS = List.of("x-access-token", "oauth2", "harden");

    private final GitServer server;
    private final String token;
    private final Map<String, Path> bares = new LinkedHashMap<>();
    private final Map<String, FakeForge> fakes = new LinkedHashMap<>();
    private final Map<Map<String, String>, Path> seeds = new LinkedHashMap<>();
    private ForgeRouter router;

    private CampaignServers(GitServer server, String token) {
        this.server = server;
        this.token = token;
    }

    /**
     * Starts the git server under {@code dir/server}, accepting the token with each forge's git user name;
     * the caller checks {@link GitServer#available()} first.
     */
    public static CampaignServers start(Path dir, String token) throws IOException, InterruptedException {
        Map<String, String> users = new LinkedHashMap<>();
        GIT_USERS.forEach(user -> users.put(user, token));
        return new CampaignServers(GitServer.start(Files.createDirectories(dir.resolve("server")), users), token);
    }

    /**
     * Serves {@code NAME.git} holding these files on main, with its fake forge for {@code acme/NAME}. A repository
     * with the same files as an earlier one is a copy of it (the same commit), which costs no git run.
     */
    public Path repo(String name, FakeForge.Dialect dialect, Map<String, String> files) throws IOException {
        if (router != null) {
            throw new IllegalStateException("add every repository before asking for the router");
        }
        Path seeded = seeds.get(files);
        Path bare = seeded != null ? server.copy(seeded, name) : server.repository(name);
        if (seeded == null) {
            GitCli.seed(bare, files);
            seeds.put(Map.copyOf(files), bare);
        }
        bares.put(name, bare);
        fakes.put(name, new FakeForge(dialect, token, "acme/" + name, b -> GitCli.tip(bare, b) != null));
        return bare;
    }

    /** The one API in front of every repository's fake, started on first use. */
    public ForgeRouter router() throws IOException {
        if (router == null) {
            Map<String, FakeForge> byRepo = new LinkedHashMap<>();
            fakes.forEach((name, fake) -> byRepo.put("acme/" + name, fake));
            router = new ForgeRouter(byRepo);
        }
        return router;
    }

    public Path bare(String name) {
        return bares.get(name);
    }

    public FakeForge fake(String name) {
        return fakes.get(name);
    }

    /** Every repository's name, in the order added. */
    public List<String> names() {
        return List.copyOf(bares.keySet());
    }

    /** {@code --clone-url} for {@code harden bulk run}: each repository is served under its name. */
    public String cloneUrlTemplate() {
        return server.url("x").replace("x.git", "") + "{name}.git";
    }

    public String url(String name) {
        return server.url(name);
    }

    /** How many lines a journal holds so far (0 before it exists). */
    public static int journalLines(Path journal) {
        try {
            if (!Files.exists(journal)) {
                return 0;
            }
            int n = 0;
            for (byte b : Files.readAllBytes(journal)) {
                if (b == '\n') {
                    n++;
                }
            }
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Each repository's last state in a journal, by its name (the part after {@code acme/}). */
    public static Map<String, String> lastStates(Path journal) throws IOException {
        Map<String, String> last = new LinkedHashMap<>();
        for (String line : Files.readAllLines(journal)) {
            last.put(line.replaceAll(".*\"repo\":\"[^/]+/acme/([^\"]+)\".*", "$1"), line.replaceAll(".*\"state\":\"([a-z-]+)\".*", "$1"));
        }
        return last;
    }

    @Override
    public void close() {
        if (router != null) {
            router.close();
        }
        fakes.values().forEach(FakeForge::close);
        server.close();
    }
}
