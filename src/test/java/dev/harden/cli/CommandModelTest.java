package dev.harden.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

class CommandModelTest {
    private static final Pattern READ = Pattern.compile("\\b(?:model|command)\\.(flag|value|values)\\(\"(--[a-z-]+)\"\\)");

    /** The model of a subcommand after picocli parsed {@code args}. */
    private static CommandModel parsed(String... args) {
        CommandLine cli = HardenCommand.commandLine(args);
        CommandLine.ParseResult result = cli.parseArgs(args);
        Object command = result.subcommand().commandSpec().userObject();
        return switch (args[0]) {
            case "check" -> ((CheckCommand) command).model;
            case "fix" -> ((FixCommand) command).model;
            case "verify" -> ((VerifyCommand) command).model;
            case "pr" -> ((PrCommand) command).model;
            case "rules" -> ((RulesCommand) command).model;
            case "completion" -> ((CompletionCommand) command).model;
            default -> throw new IllegalArgumentException(args[0]);
        };
    }

    /** The options a command's source reads by name, with how: flag, value or values. */
    private static Set<String> reads(String... sources) throws Exception {
        Set<String> reads = new LinkedHashSet<>();
        for (String source : sources) {
            Matcher m = READ.matcher(Files.readString(Path.of("src/main/java/dev/harden/cli", source)));
            while (m.find()) {
                reads.add(m.group(1) + " " + m.group(2));
            }
        }
        return reads;
    }

    @Test
    void everyOptionACommandReadsIsDeclaredAsWhatItIsReadAsAndEveryDeclaredOptionIsRead() throws Exception {
        for (String name : List.of("check", "fix", "verify", "pr", "rules", "completion")) {
            String source = Character.toUpperCase(name.charAt(0)) + name.substring(1) + "Command.java";
            // the commands that start containers read --env and --allow-host-access through VerifyOptions
            Set<String> reads = List.of("fix", "verify", "pr").contains(name)
                    ? reads(source, "Options.java", "VerifyOptions.java") : reads(source, "Options.java");
            CommandSpec spec = parsed(name).spec();
            for (String read : reads) {
                String how = read.substring(0, read.indexOf(' '));
                String option = read.substring(read.indexOf(' ') + 1);
                if ((name.equals("rules") || name.equals("completion")) && List.of("--profile", "--config", "--max-file-size", "--verbose", "--no-color",
                        "--pin", "--offline", "--refresh-pins", "--insecure-registry", "--registry-mirror", "--image-facts")
                        .contains(option)) {
                    continue; // Options.java's, which rules does not take
                }
                OptionSpec declared = spec.findOption(option);
                assertThat(declared).as("%s reads %s", name, option).isNotNull();
                assertThat(declared.arity().max() == 0).as("%s %s read as %s", name, option, how).isEqualTo(how.equals("flag"));
                assertThat(declared.isMultiValue()).as("%s %s read as %s", name, option, how).isEqualTo(how.equals("values"));
            }
            for (OptionSpec declared : spec.options()) {
                if (declared.usageHelp() || declared.versionHelp() || declared.longestName().equals("--stacktrace")) {
                    continue;
                }
                assertThat(reads).as("%s declares %s", name, declared.longestName())
                        .anyMatch(r -> r.endsWith(" " + declared.longestName()));
            }
        }
    }

    @Test
    void valuesDefaultsAndRepeatedOptionsArriveTyped() {
        CommandModel pr = parsed("pr", "--label", "security", "--label", "harden", "--reviewer", "ana", "--draft",
                "--write-interval", "0.5", "--push-attempts", "5", "--token-file", "t.txt", "deploy", "k8s");
        assertThat(pr.<String>values("--label")).containsExactly("security", "harden");
        assertThat(pr.<String>values("--reviewer")).containsExactly("ana");
        assertThat(pr.<String>values("--assignee")).isEmpty();
        assertThat(pr.flag("--draft")).isTrue();
        assertThat(pr.flag("--force")).isFalse();
        assertThat(pr.<Double>value("--write-interval")).isEqualTo(0.5);
        assertThat(pr.<Integer>value("--push-attempts")).isEqualTo(5);
        assertThat(pr.<Path>value("--token-file")).isEqualTo(Path.of("t.txt"));
        assertThat(pr.<String>value("--forge")).isEqualTo("github");
        assertThat(pr.<String>value("--remote")).isEqualTo("origin");
        assertThat(pr.<String>value("--branch")).isNull();
        assertThat(Options.read(pr).paths()).containsExactly(Path.of("deploy"), Path.of("k8s"));

        CommandModel verify = parsed("verify", "--settle", "0", "-p", "strict");
        assertThat(verify.<Integer>value("--timeout")).isEqualTo(60);
        assertThat(verify.<Integer>value("--settle")).isZero();
        Options options = Options.read(verify);
        assertThat(options.profile).isEqualTo("strict");
        assertThat(options.maxFileSize).isEqualTo("10MB");
        assertThat(options.paths()).containsExactly(Path.of("."));

        CommandModel fix = parsed("fix", "-dq", "--no-color", "-v", "a.yaml");
        assertThat(fix.flag("--diff")).isTrue();
        assertThat(fix.flag("--quiet")).isTrue();
        assertThat(fix.flag("--interactive")).isFalse();
        assertThat(Options.read(fix).noColor).isTrue();
        assertThat(Options.read(fix).verbose).isTrue();

        assertThat(parsed("rules", "no-new-privileges").<String>positionals()).isEqualTo("no-new-privileges");
        assertThat(parsed("rules").<String>positionals()).isNull();
    }

    @Test
    void readingAnUndeclaredOptionIsAProgrammingErrorNotASilentDefault() {
        CommandModel check = parsed("check");
        assertThatThrownBy(() -> check.value("--no-such")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("harden check").hasMessageContaining("--no-such");
    }

    @Test
    void aNumberThatIsNotOneIsAUsageError() {
        Cli r = Cli.run("verify", "--timeout", "soon", ".");
        assertThat(r.exit()).isEqualTo(HardenCommand.BAD_INPUT);
        assertThat(r.err()).contains("--timeout").contains("'soon'").contains("harden verify --help");
    }

    @Test
    void everySubcommandAnswersVersion() {
        for (String name : List.of("check", "fix", "verify", "pr", "rules", "completion")) {
            Cli r = Cli.run(name, "--version");
            assertThat(r.exit()).isZero();
            assertThat(r.out()).startsWith("harden ").contains("Java ");
        }
    }
}
