package dev.harden.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shell completion and the man page, made from the command model. */
class CompletionTest {
    @TempDir
    Path dir;

    @Test
    void theBashScriptSourcesWithoutErrorAndCompletesCommandsAndOptions() throws Exception {
        Path script = dir.resolve("harden.bash");
        Files.writeString(script, Cli.run("completion", "bash").out());
        Shell r = shell(List.of("bash", "-c", "source " + script + " && complete -p harden"
                + " && COMP_WORDS=(harden ch) COMP_CWORD=1 COMP_LINE='harden ch' COMP_POINT=9 && _complete_harden"
                + " && echo \"${COMPREPLY[@]}\""
                + " && COMP_WORDS=(harden check --fo) COMP_CWORD=2 COMP_LINE='harden check --fo' COMP_POINT=17 && _complete_harden"
                + " && echo \"${COMPREPLY[@]}\""));
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("complete -o default -F _complete_harden harden", "check\n", "--format");
    }

    @Test
    void theBashScriptCompletesBulksSubcommandsAndTheirOptions() throws Exception {
        Path script = dir.resolve("harden.bash");
        Files.writeString(script, Cli.run("completion", "bash").out());
        Shell r = shell(List.of("bash", "-c", "source " + script
                + " && COMP_WORDS=(harden bulk st) COMP_CWORD=2 COMP_LINE='harden bulk st' COMP_POINT=14 && _complete_harden"
                + " && echo \"[${COMPREPLY[@]}]\""
                + " && COMP_WORDS=(harden bulk status --off) COMP_CWORD=3 COMP_LINE='harden bulk status --off' COMP_POINT=24"
                + " && _complete_harden && echo \"[${COMPREPLY[@]}]\""));
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("[status]", "[--offline]");
    }

    @Test
    void theZshScriptIsTheBashOneThroughBashcompinit() {
        String zsh = Cli.run("completion", "zsh").out();
        assertThat(zsh).isEqualTo(Cli.run("completion", "bash").out()).contains("bashcompinit");
    }

    @Test
    void theFishScriptListsEveryCommandAndItsOptions() throws Exception {
        String fish = Cli.run("completion", "fish").out();
        for (String command : List.of("check", "fix", "verify", "pr", "bulk", "rules", "completion")) {
            assertThat(fish).contains("complete -c harden -n __fish_use_subcommand -a " + command + " -d '");
        }
        for (String bulk : List.of("plan", "run", "status", "close")) {
            assertThat(fish).contains("complete -c harden -n '__fish_seen_subcommand_from bulk' -a " + bulk + " -d '");
        }
        assertThat(fish).contains("complete -c harden -n '__fish_seen_subcommand_from bulk; and __fish_seen_subcommand_from"
                + " run' -l shard -r -d 'Work on part I of N");
        assertThat(fish).contains("complete -c harden -n '__fish_seen_subcommand_from check' -s f -l format -r -d 'text, json, sarif or markdown (default: text).'")
                .contains("-l profile -r -F -d 'baseline, restricted, strict, or a profile file (default: .harden.yaml\\'s, else restricted).'");
        if (available("fish")) {
            Path script = dir.resolve("harden.fish");
            Files.writeString(script, fish);
            Shell r = shell(List.of("fish", "--no-execute", script.toString()));
            assertThat(r.exit()).as(r.output()).isZero();
        }
    }

    @Test
    void anUnknownShellIsAUsageError() {
        Cli r = Cli.run("completion", "tcsh");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("bash, zsh or fish, not 'tcsh'");
    }

    @Test
    void theBuildWritesCompletionScriptsAndAManPageThatManRenders() throws Exception {
        Manuals.main(new String[] {dir.toString(), "1.2.3"});
        for (String shell : List.of("bash", "zsh", "fish")) {
            assertThat(Files.readString(dir.resolve("completion/harden." + shell))).isEqualTo(Cli.run("completion", shell).out());
        }
        Path page = dir.resolve("man/harden.1");
        String roff = Files.readString(page);
        assertThat(roff).startsWith(".TH HARDEN 1 \"\" \"harden 1.2.3\"").contains(".SS \"harden check [OPTIONS] [PATH...]\"",
                ".SH EXIT STATUS", "\\fB\\-\\-format\\fR \\fIFORMAT\\fR");
        for (String bulk : List.of("plan", "run", "status", "close")) {
            assertThat(roff).contains(".SS \"harden bulk " + bulk + " [OPTIONS] [CAMPAIGN.yaml]\"");
        }
        assertThat(roff).contains("\\fB\\-\\-offline\\fR\nRead the journals only");
        assumeTrue(available("man"), "man is not installed");
        Shell r = shell(List.of("man", "-l", page.toString()));
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("harden check [OPTIONS] [PATH...]", "--fail-on SEVERITY", "EXIT STATUS");
    }

    private record Shell(int exit, String output) { }

    private static Shell shell(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("MANWIDTH", "100");
        pb.environment().put("MANPAGER", "cat");
        pb.environment().put("PAGER", "cat");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Shell(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static boolean available(String program) {
        for (String folder : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(folder, program))) {
                return true;
            }
        }
        return false;
    }
}
