package dev.harden.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The git commit harden was built from: recorded by the build, printed by {@code --version}. */
public final class BuildInfo {
    static final String RESOURCE = "dev/harden/commit.txt";

    private BuildInfo() {
    }

    /** Build step: writes {@code args[1]}'s HEAD commit (or "unknown") into the classes folder {@code args[0]}. */
    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]).resolve(RESOURCE);
        Files.createDirectories(file.getParent());
        Files.writeString(file, commitOf(Path.of(args[1])) + "\n", StandardCharsets.UTF_8);
    }

    /** The short commit of the work tree at {@code folder}, or "unknown" without git or a repository. */
    static String commitOf(Path folder) {
        try {
            Process p = new ProcessBuilder("git", "-C", folder.toString(), "rev-parse", "--short=12", "HEAD")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 && out.matches("[0-9a-f]{7,40}")) {
                return out;
            }
        } catch (IOException e) {
            // no git on this machine
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "unknown";
    }

    /** The commit recorded in the jar, or "unknown". */
    static String commit() {
        try (InputStream in = BuildInfo.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            String s = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
            return s.isEmpty() ? "unknown" : s;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
