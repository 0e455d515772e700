package dev.harden.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.harden.report.Severity;
import java.lang.reflect.Field;
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
    private static final Pattern READ = Pattern.compile("\\b(?:model|command)\\.get\\((?:([A-Z][A-Za-z]+)\\.)?([A-Z][A-Z_]*)\\)");

    /** The model of a subcommand after picocli parsed {@code args}. */
    private static CommandModel parsed(String... args) {
        CommandLine cli = HardenCommand.commandLine(args);
        CommandLine.ParseResult result = cli.parseArgs(args).subcommand();
        while (result.subcommand() != null) {
            result = result.subcommand();
        }
        Object command = result.commandSpec().userObject();
        return switch (args[0]) {
            case "check" -> ((CheckCommand) command).model;
            case "fix" -> ((FixCommand) command).model;
            case "verify" -> ((VerifyCommand) command).model;
            case "learn" -> ((LearnCommand) command).model;
            case "pr" -> ((PrCommand) command).model;
            case "rules" -> ((RulesCommand) command).model;
            case "completion" -> ((CompletionCommand) command).model;
            case "bulk" -> switch (args.length > 1 ? args[1] : "") {
                case "plan" -> ((BulkCommand.PlanCommand) command).model;
                case "run" -> ((BulkCommand.RunCommand) command).model;
                case "status" -> ((BulkCommand.StatusCommand) command).model;
                case "close" -> ((BulkCommand.CloseCommand) command).model;
                default -> ((BulkCommand) command).model;
            };
            default -> throw new IllegalArgumentException(args[0]);
        };
    }

    /**
     * The options a command's source reads ({@code get(FORMAT)}, {@code get(VerifyOptions.ENV)}),
     * found as the constants those sources name; a constant without a class is the source's own.
     */
    private static Set<Option<?>> reads(String... sources) throws Exception {
        Set<Option<?>> reads = new LinkedHashSet<>();
        for (String source : sources) {
            Matcher m = READ.matcher(Files.readString(Path.of("src/main/java/dev/harden/cli", source)));
            while (m.find()) {
                String owner = m.group(1) != null ? m.group(1) : source.substring(0, source.indexOf('.'));
                Field field = Class.forName("dev.harden.cli." + owner).getDeclaredField(m.group(2));
                reads.add((Option<?>) field.get(null));
            }
        }
        return reads;
    }

    @Test
    void everyOptionACommandReadsIsDeclaredAndEveryDeclaredOptionIsRead() throws Exception {
        for (String name : List.of("check", "fix", "verify", "learn", "pr", "rules", "completion")) {
            String source = Character.toUpperCase(name.charAt(0)) + name.substring(1) + "Command.java";
            // the shared options are read in Options, --env and --allow-host-access in VerifyOptions
            Set<Option<?>> reads = switch (name) {
                case "fix", "verify", "pr" -> reads(source, "Options.java", "VerifyOptions.java");
                case "check" -> reads(source, "Options.java");
                default -> reads(source);
            };
            assertThat(reads).as("%s reads options", name).isNotEmpty();
            List<Option<?>> declared = parsed(name).declared();
            for (Option<?> read : reads) {
                assertThat(declared).as("%s reads %s", name, read.name()).anyMatch(d -> d == read);
            }
            for (Option<?> d : declared) {
                assertThat(reads).as("%s declares %s", name, d.name()).anyMatch(r -> r == d);
            }
        }
    }

    /** The options read in one part of a source: from {@code from} up to {@code to} (null: the end). */
    private static Set<Option<?>> readsBetween(String source, String from, String to) throws Exception {
        String text = Files.readString(Path.of("src/main/java/dev/harden/cli", source));
        int start = from == null ? 0 : text.indexOf(from);
        int end = to == null ? text.length() : text.indexOf(to, start);
        Set<Option<?>> reads = new LinkedHashSet<>();
        Matcher m = READ.matcher(text.substring(start, end));
        String outer = source.substring(0, source.indexOf('.'));
        String nested = from == null ? null : from.substring(from.indexOf(' ') + 1);
        while (m.find()) {
            // an unqualified constant is the nested class's own, else the outer class's
            Class<?> owner = Class.forName("dev.harden.cli." + (m.group(1) != null ? m.group(1) : outer));
            if (m.group(1) == null && nested != null) {
                for (Class<?> c : owner.getDeclaredClasses()) {
                    if (c.getSimpleName().equals(nested) && java.util.Arrays.stream(c.getDeclaredFields())
                            .anyMatch(f -> f.getName().equals(m.group(2)))) {
                        owner = c;
                    }
                }
            }
            Field field = owner.getDeclaredField(m.group(2));
            field.setAccessible(true);
            reads.add((Option<?>) field.get(null));
        }
        return reads;
    }

    @Test
    void everyBulkSubcommandDeclaresWhatItReadsAndReadsWhatItDeclares() throws Exception {
        // each subcommand's own class, then the helpers below them that several share (the campaign, the token, the plan)
        List<String> classes = List.of("class PlanCommand", "class RunCommand", "class StatusCommand", "class CloseCommand",
                "class Session");
        Set<Option<?>> shared = readsBetween("BulkCommand.java", "class Session", null);
        assertThat(shared).contains(BulkCommand.CAMPAIGN, PrCommand.TOKEN_FILE, BulkCommand.SHARD, BulkCommand.ONLY);
        List<String> names = List.of("plan", "run", "status", "close");
        for (int i = 0; i < names.size(); i++) {
            Set<Option<?>> own = readsBetween("BulkCommand.java", classes.get(i), classes.get(i + 1));
            List<Option<?>> declared = parsed("bulk", names.get(i)).declared();
            assertThat(declared).as("bulk %s declares the campaign", names.get(i)).contains(BulkCommand.CAMPAIGN);
            for (Option<?> read : own) {
                assertThat(declared).as("bulk %s reads %s", names.get(i), read.name()).anyMatch(d -> d == read);
            }
            for (Option<?> d : declared) {
                assertThat(own.contains(d) || shared.contains(d)).as("bulk %s declares %s", names.get(i), d.name()).isTrue();
            }
        }
        assertThat(parsed("bulk").declared()).as("bulk itself only names its subcommands").isEmpty();
    }

    @Test
    void bulkSubcommandsValuesAndDefaultsArriveTyped() {
        CommandModel run = parsed("bulk", "run", "c.yaml", "--shard", "2/3", "--only", "failed", "--journal", "j.jsonl",
                "--no-color");
        assertThat(run.get(BulkCommand.CAMPAIGN)).isEqualTo("c.yaml");
        assertThat(run.get(BulkCommand.SHARD)).isEqualTo("2/3");
        assertThat(run.get(BulkCommand.ONLY)).isEqualTo("failed");
        assertThat(run.get(BulkCommand.JOURNAL)).isEqualTo(Path.of("j.jsonl"));
        assertThat(run.get(BulkCommand.CLONE_URL)).isEqualTo("https://{host}/{path}.git");
        assertThat(run.get(Options.NO_COLOR)).isTrue();

        CommandModel status = parsed("bulk", "status", "c.yaml", "--journal", "a.jsonl", "--journal", "b.jsonl", "-f", "csv",
                "--offline");
        assertThat(status.get(BulkCommand.JOURNALS)).containsExactly("a.jsonl", "b.jsonl");
        assertThat(status.get(BulkCommand.StatusCommand.FORMAT)).isEqualTo(BulkCommand.StatusCommand.Format.CSV);
        assertThat(status.get(BulkCommand.StatusCommand.OFFLINE)).isTrue();
        assertThat(parsed("bulk", "status", "c.yaml").get(BulkCommand.StatusCommand.OFFLINE)).isFalse();
        assertThat(parsed("bulk", "close", "c.yaml").get(PrCommand.TOKEN_FILE)).isNull();
        assertThatThrownBy(() -> parsed("bulk", "plan", "c.yaml").get(BulkCommand.CLONE_URL))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("harden bulk plan");
    }

    @Test
    void valuesDefaultsAndRepeatedOptionsArriveTyped() {
        CommandModel pr = parsed("pr", "--label", "security", "--label", "harden", "--reviewer", "ana", "--draft",
                "--write-interval", "0.5", "--push-attempts", "5", "--token-file", "t.txt", "deploy", "k8s");
        assertThat(pr.get(PrCommand.LABEL)).containsExactly("security", "harden");
        assertThat(pr.get(PrCommand.REVIEWER)).containsExactly("ana");
        assertThat(pr.get(PrCommand.ASSIGNEE)).isEmpty();
        assertThat(pr.get(PrCommand.DRAFT)).isTrue();
        assertThat(pr.get(PrCommand.FORCE)).isFalse();
        assertThat(pr.get(PrCommand.WRITE_INTERVAL)).isEqualTo(0.5);
        assertThat(pr.get(PrCommand.PUSH_ATTEMPTS)).isEqualTo(5);
        assertThat(pr.get(PrCommand.TOKEN_FILE)).isEqualTo(Path.of("t.txt"));
        assertThat(pr.get(PrCommand.FORGE)).isEqualTo("github");
        assertThat(pr.get(PrCommand.REMOTE)).isEqualTo("origin");
        assertThat(pr.get(PrCommand.BRANCH)).isNull();
        assertThat(pr.get(VerifyOptions.ENV)).isEmpty();
        assertThat(Options.read(pr).paths()).containsExactly(Path.of("deploy"), Path.of("k8s"));

        CommandModel verify = parsed("verify", "--settle", "0", "-p", "strict", "-f", "json", "--env", "A=1", "--env", "B=2");
        assertThat(verify.get(VerifyCommand.TIMEOUT)).isEqualTo(60);
        assertThat(verify.get(VerifyCommand.SETTLE)).isZero();
        assertThat(verify.get(VerifyCommand.FORMAT)).isEqualTo(VerifyCommand.Format.JSON);
        assertThat(verify.get(VerifyOptions.ENV)).containsExactly("A=1", "B=2");
        Options options = Options.read(verify);
        assertThat(options.profile).isEqualTo("strict");
        assertThat(options.maxFileSize).isEqualTo("10MB");
        assertThat(options.paths()).containsExactly(Path.of("."));

        CommandModel fix = parsed("fix", "-dq", "--no-color", "-v", "a.yaml");
        assertThat(fix.get(FixCommand.DIFF)).isTrue();
        assertThat(fix.get(FixCommand.QUIET)).isTrue();
        assertThat(fix.get(FixCommand.INTERACTIVE)).isFalse();
        assertThat(fix.get(FixCommand.FORMAT)).isEqualTo(FixCommand.Format.TEXT);
        assertThat(Options.read(fix).noColor).isTrue();
        assertThat(Options.read(fix).verbose).isTrue();

        assertThat(parsed("check", "--fail-on", "warning").get(CheckCommand.FAIL_ON)).isEqualTo(Severity.WARNING);
        assertThat(parsed("check").get(CheckCommand.FAIL_ON)).isEqualTo(Severity.NOTE);
        assertThat(parsed("rules", "no-new-privileges").get(RulesCommand.RULE)).isEqualTo("no-new-privileges");
        assertThat(parsed("rules").get(RulesCommand.RULE)).isNull();

        CommandModel learn = parsed("learn", "--lock", "-f", "json", "compose.yaml:db");
        assertThat(learn.get(LearnCommand.TARGET)).isEqualTo("compose.yaml:db");
        assertThat(learn.get(LearnCommand.LOCK)).isTrue();
        assertThat(learn.get(LearnCommand.FORMAT)).isEqualTo(LearnCommand.Format.JSON);
        assertThat(learn.get(LearnCommand.MAX_TRIALS)).isEqualTo(16);
        assertThat(learn.get(LearnCommand.TIMEOUT)).isEqualTo(30);
        assertThat(learn.get(LearnCommand.SETTLE)).isEqualTo(5);
        assertThat(learn.get(LearnCommand.DOCKER_HOST)).isNull();
    }

    @Test
    void readingAnOptionTheCommandDoesNotDeclareIsAProgrammingErrorNotASilentDefault() {
        CommandModel check = parsed("check");
        assertThatThrownBy(() -> check.get(PrCommand.REPO)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("harden check").hasMessageContaining("--repo");
        // verify describes --docker-host in its own words: a declaration of its own, not fix's
        CommandModel verify = parsed("verify");
        assertThatThrownBy(() -> verify.get(VerifyOptions.DOCKER_HOST)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theEngineOptionIsOneDeclarationThatVerifyOnlyDescribesDifferently() {
        OptionSpec fix = parsed("fix").spec().findOption("--docker-host");
        OptionSpec pr = parsed("pr").spec().findOption("--docker-host");
        OptionSpec verify = parsed("verify").spec().findOption("--docker-host");
        for (OptionSpec o : List.of(pr, verify)) {
            assertThat(o.names()).isEqualTo(fix.names());
            assertThat(o.paramLabel()).isEqualTo(fix.paramLabel());
            assertThat(o.type()).isEqualTo(fix.type());
        }
        assertThat(pr.description()).isEqualTo(fix.description());
        assertThat(verify.description()).isNotEqualTo(fix.description());
        assertThat(parsed("verify", "--docker-host", "unix:///tmp/d.sock").get(VerifyCommand.DOCKER_HOST))
                .isEqualTo("unix:///tmp/d.sock");
    }

    @Test
    void aFormatACommandDoesNotWriteIsRefusedInOneShapeNamingTheFormatsItDoes() {
        assertThatThrownBy(() -> parsed("check", "-f", "JSON").get(CheckCommand.FORMAT)).isInstanceOf(UserException.class)
                .hasMessage("--format must be text, json, sarif or markdown, not 'JSON'");
        assertThatThrownBy(() -> parsed("fix", "-f", "json").get(FixCommand.FORMAT)).isInstanceOf(UserException.class)
                .hasMessage("--format must be text or markdown, not 'json'");
        assertThatThrownBy(() -> parsed("verify", "-f", "sarif").get(VerifyCommand.FORMAT)).isInstanceOf(UserException.class)
                .hasMessage("--format must be text, json or markdown, not 'sarif'");
        assertThatThrownBy(() -> parsed("rules", "-f", "").get(RulesCommand.FORMAT)).isInstanceOf(UserException.class)
                .hasMessage("--format must be text or markdown, not ''");
        Cli r = Cli.run("verify", "--format", "sarif", ".");
        assertThat(r.exit()).isEqualTo(HardenCommand.BAD_INPUT);
        assertThat(r.err()).isEqualTo("harden: --format must be text, json or markdown, not 'sarif'" + System.lineSeparator());
    }

    @Test
    void aSeverityIsTakenInAnyCaseAndAnythingElseIsRefusedInTheSameShape() {
        assertThat(parsed("check", "--fail-on", " Warning ").get(CheckCommand.FAIL_ON)).isEqualTo(Severity.WARNING);
        assertThatThrownBy(() -> parsed("check", "--fail-on", "loud").get(CheckCommand.FAIL_ON)).isInstanceOf(UserException.class)
                .hasMessage("--fail-on must be error, warning or note, not 'loud'");
    }

    @Test
    void aNumberThatIsNotOneIsAUsageError() {
        Cli r = Cli.run("verify", "--timeout", "soon", ".");
        assertThat(r.exit()).isEqualTo(HardenCommand.BAD_INPUT);
        assertThat(r.err()).contains("--timeout").contains("'soon'").contains("harden verify --help");
    }

    @Test
    void everySubcommandAnswersVersion() {
        for (String name : List.of("check", "fix", "verify", "learn", "pr", "rules", "completion")) {
            Cli r = Cli.run(name, "--version");
            assertThat(r.exit()).isZero();
            assertThat(r.out()).startsWith("harden ").contains("Java ");
        }
        for (String[] args : List.of(new String[] {"bulk", "--version"}, new String[] {"bulk", "plan", "--version"},
                new String[] {"bulk", "run", "--version"}, new String[] {"bulk", "status", "--version"},
                new String[] {"bulk", "close", "--version"})) {
            Cli r = Cli.run(args);
            assertThat(r.exit()).as(String.join(" ", args)).isZero();
            assertThat(r.out()).startsWith("harden ").contains("Java ");
        }
    }
}
