package dev.harden.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * A real git server on loopback: lighttpd running {@code git-http-backend} over smart HTTP, with
 * basic authentication (user name and token) and an optional {@code pre-receive} hook that rejects pushes.
 */
public final class GitServer implements AutoCloseable {
    private static final Path LIGHTTPD = Path.of("/usr/sbin/lighttpd");

    private final Path root;
    private final int port;
    private final Process process;

    private GitServer(Path root, int port, Process process) {
        this.root = root;
        this.port = port;
        this.process = process;
    }

    /** Whether lighttpd, git and git-http-backend are installed (.ci/run installs them). */
    public static boolean available() {
        return Files.isExecutable(LIGHTTPD) && GitCli.available() && backend() != null;
    }

    private static Path backend() {
        try {
            Process p = new ProcessBuilder("git", "--exec-path").start();
            String dir = new String(p.getInputStream().readAllBytes()).strip();
            p.waitFor();
            Path b = Path.of(dir, "git-http-backend");
            return Files.isExecutable(b) ? b : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Starts a server whose repositories live under {@code root/repos}, accepting only this user and token. */
    public static GitServer start(Path root, String user, String token) throws IOException, InterruptedException {
        return start(root, Map.of(user, token));
    }

    /** Starts a server accepting each of these users with its token (each forge has its own user name for tokens). */
    public static GitServer start(Path root, Map<String, String> tokensByUser) throws IOException, InterruptedException {
        Path repos = Files.createDirectories(root.resolve("repos"));
        StringBuilder users = new StringBuilder();
        tokensByUser.forEach((user, token) -> users.append(user).append(':').append(token).append('\n'));
        Files.writeString(root.resolve("users"), users);
        int port = Loopback.freePort();
        String conf = """
                server.document-root = "%1$s"
                server.port = %2$d
                server.bind = "127.0.0.1"
                server.errorlog = "%3$s/error.log"
                server.feature-flags = ("auth.delay-invalid-creds" => "disable")
                server.modules = ("mod_alias", "mod_auth", "mod_authn_file", "mod_setenv", "mod_cgi")
                alias.url = ("/git/" => "%4$s/")
                auth.backend = "plain"
                auth.backend.plain.userfile = "%3$s/users"
                $HTTP["url"] =~ "^/git/" {
                  cgi.assign = ("" => "")
                  setenv.add-environment = ("GIT_PROJECT_ROOT" => "%1$s", "GIT_HTTP_EXPORT_ALL" => "")
                  auth.require = ("/git/" => ("method" => "basic", "realm" => "git", "require" => "valid-user"))
                }
                """.formatted(repos, port, root, backend());
        Path file = root.resolve("lighttpd.conf");
        Files.writeString(file, conf);
        Process p = new ProcessBuilder(LIGHTTPD.toString(), "-D", "-f", file.toString())
                .redirectErrorStream(true).redirectOutput(root.resolve("lighttpd.out").toFile()).start();
        GitServer server = new GitServer(root, port, p);
        if (Loopback.awaitListening(port, p, 10)) {
            return server;
        }
        server.close();
        throw new IOException("lighttpd did not start: " + Files.readString(root.resolve("lighttpd.out")));
    }

    /** A new empty bare repository served as {@code name.git}. */
    public Path repository(String name) throws IOException {
        return GitCli.bare(root.resolve("repos"), name);
    }

    /** A copy of an existing bare repository, served as {@code name.git}: many alike repositories without a git run each. */
    public Path copy(Path bare, String name) throws IOException {
        Path target = root.resolve("repos").resolve(name + ".git");
        try (var files = Files.walk(bare)) {
            for (Path from : files.toList()) {
                Files.copy(from, target.resolve(bare.relativize(from).toString()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        return target;
    }

    public String url(String name) {
        return "http://127.0.0.1:" + port + "/git/" + name + ".git";
    }

    /** Makes the repository's pre-receive hook refuse the next {@code times} pushes (-1: every push). */
    public static void rejectPushes(Path bare, int times) throws IOException {
        Path counter = bare.resolve("reject-count");
        Files.writeString(counter, Integer.toString(times));
        Path hook = bare.resolve("hooks/pre-receive");
        Files.createDirectories(hook.getParent());
        Files.writeString(hook, """
                #!/bin/sh
                n=$(cat "%1$s")
                [ "$n" = "0" ] && exit 0
                [ "$n" != "-1" ] && echo $((n - 1)) > "%1$s"
                echo "branch protection test hook: push refused" >&2
                exit 1
                """.formatted(counter));
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Override
    public void close() {
        Loopback.stop(process);
    }
}
