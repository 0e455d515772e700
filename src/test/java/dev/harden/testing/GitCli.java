package dev.harden.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The git command line, as a second opinion on what harden did to a repository. */
public final class GitCli {
    private GitCli() {
    }

    public static boolean available() {
        try {
            return new ProcessBuilder("git", "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs git in a folder and returns its standard output; fails the test when git fails. */
    public static String git(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("git", "-c", "init.defaultBranch=main", "-c", "user.name=Test",
                "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"));
        command.addAll(List.of(args));
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
            Map<String, String> env = pb.environment();
            env.put("GIT_CONFIG_NOSYSTEM", "1");
            env.put("HOME", dir.toString());
            env.put("GIT_TERMINAL_PROMPT", "0");
            Path errors = Files.createTempFile("git-err", ".txt");
            pb.redirectError(errors.toFile());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = p.waitFor();
            String err = Files.readString(errors);
            Files.deleteIfExists(errors);
            if (code != 0) {
                throw new AssertionError("git " + String.join(" ", args) + " failed (" + code + "): " + err);
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError("cannot run git", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** A new bare repository whose HEAD names main, accepting pushes over smart HTTP. */
    public static Path bare(Path parent, String name) throws IOException {
        Path dir = parent.resolve(name + ".git");
        Files.createDirectories(dir);
        git(dir, "init", "-q", "--bare");
        git(dir, "symbolic-ref", "HEAD", "refs/heads/main");
        git(dir, "config", "http.receivepack", "true");
        return dir;
    }

    /** Commits these files on main in a scratch clone and pushes them to the bare repository. */
    public static String seed(Path bare, Map<String, String> files) throws IOException {
        Path work = Files.createTempDirectory(bare.getParent(), "seed");
        git(work, "init", "-q", "-b", "main");
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path file = work.resolve(f.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, f.getValue());
        }
        git(work, "add", "-A");
        git(work, "commit", "-q", "-m", "Initial commit");
        git(work, "push", "-q", bare.toUri().toString(), "main");
        return git(work, "rev-parse", "HEAD").strip();
    }

    /** The commit a branch of a bare repository points at, or null. */
    public static String tip(Path bare, String branch) {
        String out = git(bare, "for-each-ref", "--format=%(objectname)", "refs/heads/" + branch).strip();
        return out.isEmpty() ? null : out;
    }
}
