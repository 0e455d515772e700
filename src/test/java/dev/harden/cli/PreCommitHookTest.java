package dev.harden.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.harden.testing.GitCli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hooks of {@code .pre-commit-hooks.yaml}, run by the real {@code pre-commit} on a temporary
 * repository with one staged file. The hook repository is a local git repository holding this
 * project's hooks file and a {@code harden} script that runs the classes under test, so nothing
 * is fetched from the network.
 */
class PreCommitHookTest {
    private static final String BAD = "services:\n  web:\n    image: nginx:1.27  # front door\n";

    @TempDir
    Path dir;

    @Test
    void theHooksCheckAndFixOnlyTheStagedFile() throws Exception {
        assumeTrue(GitCli.available(), "git is not installed");
        assumeTrue(available(), "pre-commit is not installed");
        Path hooks = Files.createDirectories(dir.resolve("hooks"));
        Files.copy(Path.of(".pre-commit-hooks.yaml"), hooks.resolve(".pre-commit-hooks.yaml"));
        Path script = hooks.resolve("harden");
        Files.writeString(script, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' -cp '"
                + System.getProperty("java.class.path") + "' dev.harden.cli.Main \"$@\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        GitCli.git(hooks, "init", "-q");
        GitCli.git(hooks, "add", "-A");
        GitCli.git(hooks, "commit", "-q", "-m", "hooks");
        String rev = GitCli.git(hooks, "rev-parse", "HEAD").trim();

        Path repo = Files.createDirectories(dir.resolve("repo"));
        GitCli.git(repo, "init", "-q");
        Files.writeString(repo.resolve(".pre-commit-config.yaml"), """
                repos:
                  - repo: %s
                    rev: %s
                    hooks:
                      - id: harden
                        args: [--profile, baseline]
                      - id: harden-fix
                        args: [--profile, baseline]
                        stages: [manual]
                """.formatted(hooks.toUri(), rev));
        Files.writeString(repo.resolve("compose.yaml"), BAD);
        Files.writeString(repo.resolve("unstaged.yaml"), BAD);
        GitCli.git(repo, "add", ".pre-commit-config.yaml", "compose.yaml");

        Run check = preCommit(repo, "run", "harden");
        assertThat(check.exit()).as(check.output()).isEqualTo(1);
        assertThat(check.output()).contains("harden check", "Failed", "compose.yaml:2:3: error cap-drop-all [web]")
                .doesNotContain("unstaged.yaml");

        Run fix = preCommit(repo, "run", "--hook-stage", "manual", "harden-fix");
        assertThat(fix.exit()).as(fix.output()).isEqualTo(1);
        assertThat(fix.output()).contains("files were modified by this hook");
        assertThat(Files.readString(repo.resolve("compose.yaml"))).startsWith(BAD).contains("    cap_drop:\n      - ALL\n");
        assertThat(Files.readString(repo.resolve("unstaged.yaml"))).isEqualTo(BAD);

        GitCli.git(repo, "add", "compose.yaml");
        Run clean = preCommit(repo, "run", "harden");
        assertThat(clean.exit()).as(clean.output()).isZero();
        assertThat(clean.output()).contains("harden check").contains("Passed");
    }

    private record Run(int exit, String output) { }

    private Run preCommit(Path repo, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("pre-commit"));
        command.addAll(List.of(args));
        command.add("--color=never");
        ProcessBuilder pb = new ProcessBuilder(command).directory(repo.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("HOME", dir.toString());
        env.put("PRE_COMMIT_HOME", dir.resolve("cache").toString());
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("GIT_TERMINAL_PROMPT", "0");
        env.put("GIT_AUTHOR_NAME", "Test");
        env.put("GIT_AUTHOR_EMAIL", "test@example.com");
        env.put("GIT_COMMITTER_NAME", "Test");
        env.put("GIT_COMMITTER_EMAIL", "test@example.com");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static boolean available() {
        try {
            return new ProcessBuilder("pre-commit", "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
